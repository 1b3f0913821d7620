package domain

import (
	"errors"
	"fmt"
)

// Error codes. The HTTP layer maps each to one status in one place.
const (
	ECONFLICT     = "conflict"     // 409: a timer already running, an email taken
	EINTERNAL     = "internal"     // 500: never shown with details
	EINVALID      = "invalid"      // 400: bad input, names the field
	ENOTFOUND     = "not_found"    // 404: missing, or someone else's
	EUNAUTHORIZED = "unauthorized" // 401: not signed in
	EFORBIDDEN    = "forbidden"    // 403: signed in but not allowed
	ETOOMANY      = "too_many"     // 429: rate limited
	ETOOLARGE     = "too_large"    // 413: body over the limit
	EUNSUPPORTED  = "unsupported"  // 415: not JSON
	EUNAVAILABLE  = "unavailable"  // 503: the database cannot be reached; try again
	ECANCELED     = "canceled"     // 499: the client hung up before the answer
)

// Error is an error meant for the user: a code, a message safe to show, and
// the input field it concerns, if any.
type Error struct {
	Code    string
	Message string
	Field   string
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (field %s)", e.Code, e.Message, e.Field)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an EINVALID error about one input field.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Message: fmt.Sprintf(format, args...), Field: field}
}

// ErrorCode returns the code of the *Error in err's chain, EINTERNAL for any
// other error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err: its *Error message,
// or a generic text that reveals nothing internal.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// ErrorField returns the field named by err's *Error, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
