package openswf

import "encoding/json"

// Event attributes, one struct per event type the engine writes, with the wire's member names. Optional
// members are omitted when empty; required ones (event ids among them) are always written.

// WorkflowExecutionStartedAttributes are the attributes of WorkflowExecutionStarted.
type WorkflowExecutionStartedAttributes struct {
	Input                        string             `json:"input,omitempty"`
	ExecutionStartToCloseTimeout string             `json:"executionStartToCloseTimeout,omitempty"`
	TaskStartToCloseTimeout      string             `json:"taskStartToCloseTimeout,omitempty"`
	ChildPolicy                  string             `json:"childPolicy"`
	TaskList                     TaskList           `json:"taskList"`
	TaskPriority                 string             `json:"taskPriority,omitempty"`
	WorkflowType                 WorkflowType       `json:"workflowType"`
	TagList                      []string           `json:"tagList,omitempty"`
	ContinuedExecutionRunID      string             `json:"continuedExecutionRunId,omitempty"`
	ParentWorkflowExecution      *WorkflowExecution `json:"parentWorkflowExecution,omitempty"`
	ParentInitiatedEventID       int64              `json:"parentInitiatedEventId,omitempty"`
	LambdaRole                   string             `json:"lambdaRole,omitempty"`
}

// WorkflowExecutionCancelRequestedAttributes are the attributes of WorkflowExecutionCancelRequested.
type WorkflowExecutionCancelRequestedAttributes struct {
	ExternalWorkflowExecution *WorkflowExecution `json:"externalWorkflowExecution,omitempty"`
	ExternalInitiatedEventID  int64              `json:"externalInitiatedEventId,omitempty"`
	Cause                     string             `json:"cause,omitempty"`
}

// WorkflowExecutionCompletedAttributes are the attributes of WorkflowExecutionCompleted.
type WorkflowExecutionCompletedAttributes struct {
	Result                       string `json:"result,omitempty"`
	DecisionTaskCompletedEventID int64  `json:"decisionTaskCompletedEventId"`
}

// WorkflowExecutionFailedAttributes are the attributes of WorkflowExecutionFailed.
type WorkflowExecutionFailedAttributes struct {
	Reason                       string `json:"reason,omitempty"`
	Details                      string `json:"details,omitempty"`
	DecisionTaskCompletedEventID int64  `json:"decisionTaskCompletedEventId"`
}

// WorkflowExecutionCanceledAttributes are the attributes of WorkflowExecutionCanceled.
type WorkflowExecutionCanceledAttributes struct {
	Details                      string `json:"details,omitempty"`
	DecisionTaskCompletedEventID int64  `json:"decisionTaskCompletedEventId"`
}

// DecisionFailedAttributes are the attributes of CompleteWorkflowExecutionFailed,
// FailWorkflowExecutionFailed, CancelWorkflowExecutionFailed and ContinueAsNewWorkflowExecutionFailed.
type DecisionFailedAttributes struct {
	Cause                        string `json:"cause"`
	DecisionTaskCompletedEventID int64  `json:"decisionTaskCompletedEventId"`
}

// WorkflowExecutionTimedOutAttributes are the attributes of WorkflowExecutionTimedOut.
type WorkflowExecutionTimedOutAttributes struct {
	TimeoutType string `json:"timeoutType"`
	ChildPolicy string `json:"childPolicy"`
}

// WorkflowExecutionTerminatedAttributes are the attributes of WorkflowExecutionTerminated.
type WorkflowExecutionTerminatedAttributes struct {
	Reason      string `json:"reason,omitempty"`
	Details     string `json:"details,omitempty"`
	ChildPolicy string `json:"childPolicy"`
	Cause       string `json:"cause,omitempty"`
}

// WorkflowExecutionSignaledAttributes are the attributes of WorkflowExecutionSignaled.
type WorkflowExecutionSignaledAttributes struct {
	SignalName                string             `json:"signalName"`
	Input                     string             `json:"input,omitempty"`
	ExternalWorkflowExecution *WorkflowExecution `json:"externalWorkflowExecution,omitempty"`
	ExternalInitiatedEventID  int64              `json:"externalInitiatedEventId,omitempty"`
}

