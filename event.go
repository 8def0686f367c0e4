package openswf

import (
	"encoding/json"
	"time"
)

// HistoryEvent is one event of an execution's history. Attributes holds the JSON of the event's attributes
// exactly as the wire carries them under `<lowerCamel(Type)>EventAttributes`.
type HistoryEvent struct {
	ID         int64
	Time       time.Time
	Type       EventType
	Attributes json.RawMessage
}

// EventType is an SWF history event type.
type EventType string

// The SWF history event types.
const (
	EventWorkflowExecutionStarted                        EventType = "WorkflowExecutionStarted"
	EventWorkflowExecutionCancelRequested                EventType = "WorkflowExecutionCancelRequested"
	EventWorkflowExecutionCompleted                      EventType = "WorkflowExecutionCompleted"
	EventCompleteWorkflowExecutionFailed                 EventType = "CompleteWorkflowExecutionFailed"
	EventWorkflowExecutionFailed                         EventType = "WorkflowExecutionFailed"
	EventFailWorkflowExecutionFailed                     EventType = "FailWorkflowExecutionFailed"
	EventWorkflowExecutionTimedOut                       EventType = "WorkflowExecutionTimedOut"
	EventWorkflowExecutionCanceled                       EventType = "WorkflowExecutionCanceled"
	EventCancelWorkflowExecutionFailed                   EventType = "CancelWorkflowExecutionFailed"
	EventWorkflowExecutionContinuedAsNew                 EventType = "WorkflowExecutionContinuedAsNew"
	EventContinueAsNewWorkflowExecutionFailed            EventType = "ContinueAsNewWorkflowExecutionFailed"
	EventWorkflowExecutionTerminated                     EventType = "WorkflowExecutionTerminated"
	EventDecisionTaskScheduled                           EventType = "DecisionTaskScheduled"
	EventDecisionTaskStarted                             EventType = "DecisionTaskStarted"
	EventDecisionTaskCompleted                           EventType = "DecisionTaskCompleted"
	EventDecisionTaskTimedOut                            EventType = "DecisionTaskTimedOut"
	EventActivityTaskScheduled                           EventType = "ActivityTaskScheduled"
	EventScheduleActivityTaskFailed                      EventType = "ScheduleActivityTaskFailed"
	EventActivityTaskStarted                             EventType = "ActivityTaskStarted"
	EventActivityTaskCompleted                           EventType = "ActivityTaskCompleted"
	EventActivityTaskFailed                              EventType = "ActivityTaskFailed"
	EventActivityTaskTimedOut                            EventType = "ActivityTaskTimedOut"
	EventActivityTaskCanceled                            EventType = "ActivityTaskCanceled"
	EventActivityTaskCancelRequested                     EventType = "ActivityTaskCancelRequested"
	EventRequestCancelActivityTaskFailed                 EventType = "RequestCancelActivityTaskFailed"
	EventWorkflowExecutionSignaled                       EventType = "WorkflowExecutionSignaled"
	EventMarkerRecorded                                  EventType = "MarkerRecorded"
	EventRecordMarkerFailed                              EventType = "RecordMarkerFailed"
	EventTimerStarted                                    EventType = "TimerStarted"
	EventStartTimerFailed                                EventType = "StartTimerFailed"
	EventTimerFired                                      EventType = "TimerFired"
	EventTimerCanceled                                   EventType = "TimerCanceled"
	EventCancelTimerFailed                               EventType = "CancelTimerFailed"
	EventStartChildWorkflowExecutionInitiated            EventType = "StartChildWorkflowExecutionInitiated"
	EventStartChildWorkflowExecutionFailed               EventType = "StartChildWorkflowExecutionFailed"
	EventChildWorkflowExecutionStarted                   EventType = "ChildWorkflowExecutionStarted"
	EventChildWorkflowExecutionCompleted                 EventType = "ChildWorkflowExecutionCompleted"
	EventChildWorkflowExecutionFailed                    EventType = "ChildWorkflowExecutionFailed"
	EventChildWorkflowExecutionTimedOut                  EventType = "ChildWorkflowExecutionTimedOut"
	EventChildWorkflowExecutionCanceled                  EventType = "ChildWorkflowExecutionCanceled"
	EventChildWorkflowExecutionTerminated                EventType = "ChildWorkflowExecutionTerminated"
	EventSignalExternalWorkflowExecutionInitiated        EventType = "SignalExternalWorkflowExecutionInitiated"
	EventSignalExternalWorkflowExecutionFailed           EventType = "SignalExternalWorkflowExecutionFailed"
	EventExternalWorkflowExecutionSignaled               EventType = "ExternalWorkflowExecutionSignaled"
	EventRequestCancelExternalWorkflowExecutionInitiated EventType = "RequestCancelExternalWorkflowExecutionInitiated"
	EventRequestCancelExternalWorkflowExecutionFailed    EventType = "RequestCancelExternalWorkflowExecutionFailed"
	EventExternalWorkflowExecutionCancelRequested        EventType = "ExternalWorkflowExecutionCancelRequested"
	EventLambdaFunctionScheduled                         EventType = "LambdaFunctionScheduled"
	EventLambdaFunctionStarted                           EventType = "LambdaFunctionStarted"
	EventLambdaFunctionCompleted                         EventType = "LambdaFunctionCompleted"
	EventLambdaFunctionFailed                            EventType = "LambdaFunctionFailed"
	EventLambdaFunctionTimedOut                          EventType = "LambdaFunctionTimedOut"
	EventScheduleLambdaFunctionFailed                    EventType = "ScheduleLambdaFunctionFailed"
	EventStartLambdaFunctionFailed                       EventType = "StartLambdaFunctionFailed"
)

// EventDialectRecorded is an event an in-process decider records in a vocabulary of its own, such as a
// Step Functions history event: the engine stores it in the run's history with the others and reads nothing
// in it, and the API of that dialect shows it. Its attributes are DialectEventAttributes. No SWF client sees
// one: runs decided in-process live in domains the SWF API does not serve.
const EventDialectRecorded EventType = "DialectEventRecorded"

// AttributesKey is the wire member that holds the attributes of an event of type t.
func (t EventType) AttributesKey() string {
	if t == "" {
		return ""
	}
	b := []byte(t)
	if b[0] >= 'A' && b[0] <= 'Z' {
		b[0] += 'a' - 'A'
	}
	return string(b) + "EventAttributes"
}
