package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/discreet-dev/discreet/analytics"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
	"github.com/discreet-dev/discreet/logging"
)

// ErrTest is the error an administrator's test of error tracking reports
// (the API's POST /admin/test-error and the admin page's button).
var ErrTest = errors.New("timetracker: test error requested by an administrator")

// TimerCappedNotice is what users are told, by the API and the pages,
// when a running timer outlived the longest entry allowed: it was stopped
// at that length and kept as an entry.
const TimerCappedNotice = "The timer ran longer than the longest entry allowed and was stopped at that length. Check the entry's end."

// AccountEraser is what [EraseAccount] needs: the API's DELETE /me and
// the pages' account deletion both erase through it.
type AccountEraser struct {
	Store     domain.UserService
	Analytics *analytics.Client
	EraseLogs func(ctx context.Context, userID int64) error
	Logger    *slog.Logger
}

// EraseAccount deletes the user and everything that belongs to them
// (claim R2): their rows, then their product-analytics person (A4), then
// their lines in the log files (L8). Only the database step can fail the
// call; the other two are logged when they fail, since the account is gone
// by then and the operator has to finish by hand. The request's own log
// record is made anonymous, so it does not bring the user ID back.
func EraseAccount(ctx context.Context, e AccountEraser, userID int64) error {
	if err := e.Store.DeleteUser(ctx, userID); err != nil {
		if domain.ErrorCode(err) == domain.EINTERNAL {
			return fmt.Errorf("delete user: %w", err)
		}
		return err
	}
	log := e.Logger
	if log == nil {
		log = slog.Default()
	}
	if e.Analytics != nil {
		if err := e.Analytics.DeleteUser(ctx, userID); err != nil {
			log.LogAttrs(ctx, slog.LevelWarn, "account erased, but product analytics did not confirm the deletion",
				slog.Int64("erased_user_id", userID), logging.Err(err))
		}
	}
	if e.EraseLogs != nil {
		if err := e.EraseLogs(ctx, userID); err != nil {
			log.LogAttrs(ctx, slog.LevelError, "account erased, but its log lines could not be removed",
				slog.Int64("erased_user_id", userID), logging.Err(err))
		}
	}
	logging.SetUserID(ctx, 0)
	return nil
}
