package worker

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// The limits of the API, in characters: what SWF and Step Functions take, longer being refused with a
// validation fault.
const (
	swfIdentityMax         = 256
	sfnWorkerNameMax       = 80
	swfReasonMax           = 256
	swfDetailsMax          = 32768
	swfHeartbeatDetailsMax = 2048
	swfResultMax           = 32768
	sfnErrorMax            = 256
	sfnCauseMax            = 32768
	// sfnOutputMax is Step Functions' output limit, 256 KiB of UTF-8: counted in bytes here, which is
	// never more than AWS accepts.
	sfnOutputMax = 262144
)

// Failure is an error a handler returns to fail its task with a reason (SWF) or error name (Step
// Functions, what Retry and Catch match) and details (SWF) or cause (Step Functions) of its choice. Any
// other error fails the task with its text as the reason (and as the details too, when it is too long for
// the reason) and, in Step Functions, the error name "Error".
type Failure struct {
	Reason  string
	Details string
	// Err, if set, is the error behind the failure, for errors.Is and errors.As; it is not sent.
	Err error
}

func (f *Failure) Error() string {
	if f.Details == "" {
		return f.Reason
	}
	return f.Reason + ": " + f.Details
}

// Unwrap returns the error behind the failure.
func (f *Failure) Unwrap() error { return f.Err }

// Reasons of the failures the worker reports on its own; SWF reasons and Step Functions error names.
const (
	reasonPanic          = "worker.Panic"
	reasonResultTooLarge = "worker.ResultTooLarge"
	reasonInvalidOutput  = "worker.InvalidOutput"
	reasonShutdown       = "worker.Shutdown"
)

// panicError is a handler's panic: its value and the panicking goroutine's stack.
type panicError struct {
	value any
	stack []byte
}

func (p *panicError) Error() string { return fmt.Sprintf("panic: %v", p.value) }

// failure turns what a handler returned into the failure to report. An error that is no Failure becomes
// one with its text as the details and no reason: each service words that its own way.
func failure(err error) *Failure {
	var f *Failure
	if errors.As(err, &f) {
		return f
	}
	var p *panicError
	if errors.As(err, &p) {
		return &Failure{Reason: reasonPanic, Details: fmt.Sprintf("panic: %v\n\n%s", p.value, p.stack), Err: err}
	}
	return &Failure{Details: err.Error(), Err: err}
}

// truncate cuts s to at most n characters, on a character boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := 0
	for c := 0; i < len(s) && c < n; c++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}

// runes counts the characters of s.
func runes(s string) int { return utf8.RuneCountInString(s) }
