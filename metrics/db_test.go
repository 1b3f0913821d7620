package metrics

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"

	dto "github.com/prometheus/client_model/go"
)

// fakeDriver is a minimal database/sql driver whose connections do
// nothing; the pool logic under test is database/sql's own.
type fakeDriver struct{ opened atomic.Int64 }

func (d *fakeDriver) Open(string) (driver.Conn, error) {
	d.opened.Add(1)
	return fakeConn{}, nil
}

type fakeConn struct{}

func (fakeConn) Prepare(string) (driver.Stmt, error) { return fakeStmt{}, nil }
func (fakeConn) Close() error                        { return nil }
func (fakeConn) Begin() (driver.Tx, error)           { return nil, errors.New("no transactions") }

type fakeStmt struct{}

func (fakeStmt) Close() error                               { return nil }
func (fakeStmt) NumInput() int                              { return -1 }
func (fakeStmt) Exec([]driver.Value) (driver.Result, error) { return driver.RowsAffected(0), nil }
func (fakeStmt) Query([]driver.Value) (driver.Rows, error)  { return fakeRows{}, nil }

type fakeRows struct{}

func (fakeRows) Columns() []string         { return nil }
func (fakeRows) Close() error              { return nil }
func (fakeRows) Next([]driver.Value) error { return io.EOF }

var driverSeq atomic.Int64

func openFakeDB(t *testing.T) *sql.DB {
	t.Helper()
	name := "discreet-fake-" + strconv.FormatInt(driverSeq.Add(1), 10)
	sql.Register(name, &fakeDriver{})
	db, err := sql.Open(name, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// dbValue returns the value of the series of fam whose labels include want.
func dbValue(t *testing.T, fams map[string]*dto.MetricFamily, fam string, want map[string]string) float64 {
	t.Helper()
	f := fams[fam]
	if f == nil {
		t.Fatalf("%s missing", fam)
	}
	for _, mt := range f.GetMetric() {
		l := labels(mt)
		match := true
		for k, v := range want {
			match = match && l[k] == v
		}
		if !match {
			continue
		}
		switch f.GetType() {
		case dto.MetricType_GAUGE:
			return mt.GetGauge().GetValue()
		case dto.MetricType_COUNTER:
			return mt.GetCounter().GetValue()
		}
		t.Fatalf("%s has type %v", fam, f.GetType())
	}
	t.Fatalf("%s has no series with %v", fam, want)
	return 0
}

// claim: M1
func TestObserveDB(t *testing.T) {
	m := newMetrics(t, WithoutRuntimeMetrics())
	db := openFakeDB(t)
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	if err := m.ObserveDB(db, "main"); err != nil {
		t.Fatal(err)
	}
	pool := map[string]string{"db_client_connection_pool_name": "main"}
	with := func(k, v string) map[string]string {
		return map[string]string{"db_client_connection_pool_name": "main", k: v}
	}
	type figures struct{ idle, used, max, waits, closedMaxIdle float64 }
	read := func() figures {
		fams := scrape(t, m)
		return figures{
			idle:          dbValue(t, fams, "db_client_connection_count", with("db_client_connection_state", "idle")),
			used:          dbValue(t, fams, "db_client_connection_count", with("db_client_connection_state", "used")),
			max:           dbValue(t, fams, "db_client_connection_max", pool),
			waits:         dbValue(t, fams, "db_client_connection_waits_total", pool),
			closedMaxIdle: dbValue(t, fams, "db_client_connection_closed_total", with("db_client_connection_close_reason", "max_idle")),
		}
	}

	ctx := context.Background()
	if got, want := read(), (figures{max: 1}); got != want {
		t.Errorf("fresh pool: %+v, want %+v", got, want)
	}

	c1, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := read(), (figures{used: 1, max: 1}); got != want {
		t.Errorf("one connection taken: %+v, want %+v", got, want)
	}

	// A second caller has to wait for the only connection.
	got2 := make(chan *sql.Conn)
	go func() {
		c, err := db.Conn(ctx)
		if err != nil {
			t.Error(err)
		}
		got2 <- c
	}()
	for db.Stats().WaitCount == 0 {
		runtime.Gosched()
	}
	if err := c1.Close(); err != nil {
		t.Fatal(err)
	}
	c2 := <-got2
	if got, want := read(), (figures{used: 1, max: 1, waits: 1}); got != want {
		t.Errorf("after a wait: %+v, want %+v", got, want)
	}
	if err := c2.Close(); err != nil {
		t.Fatal(err)
	}
	if got, want := read(), (figures{idle: 1, max: 1, waits: 1}); got != want {
		t.Errorf("connection returned: %+v, want %+v", got, want)
	}

	// With no idle slots a returned connection is closed.
	db.SetMaxIdleConns(0)
	c3, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := c3.Close(); err != nil {
		t.Fatal(err)
	}
	got := read()
	if got.idle != 0 || got.used != 0 || got.closedMaxIdle < 1 {
		t.Errorf("after closing over the idle limit: %+v", got)
	}
	fams := scrape(t, m)
	if v := dbValue(t, fams, "db_client_connection_wait_duration_seconds_total", pool); v <= 0 {
		t.Errorf("wait duration %v after a wait", v)
	}
	for _, reason := range []string{"max_idle_time", "max_lifetime"} {
		dbValue(t, fams, "db_client_connection_closed_total", with("db_client_connection_close_reason", reason))
	}
}

func TestObserveDBErrors(t *testing.T) {
	m := newMetrics(t, WithoutRuntimeMetrics())
	db := openFakeDB(t)
	tests := []struct {
		name string
		db   *sql.DB
		pool string
	}{
		{"nil db", nil, "x"},
		{"empty name", db, ""},
		{"same name twice", db, "main"},
	}
	if err := m.ObserveDB(db, "main"); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := m.ObserveDB(tt.db, tt.pool); err == nil {
				t.Error("no error")
			}
		})
	}
	// Two pools are reported side by side.
	if err := m.ObserveDB(openFakeDB(t), "replica"); err != nil {
		t.Fatal(err)
	}
	fams := scrape(t, m)
	for _, name := range []string{"main", "replica"} {
		dbValue(t, fams, "db_client_connection_max", map[string]string{"db_client_connection_pool_name": name})
	}
}
