package errortrack

import "time"

// Flush lets the tests wait for delivery without closing the Tracker.
func Flush(t *Tracker, timeout time.Duration) bool { return t.flush(timeout) }
