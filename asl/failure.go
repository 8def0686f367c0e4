package asl

import "fmt"

// Error names of the States Language (specification "Errors" and the Developer Guide's error handling
// page). User and worker errors are any other string.
const (
	ErrAll                    = "States.ALL"
	ErrTimeout                = "States.Timeout"
	ErrHeartbeatTimeout       = "States.HeartbeatTimeout"
	ErrTaskFailed             = "States.TaskFailed"
	ErrPermissions            = "States.Permissions"
	ErrResultPathMatchFailure = "States.ResultPathMatchFailure"
	ErrParameterPathFailure   = "States.ParameterPathFailure"
	ErrBranchFailed           = "States.BranchFailed"
	ErrNoChoiceMatched        = "States.NoChoiceMatched"
	ErrIntrinsicFailure       = "States.IntrinsicFailure"
	ErrExceedToleratedFailure = "States.ExceedToleratedFailureThreshold"
	ErrDataLimitExceeded      = "States.DataLimitExceeded"
	ErrRuntime                = "States.Runtime"
	ErrQueryEvaluationError   = "States.QueryEvaluationError"
	ErrItemReaderFailed       = "States.ItemReaderFailed"
	ErrResultWriterFailed     = "States.ResultWriterFailed"
)

// Failure is an error raised while running a state: its name, an optional cause, and whether a timeout
// was a heartbeat's (so that States.HeartbeatTimeout matches it; the name stays States.Timeout, which is
// what AWS writes into history).
type Failure struct {
	Name      string
	Cause     *string
	Heartbeat bool
}

func (f *Failure) Error() string {
	if f.Cause == nil {
		return f.Name
	}
	return f.Name + ": " + *f.Cause
}

func fail(name, format string, args ...any) *Failure {
	c := fmt.Sprintf(format, args...)
	return &Failure{Name: name, Cause: &c}
}

func strPtr(s string) *string { return &s }

// catchable reports whether Retry and Catch may see the error at all: AWS never retries or catches
// States.Runtime, not even when named literally (LocalStack's runtime_error_handling recording).
//
// States.DataLimitExceeded is catchable, States.ALL included, although the Developer Guide says
// otherwise: AWS's recordings of an oversized task result (LocalStack test_states_errors,
// "catch_state_all_data_limit_exceeded") show a TaskFailed with that error routed to a States.ALL
// catcher.
func catchable(name string) bool { return name != ErrRuntime }

// matchError reports whether an ErrorEquals list matches the failure (specification "Retrying after
// error", Developer Guide "Error handling"): States.ALL matches any catchable error; States.TaskFailed any
// but States.Timeout; States.HeartbeatTimeout only a heartbeat's timeout; other names match literally.
func matchError(equals []string, f *Failure) bool {
	if !catchable(f.Name) {
		return false
	}
	for _, e := range equals {
		switch {
		case e == ErrAll:
			return true
		case e == ErrTaskFailed && f.Name != ErrTimeout:
			return true
		case e == ErrHeartbeatTimeout && f.Name == ErrTimeout && f.Heartbeat:
			return true
		case e == f.Name:
			return true
		}
	}
	return false
}
