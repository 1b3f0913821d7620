package api

import (
	"bytes"
	"encoding/json"
	"reflect"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// nullable is a PATCH field that can be absent (leave as is), null (clear)
// or a value: a plain pointer cannot tell absent from null.
type nullable[T any] struct {
	Set   bool // the field was present
	Value *T   // nil when it was null
}

// UnmarshalJSON is called only when the field is present.
func (n *nullable[T]) UnmarshalJSON(b []byte) error {
	n.Set = true
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		n.Value = nil
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	n.Value = &v
	return nil
}

// timestamp is an RFC 3339 time in a request body. Its decoding error is
// an UnmarshalTypeError, so the decoder names the field it failed in.
type timestamp struct{ time.Time }

var timeType = reflect.TypeFor[time.Time]()

var centsType = reflect.TypeFor[domain.Cents]()

// UnmarshalJSON accepts what time.Time does: an RFC 3339 string.
func (t *timestamp) UnmarshalJSON(b []byte) error {
	if err := t.Time.UnmarshalJSON(b); err != nil {
		return &json.UnmarshalTypeError{Value: "string", Type: timeType}
	}
	return nil
}
