package engine

import "github.com/openswf/openswf"

// causeNotPermitted is the cause SWF records for a decision its decider may not make.
const causeNotPermitted = "OPERATION_NOT_PERMITTED"

// deny records the …Failed event of a decision the decider's principal may not make, with the cause
// OPERATION_NOT_PERMITTED that every decision's cause enumeration provides, and asks for a new decision, as
// SWF does. The rest of the batch is carried out.
func (d *decider) deny(dec *openswf.Decision) {
	failed := func(typ openswf.EventType) {
		d.event(typ, openswf.DecisionFailedAttributes{Cause: causeNotPermitted, DecisionTaskCompletedEventID: d.completedID})
	}
	switch dec.Type {
	case openswf.DecisionScheduleActivityTask:
		a := dec.ScheduleActivityTask
		d.event(openswf.EventScheduleActivityTaskFailed, openswf.ScheduleActivityTaskFailedAttributes{
			ActivityType: a.ActivityType, ActivityID: a.ActivityID, Cause: causeNotPermitted, DecisionTaskCompletedEventID: d.completedID,
		})
	case openswf.DecisionRequestCancelActivityTask:
		d.event(openswf.EventRequestCancelActivityTaskFailed, openswf.RequestCancelActivityTaskFailedAttributes{
			ActivityID: dec.RequestCancelActivityTask.ActivityID, Cause: causeNotPermitted, DecisionTaskCompletedEventID: d.completedID,
		})
	case openswf.DecisionCompleteWorkflowExecution:
		failed(openswf.EventCompleteWorkflowExecutionFailed)
	case openswf.DecisionFailWorkflowExecution:
		failed(openswf.EventFailWorkflowExecutionFailed)
	case openswf.DecisionCancelWorkflowExecution:
		failed(openswf.EventCancelWorkflowExecutionFailed)
	case openswf.DecisionContinueAsNewWorkflowExecution:
		failed(openswf.EventContinueAsNewWorkflowExecutionFailed)
	case openswf.DecisionRecordMarker:
		d.event(openswf.EventRecordMarkerFailed, openswf.RecordMarkerFailedAttributes{
			MarkerName: dec.RecordMarker.MarkerName, Cause: causeNotPermitted, DecisionTaskCompletedEventID: d.completedID,
		})
	case openswf.DecisionStartTimer:
		d.event(openswf.EventStartTimerFailed, openswf.TimerFailedAttributes{
			TimerID: dec.StartTimer.TimerID, Cause: causeNotPermitted, DecisionTaskCompletedEventID: d.completedID,
		})
	case openswf.DecisionCancelTimer:
		d.event(openswf.EventCancelTimerFailed, openswf.TimerFailedAttributes{
			TimerID: dec.CancelTimer.TimerID, Cause: causeNotPermitted, DecisionTaskCompletedEventID: d.completedID,
		})
	case openswf.DecisionSignalExternalWorkflowExecution:
		a := dec.SignalExternalWorkflowExecution
		d.event(openswf.EventSignalExternalWorkflowExecutionFailed, openswf.ExternalFailedAttributes{
			WorkflowID: a.WorkflowID, RunID: a.RunID, Cause: causeNotPermitted, DecisionTaskCompletedEventID: d.completedID, Control: a.Control,
		})
	case openswf.DecisionRequestCancelExternalWorkflowExecution:
		a := dec.RequestCancelExternalWorkflowExecution
		d.event(openswf.EventRequestCancelExternalWorkflowExecutionFailed, openswf.ExternalFailedAttributes{
			WorkflowID: a.WorkflowID, RunID: a.RunID, Cause: causeNotPermitted, DecisionTaskCompletedEventID: d.completedID, Control: a.Control,
		})
	case openswf.DecisionStartChildWorkflowExecution:
		a := dec.StartChildWorkflowExecution
		d.event(openswf.EventStartChildWorkflowExecutionFailed, openswf.StartChildWorkflowExecutionFailedAttributes{
			WorkflowType: a.WorkflowType, Cause: causeNotPermitted, WorkflowID: a.WorkflowID,
			DecisionTaskCompletedEventID: d.completedID, Control: a.Control,
		})
	case openswf.DecisionScheduleLambdaFunction:
		a := dec.ScheduleLambdaFunction
		d.event(openswf.EventScheduleLambdaFunctionFailed, openswf.ScheduleLambdaFunctionFailedAttributes{
			ID: a.ID, Name: a.Name, Cause: causeNotPermitted, DecisionTaskCompletedEventID: d.completedID,
		})
	}
	d.needDecision = true
}
