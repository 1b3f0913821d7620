package store

import (
	"context"
	"database/sql"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// rateCol scans a nullable hourly_rate column.
type rateCol struct{ p **domain.Cents }

func (c rateCol) Scan(v any) error {
	var n sql.NullInt64
	if err := n.Scan(v); err != nil {
		return err
	}
	*c.p = nil
	if n.Valid {
		r := domain.Cents(n.Int64)
		*c.p = &r
	}
	return nil
}

// rateArg is a rate as a query argument: NULL for none.
func rateArg(r *domain.Cents) any {
	if r == nil {
		return nil
	}
	return int64(*r)
}

// checkRate refuses a rate below zero or above domain.MaxRate on field.
func checkRate(r *domain.Cents, field string) error {
	if r != nil && (*r < 0 || *r > domain.MaxRate) {
		return domain.FieldError(field, "must be from 0 to %s", domain.MaxRate)
	}
	return nil
}

// rateInForce is the hourly rate an entry of the user's project gets: the
// project's, else its client's, else the user's; nil when none is set.
// The caller has checked the project is the user's.
func rateInForce(ctx context.Context, x q, userID, projectID int64) (*domain.Cents, error) {
	var r *domain.Cents
	err := x.row(ctx, `SELECT COALESCE(p.hourly_rate, c.hourly_rate, u.hourly_rate)
		FROM projects p JOIN users u ON u.id = p.user_id LEFT JOIN clients c ON c.id = p.client_id
		WHERE p.id = ? AND p.user_id = ?`, projectID, userID).Scan(rateCol{&r})
	return r, err
}
