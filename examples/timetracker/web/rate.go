package web

import (
	"cmp"
	"strings"

	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// parseRateField reads an hourly rate field of a form: empty means none
// (nil); otherwise a decimal such as 85 or 85.50 (domain.ParseCents). The
// message, when not empty, is to be shown beside the field.
func parseRateField(v string) (*domain.Cents, string) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, ""
	}
	c, err := domain.ParseCents(v)
	if err != nil {
		return nil, "Hourly rate: enter an amount like 85 or 85.50 (at most two decimal places, from 0 to " +
			(domain.MaxRate / 100 * 100).String() + "), or leave it empty for none."
	}
	return &c, ""
}

// rateValue is how a stored rate is put back into a form field.
func rateValue(c *domain.Cents) string {
	if c == nil {
		return ""
	}
	return c.String()
}

// currency is the ISO 4217 code shown with rates and amounts.
func (s *Server) currency() string { return cmp.Or(s.cfg.Currency, app.DefaultCurrency) }