// DecisionTaskScheduledAttributes are the attributes of DecisionTaskScheduled.
type DecisionTaskScheduledAttributes struct {
	TaskList               TaskList `json:"taskList"`
	TaskPriority           string   `json:"taskPriority,omitempty"`
	StartToCloseTimeout    string   `json:"startToCloseTimeout,omitempty"`
	ScheduleToStartTimeout string   `json:"scheduleToStartTimeout,omitempty"`
}

// DecisionTaskStartedAttributes are the attributes of DecisionTaskStarted.
type DecisionTaskStartedAttributes struct {
	Identity         string `json:"identity,omitempty"`
	ScheduledEventID int64  `json:"scheduledEventId"`
}

// DecisionTaskCompletedAttributes are the attributes of DecisionTaskCompleted.
type DecisionTaskCompletedAttributes struct {
	ExecutionContext               string    `json:"executionContext,omitempty"`
	ScheduledEventID               int64     `json:"scheduledEventId"`
	StartedEventID                 int64     `json:"startedEventId"`
	TaskList                       *TaskList `json:"taskList,omitempty"`
	TaskListScheduleToStartTimeout string    `json:"taskListScheduleToStartTimeout,omitempty"`
}

// DecisionTaskTimedOutAttributes are the attributes of DecisionTaskTimedOut.
type DecisionTaskTimedOutAttributes struct {
	TimeoutType      string `json:"timeoutType"`
	ScheduledEventID int64  `json:"scheduledEventId"`
	StartedEventID   int64  `json:"startedEventId"`
}

// ActivityTaskScheduledAttributes are the attributes of ActivityTaskScheduled.
type ActivityTaskScheduledAttributes struct {
	ActivityType                 ActivityType `json:"activityType"`
	ActivityID                   string       `json:"activityId"`
	Input                        string       `json:"input,omitempty"`
	Control                      string       `json:"control,omitempty"`
	ScheduleToStartTimeout       string       `json:"scheduleToStartTimeout,omitempty"`
	ScheduleToCloseTimeout       string       `json:"scheduleToCloseTimeout,omitempty"`
	StartToCloseTimeout          string       `json:"startToCloseTimeout,omitempty"`
	TaskList                     TaskList     `json:"taskList"`
	TaskPriority                 string       `json:"taskPriority,omitempty"`
	DecisionTaskCompletedEventID int64        `json:"decisionTaskCompletedEventId"`
	HeartbeatTimeout             string       `json:"heartbeatTimeout,omitempty"`
}

// ScheduleActivityTaskFailedAttributes are the attributes of ScheduleActivityTaskFailed.
type ScheduleActivityTaskFailedAttributes struct {
	ActivityType                 ActivityType `json:"activityType"`
	ActivityID                   string       `json:"activityId"`
	Cause                        string       `json:"cause"`
	DecisionTaskCompletedEventID int64        `json:"decisionTaskCompletedEventId"`
}

// ActivityTaskStartedAttributes are the attributes of ActivityTaskStarted.
type ActivityTaskStartedAttributes struct {
	Identity         string `json:"identity,omitempty"`
	ScheduledEventID int64  `json:"scheduledEventId"`
}

// ActivityTaskCompletedAttributes are the attributes of ActivityTaskCompleted.
type ActivityTaskCompletedAttributes struct {
	Result           string `json:"result,omitempty"`
	ScheduledEventID int64  `json:"scheduledEventId"`
	StartedEventID   int64  `json:"startedEventId"`
}

// ActivityTaskFailedAttributes are the attributes of ActivityTaskFailed.
type ActivityTaskFailedAttributes struct {
	Reason           string `json:"reason,omitempty"`
	Details          string `json:"details,omitempty"`
	ScheduledEventID int64  `json:"scheduledEventId"`
	StartedEventID   int64  `json:"startedEventId"`
}

// ActivityTaskTimedOutAttributes are the attributes of ActivityTaskTimedOut. Details are the last
// heartbeat's, absent if none was sent.
type ActivityTaskTimedOutAttributes struct {
	TimeoutType      string  `json:"timeoutType"`
	ScheduledEventID int64   `json:"scheduledEventId"`
	StartedEventID   int64   `json:"startedEventId"`
	Details          *string `json:"details,omitempty"`
}

// ActivityTaskCanceledAttributes are the attributes of ActivityTaskCanceled.
type ActivityTaskCanceledAttributes struct {
	Details                      string `json:"details,omitempty"`
	ScheduledEventID             int64  `json:"scheduledEventId"`
	StartedEventID               int64  `json:"startedEventId"`
	LatestCancelRequestedEventID int64  `json:"latestCancelRequestedEventId,omitempty"`
}

