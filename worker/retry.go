package worker

import (
	"context"
	"errors"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
)

// lostCodes are the faults that say a task is no longer the worker's: SWF's UnknownResourceFault (the
// attempt ended: timed out, cancelled, its run closed), Step Functions' TaskTimedOut and TaskDoesNotExist.
var lostCodes = map[string]bool{"UnknownResourceFault": true, "TaskTimedOut": true, "TaskDoesNotExist": true}

// isLost reports whether err says that the task is no longer the worker's.
func isLost(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && lostCodes[ae.ErrorCode()]
}

// unanswered reports whether err leaves open whether the service acted on the call: no answer came (a
// transport error, a timeout), or a 5xx did, which a service may give after it acted.
func unanswered(err error) bool {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		// The SDK wraps a request that never got a response too, with status 0.
		return re.HTTPStatusCode() == 0 || re.HTTPStatusCode() >= 500
	}
	var ae smithy.APIError
	return !errors.As(err, &ae)
}

// retryables are the SDK's own rules for what is worth another attempt: throttling faults, 5xx answers,
// connection errors and transport timeouts; a context that ended is not.
var retryables = retry.IsErrorRetryables(append([]retry.IsErrorRetryable{}, retry.DefaultRetryables...))

// isRetryable reports whether another attempt of the call that failed with err may succeed. A context
// that ended is not retried, but an attempt's own deadline is: callers look at their context first, so a
// deadline that reaches here is one attempt's (callTimeout), spent on a connection that hung.
func isRetryable(err error) bool {
	switch {
	case errors.Is(err, context.Canceled):
		return false
	case errors.Is(err, context.DeadlineExceeded):
		return true
	}
	return retryables.IsErrorRetryable(err) == aws.TrueTernary
}

// delay is how long to wait before the attempt after attempt n (1 for the first) failed: full jitter
// under an exponential cap.
func (b Backoff) delay(n int) time.Duration {
	limit := b.Max
	if n < 31 {
		if d := b.Initial << (n - 1); d > 0 && d < limit {
			limit = d
		}
	}
	return rand.N(limit) + 1
}

// sleep waits d or until ctx ends, and reports whether it waited d.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
