package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
	"github.com/discreet-dev/discreet/examples/timetracker/store"
)

// dbHealth turns errors that mean "the database cannot be reached" into
// EUNAVAILABLE (503 with Retry-After) and logs the outage once when it
// begins and once when it ends, instead of one record with a stack per
// failed request: an outage of a minute would otherwise rotate the earlier
// logs away.
type dbHealth struct {
	ping  func(context.Context) error
	log   *slog.Logger
	every time.Duration // how often the database is tried while down

	down   atomic.Bool
	failed atomic.Int64 // requests answered 503 in this outage

	stop chan struct{}
	wg   sync.WaitGroup
	once sync.Once
}

func newDBHealth(ping func(context.Context) error, log *slog.Logger) *dbHealth {
	return &dbHealth{ping: ping, log: log, every: time.Second, stop: make(chan struct{})}
}

// errUnavailable is what clients are told while the database is down.
var errUnavailable = domain.Errorf(domain.EUNAVAILABLE, "The database cannot be reached right now. Nothing was changed; try again in a few seconds.")

// classify is api.Options.Classify and web.Config.Classify.
func (h *dbHealth) classify(ctx context.Context, err error) error {
	if !store.Unavailable(err) {
		return err
	}
	h.failed.Add(1)
	if h.down.CompareAndSwap(false, true) {
		h.failed.Store(1)
		since := time.Now()
		h.log.LogAttrs(ctx, slog.LevelWarn, "database unreachable: answering 503 until it is back",
			slog.String("error", err.Error()))
		h.wg.Go(func() { h.watch(since) })
	}
	return fmt.Errorf("%w: %w", errUnavailable, err)
}

// watch tries the database until it answers, then logs the recovery.
func (h *dbHealth) watch(since time.Time) {
	t := time.NewTicker(h.every)
	defer t.Stop()
	for {
		select {
		case <-h.stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		err := h.ping(ctx)
		cancel()
		if err == nil {
			h.log.LogAttrs(context.Background(), slog.LevelInfo, "database reachable again",
				slog.Duration("outage", time.Since(since)), slog.Int64("requests_refused", h.failed.Load()))
			h.down.Store(false)
			return
		}
		if !store.Unavailable(err) && !errors.Is(err, context.DeadlineExceeded) {
			// Reachable but failing otherwise: no longer an outage this
			// watcher can end; requests will log their own errors.
			h.log.LogAttrs(context.Background(), slog.LevelWarn, "database answers again, with an error", slog.String("error", err.Error()))
			h.down.Store(false)
			return
		}
	}
}

// close stops the watcher, if one runs.
func (h *dbHealth) close() {
	if h == nil {
		return
	}
	h.once.Do(func() { close(h.stop) })
	h.wg.Wait()
}
