package worker

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Which failures are retried and which say the task is lost.
func TestRetry_Classification(t *testing.T) {
	fault := func(code string) error { return &smithy.GenericAPIError{Code: code, Message: "m"} }
	for _, c := range []struct {
		name            string
		err             error
		retryable, lost bool
	}{
		{"throttled", fault("ThrottlingException"), true, false},
		{"transport", &smithyhttp.RequestSendError{Err: errors.New("connection reset by peer")}, true, false},
		{"attempt timeout", fmt.Errorf("op: %w", context.DeadlineExceeded), true, false},
		{"context cancelled", fmt.Errorf("op: %w", context.Canceled), false, false},
		{"validation", fault("ValidationException"), false, false},
		{"access", fault("OperationNotPermittedFault"), false, false},
		{"SWF lost", fault("UnknownResourceFault"), false, true},
		{"SFN timed out", fault("TaskTimedOut"), false, true},
		{"SFN gone", fault("TaskDoesNotExist"), false, true},
	} {
		if got := isRetryable(c.err); got != c.retryable {
			t.Errorf("%s: isRetryable = %v, want %v", c.name, got, c.retryable)
		}
		if got := isLost(c.err); got != c.lost {
			t.Errorf("%s: isLost = %v, want %v", c.name, got, c.lost)
		}
	}
}

// Waits grow as a capped exponential and are jittered below it.
func TestRetry_BackoffDelay(t *testing.T) {
	b := Backoff{Initial: 100 * time.Millisecond, Max: 2 * time.Second}
	for n := 1; n <= 64; n++ {
		limit := min(b.Max, b.Initial<<min(n-1, 20))
		for range 50 {
			if d := b.delay(n); d <= 0 || d > limit {
				t.Fatalf("delay(%d) = %v, want within (0, %v]", n, d, limit)
			}
		}
	}
}

// Cuts fall on character boundaries, counting characters, not bytes.
func TestFailure_Truncate(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"abc", 5, "abc"}, {"abcdef", 3, "abc"}, {"ééé", 2, "éé"}, {"日本語テキスト", 3, "日本語"}, {"é", 0, ""},
	} {
		if got := truncate(c.in, c.n); got != c.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}
