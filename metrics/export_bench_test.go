package metrics

import "github.com/discreet-dev/discreet/internal/reqctx"

var ensureForBench = reqctx.Ensure
