package openswf

// DecisionType is the type of a decision a decider returns.
type DecisionType string

// The SWF decision types.
const (
	DecisionScheduleActivityTask                   DecisionType = "ScheduleActivityTask"
	DecisionRequestCancelActivityTask              DecisionType = "RequestCancelActivityTask"
	DecisionCompleteWorkflowExecution              DecisionType = "CompleteWorkflowExecution"
	DecisionFailWorkflowExecution                  DecisionType = "FailWorkflowExecution"
	DecisionCancelWorkflowExecution                DecisionType = "CancelWorkflowExecution"
	DecisionContinueAsNewWorkflowExecution         DecisionType = "ContinueAsNewWorkflowExecution"
	DecisionRecordMarker                           DecisionType = "RecordMarker"
	DecisionStartTimer                             DecisionType = "StartTimer"
	DecisionCancelTimer                            DecisionType = "CancelTimer"
	DecisionSignalExternalWorkflowExecution        DecisionType = "SignalExternalWorkflowExecution"
	DecisionRequestCancelExternalWorkflowExecution DecisionType = "RequestCancelExternalWorkflowExecution"
	DecisionStartChildWorkflowExecution            DecisionType = "StartChildWorkflowExecution"
	DecisionScheduleLambdaFunction                 DecisionType = "ScheduleLambdaFunction"

	// DecisionRecordDialectEvent records an EventDialectRecorded. Only in-process deciders make it: SWF's
	// model has no such decision type, and its attributes have no wire name.
	DecisionRecordDialectEvent DecisionType = "RecordDialectEvent"
	// DecisionCloseExecution closes the run with any close status, TIMED_OUT and TERMINATED included,
	// recording SWF's event of that close. Only in-process deciders make it: a Step Functions execution
	// times out or is stopped by its interpreter's decision.
	DecisionCloseExecution DecisionType = "CloseExecution"
)

// Decision is one decision of a completed decision task: its type and the attributes member that matches
// it, with the wire's member names.
type Decision struct {
	Type                      DecisionType                         `json:"decisionType"`
	ScheduleActivityTask      *ScheduleActivityTaskAttributes      `json:"scheduleActivityTaskDecisionAttributes,omitempty"`
	RequestCancelActivityTask *RequestCancelActivityTaskAttributes `json:"requestCancelActivityTaskDecisionAttributes,omitempty"`
	CompleteWorkflowExecution *CompleteWorkflowExecutionAttributes `json:"completeWorkflowExecutionDecisionAttributes,omitempty"`
	FailWorkflowExecution     *FailWorkflowExecutionAttributes     `json:"failWorkflowExecutionDecisionAttributes,omitempty"`
	CancelWorkflowExecution   *CancelWorkflowExecutionAttributes   `json:"cancelWorkflowExecutionDecisionAttributes,omitempty"`
	RecordMarker              *RecordMarkerAttributes              `json:"recordMarkerDecisionAttributes,omitempty"`
	StartTimer                *StartTimerAttributes                `json:"startTimerDecisionAttributes,omitempty"`
	CancelTimer               *CancelTimerAttributes               `json:"cancelTimerDecisionAttributes,omitempty"`

	ContinueAsNewWorkflowExecution         *ContinueAsNewAttributes                  `json:"continueAsNewWorkflowExecutionDecisionAttributes,omitempty"`
	SignalExternalWorkflowExecution        *SignalExternalAttributes                 `json:"signalExternalWorkflowExecutionDecisionAttributes,omitempty"`
	RequestCancelExternalWorkflowExecution *RequestCancelExternalAttributes          `json:"requestCancelExternalWorkflowExecutionDecisionAttributes,omitempty"`
	StartChildWorkflowExecution            *StartChildWorkflowExecutionAttributes    `json:"startChildWorkflowExecutionDecisionAttributes,omitempty"`
	ScheduleLambdaFunction                 *ScheduleLambdaFunctionDecisionAttributes `json:"scheduleLambdaFunctionDecisionAttributes,omitempty"`

	RecordDialectEvent *DialectEventAttributes   `json:"-"`
	CloseExecution     *CloseExecutionAttributes `json:"-"`
}

// CloseExecutionAttributes are CloseExecution's attributes: the close status (CloseCompleted, CloseFailed,
// CloseCanceled, CloseTerminated or CloseTimedOut) and what SWF's event of that close carries.
type CloseExecutionAttributes struct {
	Status  string
	Result  string
	Reason  string
	Details string
}

