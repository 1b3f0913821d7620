package domain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// MaxRate bounds an hourly rate: a million in the currency's units, far
// above any real rate and low enough that a report's amounts, seconds
// times cents, stay far from overflowing.
const MaxRate Cents = 100_000_000

// Cents is an amount of money in hundredths of the installation's
// currency (CURRENCY). In JSON it is a decimal number with two places,
// 85.5 as 85.50; it is read from a number or a string with at most two
// places, never through a float, so no cent is lost to rounding.
type Cents int64

// String writes c as a decimal with two places, like 1234.50.
func (c Cents) String() string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}

// MarshalJSON writes c as a JSON number with two places.
func (c Cents) MarshalJSON() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalJSON reads a number or a string holding one.
func (c *Cents) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	}
	v, err := ParseCents(s)
	if err != nil {
		// A type error, so that a JSON decoder names the field.
		return &json.UnmarshalTypeError{Value: "amount", Type: reflect.TypeFor[Cents]()}
	}
	*c = v
	return nil
}

// ParseCents reads a non-negative decimal with at most two places, such as
// 85, 85.5 or 85.50 (a comma works as the decimal mark too).
func ParseCents(s string) (Cents, error) {
	s = strings.TrimSpace(strings.Replace(s, ",", ".", 1))
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || strings.HasPrefix(whole, "+") || strings.HasPrefix(whole, "-") {
		return 0, fmt.Errorf("%q is not an amount like 85.50 (at most two decimal places, not negative)", s)
	}
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || n > int64(MaxRate/100) {
		return 0, fmt.Errorf("%q is not an amount from 0 to %d", s, MaxRate/100)
	}
	var f int64
	if frac != "" {
		if f, err = strconv.ParseInt(frac, 10, 64); err != nil || frac[0] == '+' || frac[0] == '-' {
			return 0, fmt.Errorf("%q is not an amount like 85.50", s)
		}
		if len(frac) == 1 {
			f *= 10
		}
	}
	c := Cents(n*100 + f)
	if c > MaxRate {
		return 0, fmt.Errorf("%q is above the largest rate, %s", s, MaxRate)
	}
	return c, nil
}

// Amount is what seconds of work cost at rate per hour, rounded to the
// cent, halves away from zero.
func Amount(seconds int64, rate Cents) Cents {
	return CentSeconds(seconds * int64(rate))
}

// CentSeconds rounds a sum of seconds times cents per hour to cents,
// halves away from zero. Reports sum that product in SQL and round once
// per row.
func CentSeconds(cs int64) Cents {
	if cs < 0 {
		return -Cents((-cs + 1800) / 3600)
	}
	return Cents((cs + 1800) / 3600)
}
