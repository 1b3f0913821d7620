package errortrack

import (
	"context"
	"sync"
	"time"

	"github.com/getsentry/sentry-go"
)

// queueTransport is the sentry.Transport of every Tracker: a bounded queue
// in front of one worker that delivers events one by one with the SDK's
// HTTPSyncTransport (which speaks the envelope protocol and honours rate
// limits). Compared with the SDK's own asynchronous transports:
//
//   - the event is serialised on the worker, not on the request's
//     goroutine;
//   - a full queue is visible before an event is even built, so under an
//     outage a capture costs next to nothing;
//   - Close cancels the request in flight instead of leaving the worker
//     blocked on an unresponsive endpoint until its timeout.
type queueTransport struct {
	inner *sentry.HTTPSyncTransport
	queue chan *sentry.Event

	ctx    context.Context // canceled by Close; carried by every request
	cancel context.CancelFunc
	done   chan struct{} // closed when the worker has returned
	start  sync.Once

	mu      sync.Mutex
	pending int             // queued plus in flight
	waiters []chan struct{} // closed when pending drops to zero
	closed  bool
}

func newQueueTransport(size int, timeout time.Duration) *queueTransport {
	inner := sentry.NewHTTPSyncTransport()
	inner.Timeout = timeout
	ctx, cancel := context.WithCancel(context.Background())
	return &queueTransport{
		inner:  inner,
		queue:  make(chan *sentry.Event, size),
		ctx:    ctx,
		cancel: cancel,
		done:   make(chan struct{}),
	}
}

// Configure receives the client's options; the worker starts here, once.
func (q *queueTransport) Configure(opts sentry.ClientOptions) {
	q.inner.Configure(opts)
	q.start.Do(func() { go q.work() })
}

// full reports whether a new event would be dropped.
func (q *queueTransport) full() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.closed || q.pending >= cap(q.queue)
}

// SendEvent queues e, or drops it when the queue is full or closed. It
// never blocks.
func (q *queueTransport) SendEvent(e *sentry.Event) {
	q.mu.Lock()
	if q.closed || q.pending >= cap(q.queue) {
		q.mu.Unlock()
		return
	}
	q.pending++
	q.mu.Unlock()
	// pending counts every event in the channel, so there is room.
	q.queue <- e
}

func (q *queueTransport) work() {
	defer close(q.done)
	for {
		select {
		case <-q.ctx.Done():
			return
		case e := <-q.queue:
			q.inner.SendEventWithContext(q.ctx, e)
			q.mu.Lock()
			q.pending--
			if q.pending == 0 {
				for _, w := range q.waiters {
					close(w)
				}
				q.waiters = nil
			}
			q.mu.Unlock()
		}
	}
}

// Flush waits until the queue is empty and nothing is in flight, at most
// timeout.
func (q *queueTransport) Flush(timeout time.Duration) bool {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return q.FlushWithContext(ctx)
}

// FlushWithContext waits until the queue is empty and nothing is in
// flight, or ctx is done.
func (q *queueTransport) FlushWithContext(ctx context.Context) bool {
	q.mu.Lock()
	if q.pending == 0 {
		q.mu.Unlock()
		return true
	}
	if q.closed {
		q.mu.Unlock()
		return false
	}
	w := make(chan struct{})
	q.waiters = append(q.waiters, w)
	q.mu.Unlock()
	select {
	case <-w:
		return true
	case <-ctx.Done():
		return false
	}
}

// Close drops what is queued, aborts the request in flight and waits for
// the worker, which then returns at once.
func (q *queueTransport) Close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.cancel()
	q.start.Do(func() { close(q.done) }) // never configured: no worker to wait for
	<-q.done
}
