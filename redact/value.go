package redact

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"time"
)

// maxDepth bounds how deep Value descends; deeper values become TooDeep.
const maxDepth = 16

// Markers Value uses for what it will not walk into.
const (
	// Cycle replaces a pointer, map or slice already being walked.
	Cycle = "[cycle]"
	// TooDeep replaces a value nested deeper than Value descends.
	TooDeep = "[too deep]"
)

var (
	errorType    = reflect.TypeFor[error]()
	stringerType = reflect.TypeFor[fmt.Stringer]()
	timeType     = reflect.TypeFor[time.Time]()
	userinfoType = reflect.TypeFor[url.Userinfo]()
	urlType      = reflect.TypeFor[url.URL]()
	cookieType   = reflect.TypeFor[http.Cookie]()
)

// Value returns a scrubbed copy of v made of plain values, ready for any
// encoder:
//
//   - strings, []byte and string-kinded types: [Engine.String];
//   - errors: their scrubbed Error() (so a wrapped chain is scrubbed whole);
//   - [fmt.Stringer] values that are not numbers: their scrubbed String();
//   - structs (exported fields, json tag names honoured, "-" skipped,
//     embedded structs flattened) and maps: map[string]any, with map keys
//     scrubbed too;
//   - slices and arrays: []any; pointers and interfaces: what they point to;
//   - numbers, bools, time.Time, time.Duration and nil: unchanged;
//   - [url.Userinfo]: [Credentials]; [http.Cookie]: its name and [Redacted];
//     [url.URL], also by value: its scrubbed String().
//
// Anything stored under a key or field name that [Engine.IsSensitiveKey]
// reports becomes [Redacted], whatever its type. Cycles become [Cycle] and
// nesting deeper than 16 levels becomes [TooDeep], so Value always ends.
// Channels, funcs and other values with no data become their type name.
func (e *Engine) Value(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		return e.String(x)
	case bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32,
		uint64, uintptr, float32, float64, complex64, complex128,
		time.Time, time.Duration:
		return v
	case []byte:
		return e.String(string(x))
	}
	w := walker{e: e}
	return w.walk(reflect.ValueOf(v), 0)
}

type walker struct {
	e    *Engine
	path []uintptr // addresses of pointers, maps and slices being walked
}

func (e *Engine) errorString(err error) (s string) {
	defer func() {
		// A nil pointer with an Error method that dereferences it.
		if recover() != nil {
			s = "<nil>"
		}
	}()
	return e.String(err.Error())
}

func (e *Engine) stringerString(st fmt.Stringer) (s string) {
	defer func() {
		if recover() != nil {
			s = "<nil>"
		}
	}()
	return e.String(st.String())
}

func (w *walker) walk(v reflect.Value, depth int) any {
	if !v.IsValid() {
		return nil
	}
	if depth > maxDepth {
		return TooDeep
	}
	t := v.Type()
	switch v.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32,
		reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32,
		reflect.Uint64, reflect.Uintptr, reflect.Float32, reflect.Float64,
		reflect.Complex64, reflect.Complex128:
		// Numbers carry no text, even when they have a String method.
		if v.CanInterface() {
			return v.Interface()
		}
		return plainNumber(v)
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
	}
	if t == timeType && v.CanInterface() {
		return v.Interface()
	}
	if v, ok := w.special(v); ok {
		return v
	}
	if v.CanInterface() {
		if t.Implements(errorType) {
			return w.e.errorString(v.Interface().(error))
		}
		if t.Implements(stringerType) {
			return w.e.stringerString(v.Interface().(fmt.Stringer))
		}
	}
	switch v.Kind() {
	case reflect.String:
		return w.e.String(v.String())
	case reflect.Interface:
		return w.walk(v.Elem(), depth+1)
	case reflect.Pointer:
		if w.seen(v.Pointer()) {
			return Cycle
		}
		w.path = append(w.path, v.Pointer())
		defer w.pop()
		return w.walk(v.Elem(), depth+1)
	case reflect.Slice:
		if v.IsNil() {
			return nil
		}
		if t.Elem().Kind() == reflect.Uint8 {
			return w.e.String(string(v.Bytes()))
		}
		if v.Len() > 0 {
			p := v.Pointer()
			if w.seen(p) {
				return Cycle
			}
			w.path = append(w.path, p)
			defer w.pop()
		}
		return w.list(v, depth)
	case reflect.Array:
		return w.list(v, depth)
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		if w.seen(v.Pointer()) {
			return Cycle
		}
		w.path = append(w.path, v.Pointer())
		defer w.pop()
		out := make(map[string]any, v.Len())
		it := v.MapRange()
		for it.Next() {
			k := w.mapKey(it.Key())
			if w.e.IsSensitiveKey(k) {
				out[w.e.String(k)] = Redacted
				continue
			}
			out[w.e.String(k)] = w.walk(it.Value(), depth+1)
		}
		return out
	case reflect.Struct:
		out := make(map[string]any, t.NumField())
		w.fields(v, out, depth)
		return out
	default:
		return t.String()
	}
}

