package metrics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"

	"go.opentelemetry.io/otel/metric"
)

// ObserveGauge registers a gauge whose value fn returns at every scrape,
// such as the number of running timers. name is an OTel instrument name
// (dots become underscores in Prometheus: "timetracker.timers.running" is
// exported as timetracker_timers_running). fn receives the context of the
// collection and should return quickly.
//
// When fn fails, that scrape leaves the gauge out and still succeeds; the
// error is logged once when a failure streak begins, and once more when fn
// works again, so a broken dependency does not flood the log.
func (m *Metrics) ObserveGauge(name, description string, fn func(ctx context.Context) (int64, error)) error {
	if fn == nil {
		return errors.New("metrics: ObserveGauge: nil callback")
	}
	var failing atomic.Bool
	logger := m.logger
	_, err := m.meter.Int64ObservableGauge(name,
		metric.WithDescription(description),
		metric.WithInt64Callback(func(ctx context.Context, o metric.Int64Observer) error {
			v, err := fn(ctx)
			if err != nil {
				if !failing.Swap(true) {
					logger.LogAttrs(ctx, slog.LevelWarn, "metrics: gauge callback failed; the gauge is left out until it works",
						slog.String("gauge", name), slog.Any("error", err))
				}
				return nil // the rest of the scrape must not fail with it
			}
			if failing.Swap(false) {
				logger.LogAttrs(ctx, slog.LevelInfo, "metrics: gauge callback works again", slog.String("gauge", name))
			}
			o.Observe(v)
			return nil
		}),
	)
	if err != nil {
		return fmt.Errorf("metrics: ObserveGauge %q: %w", name, err)
	}
	return nil
}

// ObserveCounter registers a counter whose running total fn returns at
// every scrape: a count the application keeps anyway, such as the log
// lines logging.File could not write (File.Dropped). name is an OTel
// instrument name; Prometheus shows it with "_total" appended
// ("log.dropped_lines" is exported as log_dropped_lines_total). fn should
// never go down. Failures of fn are handled as in [Metrics.ObserveGauge].
func (m *Metrics) ObserveCounter(name, description string, fn func(ctx context.Context) (int64, error)) error {
	if fn == nil {
		return errors.New("metrics: ObserveCounter: nil callback")
	}
	var failing atomic.Bool
	logger := m.logger
	_, err := m.meter.Int64ObservableCounter(name,
		metric.WithDescription(description),
		metric.WithInt64Callback(func(ctx context.Context, o metric.Int64Observer) error {
			v, err := fn(ctx)
			if err != nil {
				if !failing.Swap(true) {
					logger.LogAttrs(ctx, slog.LevelWarn, "metrics: counter callback failed; the counter is left out until it works",
						slog.String("counter", name), slog.Any("error", err))
				}
				return nil
			}
			if failing.Swap(false) {
				logger.LogAttrs(ctx, slog.LevelInfo, "metrics: counter callback works again", slog.String("counter", name))
			}
			o.Observe(v)
			return nil
		}),
	)
	if err != nil {
		return fmt.Errorf("metrics: ObserveCounter %q: %w", name, err)
	}
	return nil
}
