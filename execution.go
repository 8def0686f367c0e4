package openswf

import (
	"encoding/json"
	"time"
)

// WorkflowType names a registered workflow type.
type WorkflowType struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// ActivityType names a registered activity type.
type ActivityType struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// WorkflowExecution names one run of a workflow.
type WorkflowExecution struct {
	WorkflowID string `json:"workflowId"`
	RunID      string `json:"runId"`
}

// TaskList names a task list.
type TaskList struct {
	Name string `json:"name"`
}

// Close statuses of an execution.
const (
	CloseCompleted      = "COMPLETED"
	CloseFailed         = "FAILED"
	CloseCanceled       = "CANCELED"
	CloseTerminated     = "TERMINATED"
	CloseContinuedAsNew = "CONTINUED_AS_NEW"
	CloseTimedOut       = "TIMED_OUT"
)

// Execution is the state of one workflow run: everything a request needs to decide, so that no request
// replays history. It is derivable from the history and stored beside it; Version guards every change.
type Execution struct {
	Domain     string       `json:"domain"`
	WorkflowID string       `json:"workflowId"`
	RunID      string       `json:"runId"`
	Type       WorkflowType `json:"type"`
	// Version counts the transitions applied; Store.Apply writes only over the version it expects.
	Version int64 `json:"version"`

	Open        bool      `json:"open"`
	CloseStatus string    `json:"closeStatus,omitempty"`
	StartedAt   time.Time `json:"startedAt"`
	ClosedAt    time.Time `json:"closedAt,omitempty"`

	// Resolved configuration, as the wire shows it.
	TaskList         string   `json:"taskList"`
	TaskPriority     string   `json:"taskPriority,omitempty"`
	ExecStartToClose string   `json:"execStartToClose"`
	TaskStartToClose string   `json:"taskStartToClose"`
	ChildPolicy      string   `json:"childPolicy"`
	LambdaRole       string   `json:"lambdaRole,omitempty"`
	TagList          []string `json:"tagList,omitempty"`

	CancelRequested bool               `json:"cancelRequested,omitempty"`
	Parent          *WorkflowExecution `json:"parent,omitempty"`
	// ParentInitiatedEventID is the parent's StartChildWorkflowExecutionInitiated event id.
	ParentInitiatedEventID int64 `json:"parentInitiatedEventId,omitempty"`
	// ContinuedFrom is the run this one continued as new, if any.
	ContinuedFrom string `json:"continuedFrom,omitempty"`

	// NextEventID is the id the next history event gets; ids are dense from 1.
	NextEventID int64 `json:"nextEventId"`

	Decision DecisionTaskState `json:"decision"`
	// Decider names the in-process decider that makes this run's decisions inside the server (a state
	// machine interpreter, say); empty for a run decided through SWF decision tasks. DecidedThrough is the
	// last event id that decider has been handed.
	Decider        string `json:"decider,omitempty"`
	DecidedThrough int64  `json:"decidedThrough,omitempty"`
	// DeciderState is what the in-process decider keeps of the run between its decisions (a state machine
	// interpreter's position, say), opaque to the engine and stored with the run.
	DeciderState json.RawMessage `json:"deciderState,omitempty"`
	// PendingDecision records that events arrived while a decision task was started, so a new decision task
	// must be scheduled when it closes.
	PendingDecision        bool      `json:"pendingDecision,omitempty"`
	PreviousStartedEventID int64     `json:"previousStartedEventId,omitempty"`
	LatestExecutionContext string    `json:"latestExecutionContext,omitempty"`
	LatestActivityTaskAt   time.Time `json:"latestActivityTaskAt,omitempty"`

	// Activities maps the activityId of each open activity task to its scheduled event id. It is not part
	// of the stored record: stores derive it from their open activity rows when they read one run, so that
	// a transition costs the same whether the run has one open activity or a thousand.
	Activities map[string]int64 `json:"-"`
	// CancelRequests maps the scheduled event id of each open activity task whose cancellation was requested
	// to the latest ActivityTaskCancelRequested event id.
	CancelRequests map[int64]int64 `json:"cancelRequests,omitempty"`
	// Children maps the StartChildWorkflowExecutionInitiated event id of each open child to the child.
	Children map[int64]Child `json:"children,omitempty"`
	// Timers maps the timerId of each open user timer to its state.
	Timers map[string]UserTimer `json:"timers,omitempty"`
}