// ActivityTaskCancelRequestedAttributes are the attributes of ActivityTaskCancelRequested.
type ActivityTaskCancelRequestedAttributes struct {
	DecisionTaskCompletedEventID int64  `json:"decisionTaskCompletedEventId"`
	ActivityID                   string `json:"activityId"`
}

// RequestCancelActivityTaskFailedAttributes are the attributes of RequestCancelActivityTaskFailed.
type RequestCancelActivityTaskFailedAttributes struct {
	ActivityID                   string `json:"activityId"`
	Cause                        string `json:"cause"`
	DecisionTaskCompletedEventID int64  `json:"decisionTaskCompletedEventId"`
}

// MarkerRecordedAttributes are the attributes of MarkerRecorded.
type MarkerRecordedAttributes struct {
	MarkerName                   string `json:"markerName"`
	Details                      string `json:"details,omitempty"`
	DecisionTaskCompletedEventID int64  `json:"decisionTaskCompletedEventId"`
}

// DialectEventAttributes are the attributes of EventDialectRecorded, and of the RecordDialectEvent
// decision that records one.
type DialectEventAttributes struct {
	// Dialect names the vocabulary ("states" for Step Functions).
	Dialect string `json:"dialect"`
	// Event is the event in that vocabulary, as its API shows it.
	Event json.RawMessage `json:"event"`
}

// RecordMarkerFailedAttributes are the attributes of RecordMarkerFailed.
type RecordMarkerFailedAttributes struct {
	MarkerName                   string `json:"markerName"`
	Cause                        string `json:"cause"`
	DecisionTaskCompletedEventID int64  `json:"decisionTaskCompletedEventId"`
}

// TimerStartedAttributes are the attributes of TimerStarted.
type TimerStartedAttributes struct {
	TimerID                      string `json:"timerId"`
	Control                      string `json:"control,omitempty"`
	StartToFireTimeout           string `json:"startToFireTimeout"`
	DecisionTaskCompletedEventID int64  `json:"decisionTaskCompletedEventId"`
}

// TimerFailedAttributes are the attributes of StartTimerFailed and CancelTimerFailed.
type TimerFailedAttributes struct {
	TimerID                      string `json:"timerId"`
	Cause                        string `json:"cause"`
	DecisionTaskCompletedEventID int64  `json:"decisionTaskCompletedEventId"`
}

// TimerFiredAttributes are the attributes of TimerFired.
type TimerFiredAttributes struct {
	TimerID        string `json:"timerId"`
	StartedEventID int64  `json:"startedEventId"`
}

// TimerCanceledAttributes are the attributes of TimerCanceled.
type TimerCanceledAttributes struct {
	TimerID                      string `json:"timerId"`
	StartedEventID               int64  `json:"startedEventId"`
	DecisionTaskCompletedEventID int64  `json:"decisionTaskCompletedEventId"`
}

// WorkflowExecutionContinuedAsNewAttributes are the attributes of WorkflowExecutionContinuedAsNew.
type WorkflowExecutionContinuedAsNewAttributes struct {
	Input                        string       `json:"input,omitempty"`
	DecisionTaskCompletedEventID int64        `json:"decisionTaskCompletedEventId"`
	NewExecutionRunID            string       `json:"newExecutionRunId"`
	ExecutionStartToCloseTimeout string       `json:"executionStartToCloseTimeout,omitempty"`
	TaskList                     TaskList     `json:"taskList"`
	TaskPriority                 string       `json:"taskPriority,omitempty"`
	TaskStartToCloseTimeout      string       `json:"taskStartToCloseTimeout,omitempty"`
	ChildPolicy                  string       `json:"childPolicy"`
	TagList                      []string     `json:"tagList,omitempty"`
	WorkflowType                 WorkflowType `json:"workflowType"`
	LambdaRole                   string       `json:"lambdaRole,omitempty"`
}

