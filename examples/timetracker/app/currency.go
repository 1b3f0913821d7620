package app

import (
	"fmt"
	"strings"

	"golang.org/x/text/currency"
)

// DefaultCurrency is the currency of rates and amounts unless CURRENCY
// names another.
const DefaultCurrency = "EUR"

// CheckCurrency returns code, upper-cased, if it is an ISO 4217 currency
// code, else an error saying so.
func CheckCurrency(code string) (string, error) {
	u, err := currency.ParseISO(strings.TrimSpace(code))
	if err != nil {
		return "", fmt.Errorf("%q is not an ISO 4217 currency code (such as EUR, USD or GBP)", code)
	}
	return u.String(), nil
}