// Ref names the execution.
func (x *Execution) Ref() WorkflowExecution {
	return WorkflowExecution{WorkflowID: x.WorkflowID, RunID: x.RunID}
}

// DecisionTaskState is the execution's decision task: none (ScheduledID 0), scheduled, or started.
type DecisionTaskState struct {
	ScheduledID  int64     `json:"scheduledId,omitempty"`
	StartedID    int64     `json:"startedId,omitempty"`
	TaskList     string    `json:"taskList,omitempty"`
	Priority     string    `json:"priority,omitempty"`
	StartToClose string    `json:"startToClose,omitempty"`
	ScheduledAt  time.Time `json:"scheduledAt,omitempty"`
	StartedAt    time.Time `json:"startedAt,omitempty"`
}

// Scheduled reports whether a decision task waits for a decider.
func (d DecisionTaskState) Scheduled() bool { return d.ScheduledID != 0 && d.StartedID == 0 }

// Started reports whether a decider holds the decision task.
func (d DecisionTaskState) Started() bool { return d.ScheduledID != 0 && d.StartedID != 0 }

// UserTimer is an open timer started by a StartTimer decision.
type UserTimer struct {
	StartedEventID int64     `json:"startedEventId"`
	FireAt         time.Time `json:"fireAt"`
}

// ActivityTask is one open activity task. Its heartbeat state lives here, not in the history: a heartbeat
// changes only this record.
type ActivityTask struct {
	Domain      string       `json:"domain"`
	WorkflowID  string       `json:"workflowId"`
	RunID       string       `json:"runId"`
	ScheduledID int64        `json:"scheduledId"`
	ActivityID  string       `json:"activityId"`
	Type        ActivityType `json:"type"`
	Input       string       `json:"input,omitempty"`
	TaskList    string       `json:"taskList"`
	Priority    int32        `json:"priority,omitempty"`

	// Timeouts; zero means none.
	ScheduleToStart time.Duration `json:"scheduleToStart,omitempty"`
	ScheduleToClose time.Duration `json:"scheduleToClose,omitempty"`
	StartToClose    time.Duration `json:"startToClose,omitempty"`
	Heartbeat       time.Duration `json:"heartbeat,omitempty"`

	ScheduledAt time.Time `json:"scheduledAt"`
	// StartedID is the ActivityTaskStarted event id, 0 until a worker holds the task.
	StartedID int64     `json:"startedId,omitempty"`
	StartedAt time.Time `json:"startedAt,omitempty"`
	Identity  string    `json:"identity,omitempty"`

	// Heartbeat state, written by Store.RecordHeartbeat.
	Heartbeats      int64     `json:"-"`
	LastHeartbeatAt time.Time `json:"-"`
	Details         *string   `json:"-"`
	CancelRequested bool      `json:"-"`
}

// HeartbeatDeadline is when the task times out for want of a heartbeat; zero if it has no heartbeat timeout
// or has not started.
func (a *ActivityTask) HeartbeatDeadline() time.Time {
	if a.Heartbeat <= 0 || a.StartedID == 0 {
		return time.Time{}
	}
	last := a.StartedAt
	if a.LastHeartbeatAt.After(last) {
		last = a.LastHeartbeatAt
	}
	return last.Add(a.Heartbeat)
}

// Child is an open child execution as its parent sees it. The child's run may change when it continues as
// new; the workflow id does not.
type Child struct {
	WorkflowID     string       `json:"workflowId"`
	RunID          string       `json:"runId"`
	Type           WorkflowType `json:"type"`
	StartedEventID int64        `json:"startedEventId"`
}