// StartChildWorkflowExecutionInitiatedAttributes are the attributes of StartChildWorkflowExecutionInitiated.
type StartChildWorkflowExecutionInitiatedAttributes struct {
	WorkflowID                   string       `json:"workflowId"`
	WorkflowType                 WorkflowType `json:"workflowType"`
	Control                      string       `json:"control,omitempty"`
	Input                        string       `json:"input,omitempty"`
	ExecutionStartToCloseTimeout string       `json:"executionStartToCloseTimeout,omitempty"`
	TaskList                     TaskList     `json:"taskList"`
	TaskPriority                 string       `json:"taskPriority,omitempty"`
	DecisionTaskCompletedEventID int64        `json:"decisionTaskCompletedEventId"`
	ChildPolicy                  string       `json:"childPolicy"`
	TaskStartToCloseTimeout      string       `json:"taskStartToCloseTimeout,omitempty"`
	TagList                      []string     `json:"tagList,omitempty"`
	LambdaRole                   string       `json:"lambdaRole,omitempty"`
}

// StartChildWorkflowExecutionFailedAttributes are the attributes of StartChildWorkflowExecutionFailed.
type StartChildWorkflowExecutionFailedAttributes struct {
	WorkflowType                 WorkflowType `json:"workflowType"`
	Cause                        string       `json:"cause"`
	WorkflowID                   string       `json:"workflowId"`
	InitiatedEventID             int64        `json:"initiatedEventId"`
	DecisionTaskCompletedEventID int64        `json:"decisionTaskCompletedEventId"`
	Control                      string       `json:"control,omitempty"`
}

// ChildWorkflowExecutionAttributes are the attributes of ChildWorkflowExecutionStarted, …Completed,
// …Failed, …TimedOut, …Canceled and …Terminated; each uses the members its type lists.
type ChildWorkflowExecutionAttributes struct {
	WorkflowExecution WorkflowExecution `json:"workflowExecution"`
	WorkflowType      WorkflowType      `json:"workflowType"`
	Result            string            `json:"result,omitempty"`
	Reason            string            `json:"reason,omitempty"`
	Details           string            `json:"details,omitempty"`
	TimeoutType       string            `json:"timeoutType,omitempty"`
	InitiatedEventID  int64             `json:"initiatedEventId"`
	// StartedEventID is absent from ChildWorkflowExecutionStarted only.
	StartedEventID *int64 `json:"startedEventId,omitempty"`
}

// SignalExternalInitiatedAttributes are the attributes of SignalExternalWorkflowExecutionInitiated.
type SignalExternalInitiatedAttributes struct {
	WorkflowID                   string `json:"workflowId"`
	RunID                        string `json:"runId,omitempty"`
	SignalName                   string `json:"signalName"`
	Input                        string `json:"input,omitempty"`
	DecisionTaskCompletedEventID int64  `json:"decisionTaskCompletedEventId"`
	Control                      string `json:"control,omitempty"`
}

// RequestCancelExternalInitiatedAttributes are the attributes of
// RequestCancelExternalWorkflowExecutionInitiated.
type RequestCancelExternalInitiatedAttributes struct {
	WorkflowID                   string `json:"workflowId"`
	RunID                        string `json:"runId,omitempty"`
	DecisionTaskCompletedEventID int64  `json:"decisionTaskCompletedEventId"`
	Control                      string `json:"control,omitempty"`
}

// ExternalFailedAttributes are the attributes of SignalExternalWorkflowExecutionFailed and
// RequestCancelExternalWorkflowExecutionFailed.
type ExternalFailedAttributes struct {
	WorkflowID                   string `json:"workflowId"`
	RunID                        string `json:"runId,omitempty"`
	Cause                        string `json:"cause"`
	InitiatedEventID             int64  `json:"initiatedEventId"`
	DecisionTaskCompletedEventID int64  `json:"decisionTaskCompletedEventId"`
	Control                      string `json:"control,omitempty"`
}

// ExternalDoneAttributes are the attributes of ExternalWorkflowExecutionSignaled and
// ExternalWorkflowExecutionCancelRequested.
type ExternalDoneAttributes struct {
	WorkflowExecution WorkflowExecution `json:"workflowExecution"`
	InitiatedEventID  int64             `json:"initiatedEventId"`
}

// ScheduleLambdaFunctionFailedAttributes are the attributes of ScheduleLambdaFunctionFailed.
type ScheduleLambdaFunctionFailedAttributes struct {
	ID                           string `json:"id"`
	Name                         string `json:"name"`
	Cause                        string `json:"cause"`
	DecisionTaskCompletedEventID int64  `json:"decisionTaskCompletedEventId"`
}
