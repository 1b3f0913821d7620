package metrics

import (
	"database/sql"
	"errors"
	"fmt"

	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// ObserveDB reports the pool figures of db ([sql.DB.Stats]), read at every
// scrape, under the pool name name (label db_client_connection_pool_name).
// The names follow the OpenTelemetry semantic conventions for database
// client connections where they define an instrument that sql.DBStats can
// fill; the cumulative figures DBStats keeps have no conventional
// instrument, so they get names in the same namespace:
//
//	OTel instrument                         Prometheus series                                      from DBStats
//	db.client.connection.count              db_client_connection_count{..._state="idle"|"used"}    Idle, InUse
//	db.client.connection.max                db_client_connection_max                               MaxOpenConnections (0: unlimited)
//	db.client.connection.waits              db_client_connection_waits_total                       WaitCount
//	db.client.connection.wait_duration      db_client_connection_wait_duration_seconds_total       WaitDuration
//	db.client.connection.closed             db_client_connection_closed_total{db_client_connection_close_reason=
//	                                          "max_idle"|"max_idle_time"|"max_lifetime"}           MaxIdleClosed, MaxIdleTimeClosed, MaxLifetimeClosed
//
// Each name may be observed once; a second call with the same name is an
// error, as it would report two pools as one.
func (m *Metrics) ObserveDB(db *sql.DB, name string) error {
	if db == nil {
		return errors.New("metrics: ObserveDB: nil *sql.DB")
	}
	if name == "" {
		return errors.New("metrics: ObserveDB: empty pool name")
	}
	m.mu.Lock()
	dup := m.dbNames[name]
	m.dbNames[name] = true
	m.mu.Unlock()
	if dup {
		return fmt.Errorf("metrics: ObserveDB: pool %q is already observed", name)
	}

	count, err1 := m.meter.Int64ObservableUpDownCounter("db.client.connection.count",
		metric.WithUnit("{connection}"),
		metric.WithDescription("Number of connections in the pool, by state."))
	maxOpen, err2 := m.meter.Int64ObservableUpDownCounter("db.client.connection.max",
		metric.WithUnit("{connection}"),
		metric.WithDescription("Maximum number of open connections allowed; 0 means unlimited."))
	waits, err3 := m.meter.Int64ObservableCounter("db.client.connection.waits",
		metric.WithUnit("{wait}"),
		metric.WithDescription("Number of times a caller waited for a connection."))
	waitDur, err4 := m.meter.Float64ObservableCounter("db.client.connection.wait_duration",
		metric.WithUnit("s"),
		metric.WithDescription("Total time callers waited for a connection."))
	closed, err5 := m.meter.Int64ObservableCounter("db.client.connection.closed",
		metric.WithUnit("{connection}"),
		metric.WithDescription("Number of connections the pool closed, by reason."))
	if err := errors.Join(err1, err2, err3, err4, err5); err != nil {
		m.forgetDB(name)
		return fmt.Errorf("metrics: ObserveDB: %w", err)
	}

	pool := attribute.String("db.client.connection.pool.name", name)
	set := func(kv ...attribute.KeyValue) metric.ObserveOption {
		return metric.WithAttributeSet(attribute.NewSet(append(kv, pool)...))
	}
	var (
		onlyPool    = set()
		idle        = set(attribute.String("db.client.connection.state", "idle"))
		used        = set(attribute.String("db.client.connection.state", "used"))
		maxIdle     = set(attribute.String("db.client.connection.close_reason", "max_idle"))
		maxIdleTime = set(attribute.String("db.client.connection.close_reason", "max_idle_time"))
		maxLifetime = set(attribute.String("db.client.connection.close_reason", "max_lifetime"))
	)
	reg, err := m.meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		s := db.Stats()
		o.ObserveInt64(count, int64(s.Idle), idle)
		o.ObserveInt64(count, int64(s.InUse), used)
		o.ObserveInt64(maxOpen, int64(s.MaxOpenConnections), onlyPool)
		o.ObserveInt64(waits, s.WaitCount, onlyPool)
		o.ObserveFloat64(waitDur, s.WaitDuration.Seconds(), onlyPool)
		o.ObserveInt64(closed, s.MaxIdleClosed, maxIdle)
		o.ObserveInt64(closed, s.MaxIdleTimeClosed, maxIdleTime)
		o.ObserveInt64(closed, s.MaxLifetimeClosed, maxLifetime)
		return nil
	}, count, maxOpen, waits, waitDur, closed)
	if err != nil {
		m.forgetDB(name)
		return fmt.Errorf("metrics: ObserveDB: %w", err)
	}
	m.keep(reg)
	return nil
}

func (m *Metrics) forgetDB(name string) {
	m.mu.Lock()
	delete(m.dbNames, name)
	m.mu.Unlock()
}