// special renders the standard types whose own String methods print a
// secret in a shape the scanner cannot recognise: url.Userinfo prints
// "user:password" without the '@' that marks it as userinfo, and
// http.Cookie prints "name=value", whose value is a session or other
// credential under a name nobody can list in advance. A url.URL held by
// value (its String method wants a pointer) is printed as a URL, so its
// userinfo is recognised, rather than walked field by field.
func (w *walker) special(v reflect.Value) (any, bool) {
	t := v.Type()
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
		v = v.Elem()
	}
	switch t {
	case userinfoType:
		return Credentials, true
	case cookieType:
		if !v.CanInterface() {
			return Redacted, true
		}
		c := v.Interface().(http.Cookie)
		return w.e.String(c.Name) + "=" + Redacted, true
	case urlType:
		if !v.CanInterface() {
			return nil, false
		}
		u := v.Interface().(url.URL)
		return w.e.String(u.String()), true
	}
	return nil, false
}

func (w *walker) seen(p uintptr) bool {
	for _, q := range w.path {
		if q == p {
			return true
		}
	}
	return false
}

func (w *walker) pop() { w.path = w.path[:len(w.path)-1] }

func (w *walker) list(v reflect.Value, depth int) []any {
	out := make([]any, v.Len())
	for i := range out {
		out[i] = w.walk(v.Index(i), depth+1)
	}
	return out
}

func (w *walker) mapKey(k reflect.Value) string {
	if k.Kind() == reflect.String {
		return k.String()
	}
	if k.CanInterface() {
		return fmt.Sprint(k.Interface())
	}
	return k.Type().String()
}

// fields copies the exported fields of struct v into out, the way
// encoding/json names them.
func (w *walker) fields(v reflect.Value, out map[string]any, depth int) {
	if depth > maxDepth {
		return
	}
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name := f.Name
		tagged := false
		if tag, ok := f.Tag.Lookup("json"); ok {
			n, _, _ := strings.Cut(tag, ",")
			if n == "-" && !strings.HasPrefix(tag, "-,") {
				continue
			}
			if n != "" {
				name, tagged = n, true
			}
		}
		fv := v.Field(i)
		if f.Anonymous && !tagged {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
				if fv.IsNil() {
					continue
				}
				fv = fv.Elem()
			}
			if ft.Kind() == reflect.Struct {
				// Embedded structs are flattened, exported or not, as
				// encoding/json does; their exported fields are still
				// read one by one.
				w.fields(fv, out, depth+1)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if w.e.IsSensitiveKey(name) {
			out[name] = Redacted
			continue
		}
		out[name] = w.walk(fv, depth+1)
	}
}

// plainNumber reads a number reached through an unexported embedded field,
// where Interface is not allowed.
func plainNumber(v reflect.Value) any {
	switch v.Kind() {
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint()
	case reflect.Float32, reflect.Float64:
		return v.Float()
	}
	return v.Complex()
}