// ScheduleActivityTaskAttributes are ScheduleActivityTask's attributes.
type ScheduleActivityTaskAttributes struct {
	ActivityType           ActivityType `json:"activityType"`
	ActivityID             string       `json:"activityId"`
	Control                string       `json:"control,omitempty"`
	Input                  string       `json:"input,omitempty"`
	ScheduleToCloseTimeout string       `json:"scheduleToCloseTimeout,omitempty"`
	TaskList               *TaskList    `json:"taskList,omitempty"`
	TaskPriority           string       `json:"taskPriority,omitempty"`
	ScheduleToStartTimeout string       `json:"scheduleToStartTimeout,omitempty"`
	StartToCloseTimeout    string       `json:"startToCloseTimeout,omitempty"`
	HeartbeatTimeout       string       `json:"heartbeatTimeout,omitempty"`

	// StartedBy, when set, starts the task in the transition that schedules it, with that identity, rather
	// than queue it for pollers: the task stands for work done elsewhere (a Step Functions callback), driven
	// by its callback token. Only in-process deciders set it; it has no wire name.
	StartedBy string `json:"-"`
}

// RequestCancelActivityTaskAttributes are RequestCancelActivityTask's attributes.
type RequestCancelActivityTaskAttributes struct {
	ActivityID string `json:"activityId"`
}

// CompleteWorkflowExecutionAttributes are CompleteWorkflowExecution's attributes.
type CompleteWorkflowExecutionAttributes struct {
	Result string `json:"result,omitempty"`
}

// FailWorkflowExecutionAttributes are FailWorkflowExecution's attributes.
type FailWorkflowExecutionAttributes struct {
	Reason  string `json:"reason,omitempty"`
	Details string `json:"details,omitempty"`
}

// CancelWorkflowExecutionAttributes are CancelWorkflowExecution's attributes.
type CancelWorkflowExecutionAttributes struct {
	Details string `json:"details,omitempty"`
}

// RecordMarkerAttributes are RecordMarker's attributes.
type RecordMarkerAttributes struct {
	MarkerName string `json:"markerName"`
	Details    string `json:"details,omitempty"`
}

// StartTimerAttributes are StartTimer's attributes.
type StartTimerAttributes struct {
	TimerID            string `json:"timerId"`
	Control            string `json:"control,omitempty"`
	StartToFireTimeout string `json:"startToFireTimeout"`
}

// CancelTimerAttributes are CancelTimer's attributes.
type CancelTimerAttributes struct {
	TimerID string `json:"timerId"`
}

// ContinueAsNewAttributes are ContinueAsNewWorkflowExecution's attributes.
type ContinueAsNewAttributes struct {
	Input                        string    `json:"input,omitempty"`
	ExecutionStartToCloseTimeout string    `json:"executionStartToCloseTimeout,omitempty"`
	TaskList                     *TaskList `json:"taskList,omitempty"`
	TaskPriority                 string    `json:"taskPriority,omitempty"`
	TaskStartToCloseTimeout      string    `json:"taskStartToCloseTimeout,omitempty"`
	ChildPolicy                  string    `json:"childPolicy,omitempty"`
	TagList                      []string  `json:"tagList,omitempty"`
	WorkflowTypeVersion          string    `json:"workflowTypeVersion,omitempty"`
	LambdaRole                   string    `json:"lambdaRole,omitempty"`
}

// SignalExternalAttributes are SignalExternalWorkflowExecution's attributes.
type SignalExternalAttributes struct {
	WorkflowID string `json:"workflowId"`
	RunID      string `json:"runId,omitempty"`
	SignalName string `json:"signalName"`
	Input      string `json:"input,omitempty"`
	Control    string `json:"control,omitempty"`
}

// RequestCancelExternalAttributes are RequestCancelExternalWorkflowExecution's attributes.
type RequestCancelExternalAttributes struct {
	WorkflowID string `json:"workflowId"`
	RunID      string `json:"runId,omitempty"`
	Control    string `json:"control,omitempty"`
}

// StartChildWorkflowExecutionAttributes are StartChildWorkflowExecution's attributes.
type StartChildWorkflowExecutionAttributes struct {
	WorkflowType                 WorkflowType `json:"workflowType"`
	WorkflowID                   string       `json:"workflowId"`
	Control                      string       `json:"control,omitempty"`
	Input                        string       `json:"input,omitempty"`
	ExecutionStartToCloseTimeout string       `json:"executionStartToCloseTimeout,omitempty"`
	TaskList                     *TaskList    `json:"taskList,omitempty"`
	TaskPriority                 string       `json:"taskPriority,omitempty"`
	TaskStartToCloseTimeout      string       `json:"taskStartToCloseTimeout,omitempty"`
	ChildPolicy                  string       `json:"childPolicy,omitempty"`
	TagList                      []string     `json:"tagList,omitempty"`
	LambdaRole                   string       `json:"lambdaRole,omitempty"`
}

// ScheduleLambdaFunctionDecisionAttributes are ScheduleLambdaFunction's attributes.
type ScheduleLambdaFunctionDecisionAttributes struct {
	ID                  string `json:"id"`
	Name                string `json:"name"`
	Control             string `json:"control,omitempty"`
	Input               string `json:"input,omitempty"`
	StartToCloseTimeout string `json:"startToCloseTimeout,omitempty"`
}
