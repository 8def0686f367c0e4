package asl

import (
	"errors"
	"time"
)

// Env gives the interpreter what it may ask of the outside world while deciding, without doing I/O
// itself. Both functions must answer the same for the same arguments during one Apply, and should be
// deterministic, so that a re-run decides identically.
type Env struct {
	// TaskToken returns the token of a task, exposed as $$.Task.Token (callback tasks). Nil means no
	// token is available.
	TaskToken func(taskID string) string
	// ActivityExists reports whether an activity exists. Nil means every activity does. AWS fails the
	// execution with States.Runtime "The activity <arn> does not exist." when it does not.
	ActivityExists func(arn string) bool
}

// Input is what happened outside the interpreter: one of TaskStarted, TaskSubmitted, TaskSucceeded,
// TaskFailed, TaskTimedOut, TimerFired, Stop, Fail or TimedOut.
type Input interface{ isInput() }

// TaskStarted says a worker received the task (GetActivityTask) or a service task was started.
type TaskStarted struct {
	TaskID     string
	WorkerName string
}

// TaskSubmitted says a service task's request was accepted (.sync and .waitForTaskToken patterns);
// Output is the service's response as JSON text.
type TaskSubmitted struct {
	TaskID string
	Output string
}

// TaskSucceeded carries a task's result as JSON text (SendTaskSuccess output, or the service's).
type TaskSucceeded struct {
	TaskID string
	Output string
}

// TaskFailed carries a task's error and cause, each optional (SendTaskFailure).
type TaskFailed struct {
	TaskID string
	Error  *string
	Cause  *string
}

// TaskTimedOut says a task ran past its TimeoutSeconds, or past its HeartbeatSeconds when Heartbeat.
type TaskTimedOut struct {
	TaskID    string
	Heartbeat bool
}

// TimerFired says a timer the interpreter started is due.
type TimerFired struct{ TimerID string }

// Stop is StopExecution, with its optional error and cause.
type Stop struct {
	Error *string
	Cause *string
}

// Fail ends the execution as failed from outside, with its error and cause: what AWS does at the next
// state transition of an execution whose state machine was deleted.
type Fail struct {
	Error *string
	Cause *string
}

// TimedOut says the execution ran past the machine's TimeoutSeconds. (Firing the timer Start asked for,
// ExecutionTimeoutTimer, has the same effect.)
type TimedOut struct{}

func (TaskStarted) isInput()   {}
func (TaskSubmitted) isInput() {}
func (TaskSucceeded) isInput() {}
func (TaskFailed) isInput()    {}
func (TaskTimedOut) isInput()  {}
func (TimerFired) isInput()    {}
func (Stop) isInput()          {}
func (Fail) isInput()          {}
func (TimedOut) isInput()      {}

// Action is what the interpreter asks the engine to do: one of ScheduleActivity, StartTask, CancelTask,
// StartTimer, CancelTimer or Close.
type Action interface{ isAction() }

// ScheduleActivity puts an activity task on the activity's queue. The timeouts are 0 when unset; the
// engine times the task out with TaskTimedOut.
type ScheduleActivity struct {
	TaskID           string
	ActivityArn      string
	Input            string
	TimeoutSeconds   int64
	HeartbeatSeconds int64
}

// StartTask starts a service-integration task. Pattern is "", "sync", "sync:2" or "waitForTaskToken".
type StartTask struct {
	TaskID           string
	Resource         string // the Task state's Resource ARN
	ResourceType     string // as in history: "states", "aws-sdk:sfn"
	Pattern          string
	Parameters       string // the effective input, JSON text
	TimeoutSeconds   int64
	HeartbeatSeconds int64
}

// CancelTask withdraws a task that is no longer wanted (its branch was aborted, or the execution ended).
type CancelTask struct{ TaskID string }

// StartTimer asks for TimerFired{TimerID} at At.
type StartTimer struct {
	TimerID string
	At      time.Time
}

// CancelTimer withdraws a timer.
type CancelTimer struct{ TimerID string }

// Close ends the execution with Status SUCCEEDED, FAILED, ABORTED or TIMED_OUT.
type Close struct {
	Status string
	Output string
	Error  *string
	Cause  *string
}

func (ScheduleActivity) isAction() {}
func (StartTask) isAction()        {}
func (CancelTask) isAction()       {}
func (StartTimer) isAction()       {}
func (CancelTimer) isAction()      {}
func (Close) isAction()            {}

// Step is what the interpreter decided on one Start or Apply: history events to append, in order, and
// actions for the engine.
type Step struct {
	Events  []Event
	Actions []Action
}

// ExecutionTimeoutTimer is the id of the timer Start asks for when the machine sets TimeoutSeconds.
const ExecutionTimeoutTimer = "execution-timeout"

// Errors of Apply. Neither changes the Execution.
var (
	// ErrClosed: the execution has already ended.
	ErrClosed = errors.New("asl: the execution is closed")
	// ErrUnknownTask: no open task or timer has the input's id (it ended, or never existed).
	ErrUnknownTask = errors.New("asl: no open task or timer has this id")
)
