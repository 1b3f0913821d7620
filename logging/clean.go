package logging

import (
	"strings"
	"sync/atomic"
	"unsafe"

	"github.com/discreet-dev/discreet/redact"
)

// cleanStrings remembers string values that the engine found clean, by
// the address and length of their bytes, so that a string logged again
// from the same memory skips the scan: a route pattern, a constant
// message, a method or status word. Only clean verdicts are kept, never a
// string that had something to remove, and a hit compares the string
// with the entry's own copy, so a buffer reused for other bytes (a
// zero-copy string) is scanned like any other string.
//
// A string is cached the second time in a row that its slot sees it, so
// strings logged once (request IDs, timestamps) cost no copy; finding a
// slot costs a multiplication and a load. No slot is written on a hit.
type cleanStrings struct {
	slots [cleanSlots]cleanSlot
}

type cleanSlot struct {
	seen atomic.Uintptr // address^length of the last clean string that passed uncached
	ent  atomic.Pointer[cleanEntry]
}

type cleanEntry struct {
	s  string  // a private copy, which nobody can change
	at uintptr // where the string's bytes were; not a pointer, so they are not kept alive
}

const (
	cleanSlots  = 256
	minCleanLen = 8   // shorter strings cost less to scan than to look up
	maxCleanLen = 256 // bounds the copies
)

func cleanSlotOf(at uintptr, n int) uintptr {
	return (at ^ uintptr(n)) * 0x9E3779B97F4A7C15 >> (64 - 8) // the top 8 bits: 0 to cleanSlots-1
}

// appendChanged is eng.AppendChanged, with the verdicts of s.eng on
// strings seen before taken from s.clean.
func (s *scrubber) appendChanged(eng *redact.Engine, dst []byte, v string) ([]byte, bool) {
	if eng != s.eng || len(v) < minCleanLen || len(v) > maxCleanLen {
		return eng.AppendChanged(dst, v)
	}
	at := uintptr(unsafe.Pointer(unsafe.StringData(v)))
	slot := &s.clean.slots[cleanSlotOf(at, len(v))]
	if e := slot.ent.Load(); e != nil && e.at == at && e.s == v {
		return dst, false
	}
	out, changed := eng.AppendChanged(dst, v)
	if !changed {
		if h := at ^ uintptr(len(v)); slot.seen.Load() != h {
			slot.seen.Store(h)
		} else {
			slot.ent.Store(&cleanEntry{s: strings.Clone(v), at: at})
		}
	}
	return out, changed
}
