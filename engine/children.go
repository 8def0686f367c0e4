package engine

import (
	"errors"

	"github.com/openswf/openswf"
)

// Cross-run effects — a child started or closed, a signal or cancellation request to another run, a run
// continued as new — change two runs. They commit in one transition group (Transition.Also), each run under
// its own version check, so they happen exactly once with no queue between the runs.

// runSpec is what a new run starts with.
type runSpec struct {
	Domain, WorkflowID string
	Type               openswf.WorkflowType
	TaskList           string
	TaskPriority       string
	ExecStartToClose   string
	TaskStartToClose   string
	ChildPolicy        string
	LambdaRole         string
	TagList            []string
	Input              string
	Parent             *openswf.WorkflowExecution
	ParentInitiatedID  int64
	// Decider names the run's in-process decider; empty: SWF decision tasks.
	Decider       string
	ContinuedFrom string
}

func newExecution(s runSpec) *openswf.Execution {
	return &openswf.Execution{
		Domain: s.Domain, WorkflowID: s.WorkflowID, RunID: newRunID(), Type: s.Type, Version: 1, Open: true,
		NextEventID: 1, TaskList: s.TaskList, TaskPriority: s.TaskPriority, ExecStartToClose: s.ExecStartToClose,
		TaskStartToClose: s.TaskStartToClose, ChildPolicy: s.ChildPolicy, LambdaRole: s.LambdaRole,
		TagList: s.TagList, Parent: s.Parent, ParentInitiatedEventID: s.ParentInitiatedID, ContinuedFrom: s.ContinuedFrom,
		Decider: s.Decider,
	}
}

// startRun records the first events of the transaction's new run: WorkflowExecutionStarted, its timeout,
// and the first decision task.
func (t *txn) startRun(s runSpec) {
	x := t.x
	x.StartedAt = t.now
	t.event(openswf.EventWorkflowExecutionStarted, openswf.WorkflowExecutionStartedAttributes{
		Input: s.Input, ExecutionStartToCloseTimeout: x.ExecStartToClose, TaskStartToCloseTimeout: x.TaskStartToClose,
		ChildPolicy: x.ChildPolicy, TaskList: openswf.TaskList{Name: x.TaskList}, TaskPriority: x.TaskPriority,
		WorkflowType: x.Type, TagList: x.TagList, LambdaRole: x.LambdaRole,
		ContinuedExecutionRunID: s.ContinuedFrom, ParentWorkflowExecution: s.Parent, ParentInitiatedEventID: s.ParentInitiatedID,
	})
	if d, _ := parseTimeout(x.ExecStartToClose); d > 0 {
		t.putTimer(openswf.TimerWorkflowStartToClose, 0, t.now.Add(d))
	}
	t.scheduleDecision()
}

// fail records an error that aborts the transaction; commit reports it.
func (t *txn) fail(err error) {
	if t.err == nil {
		t.err = err
	}
}

// reportToParent records the run's close in its open parent and schedules a decision task there.
func (t *txn) reportToParent(status string, d closeDetail) {
	x := t.x
	p, err := t.other(x.Parent.RunID)
	if errors.Is(err, openswf.ErrNotFound) {
		return // the parent's history was purged
	}
	if err != nil {
		t.fail(err)
		return
	}
	init := x.ParentInitiatedEventID
	c, ok := p.x.Children[init]
	if !p.x.Open || !ok {
		return
	}
	started := c.StartedEventID
	attrs := openswf.ChildWorkflowExecutionAttributes{
		WorkflowExecution: x.Ref(), WorkflowType: x.Type, InitiatedEventID: init, StartedEventID: &started,
	}
	var typ openswf.EventType
	switch status {
	case openswf.CloseCompleted:
		typ, attrs.Result = openswf.EventChildWorkflowExecutionCompleted, d.Result
	case openswf.CloseFailed:
		typ, attrs.Reason, attrs.Details = openswf.EventChildWorkflowExecutionFailed, d.Reason, d.Details
	case openswf.CloseCanceled:
		typ, attrs.Details = openswf.EventChildWorkflowExecutionCanceled, d.Details
	case openswf.CloseTimedOut:
		typ, attrs.TimeoutType = openswf.EventChildWorkflowExecutionTimedOut, d.TimeoutType
	default:
		typ = openswf.EventChildWorkflowExecutionTerminated
	}
	p.event(typ, attrs)
	delete(p.x.Children, init)
	p.scheduleDecision()
}

// applyChildPolicy acts on an open child of a closing run: TERMINATE closes it, REQUEST_CANCEL records a
// cancellation request in it, ABANDON leaves it running.
func (t *txn) applyChildPolicy(policy string, init int64, c openswf.Child) {
	if policy != "TERMINATE" && policy != "REQUEST_CANCEL" {
		return
	}
	child, err := t.e.store.GetOpenExecution(t.ctx, t.x.Domain, c.WorkflowID)
	if errors.Is(err, openswf.ErrNotFound) {
		return
	}
	if err != nil {
		t.fail(err)
		return
	}
	if child.Parent == nil || child.Parent.RunID != t.x.RunID || child.ParentInitiatedEventID != init {
		return // the workflow id now names a run that is not this child
	}
	o, err := t.other(child.RunID)
	if err != nil {
		t.fail(err)
		return
	}
	if !o.x.Open {
		return
	}
	if policy == "TERMINATE" {
		o.event(openswf.EventWorkflowExecutionTerminated, openswf.WorkflowExecutionTerminatedAttributes{
			ChildPolicy: o.x.ChildPolicy, Cause: "CHILD_POLICY_APPLIED",
		})
		o.closeExecution(openswf.CloseTerminated, closeDetail{parentClosing: true})
		return
	}
	o.event(openswf.EventWorkflowExecutionCancelRequested, openswf.WorkflowExecutionCancelRequestedAttributes{Cause: "CHILD_POLICY_APPLIED"})
	o.x.CancelRequested = true
	o.scheduleDecision()
}

// findRun returns the transaction of the open run a decision names (the deciding run itself, a run created
// in this transaction, or a stored one), or nil if there is none.
func (d *decider) findRun(workflowID, runID string) (*txn, error) {
	for _, o := range append([]*txn{d.txn}, d.others...) {
		if o.x.Open && o.x.WorkflowID == workflowID && (runID == "" || runID == o.x.RunID) {
			return o, nil
		}
	}
	var x *openswf.Execution
	var err error
	if runID == "" {
		x, err = d.e.store.GetOpenExecution(d.ctx, d.x.Domain, workflowID)
	} else {
		x, err = d.e.store.GetExecution(d.ctx, d.x.Domain, workflowID, runID)
	}
	if errors.Is(err, openswf.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	o, err := d.other(x.RunID)
	if err != nil || !o.x.Open {
		return nil, err
	}
	return o, nil
}

func (d *decider) startChild(a *openswf.StartChildWorkflowExecutionAttributes) error {
	x := d.x
	fail := func(cause string, init int64) error {
		d.event(openswf.EventStartChildWorkflowExecutionFailed, openswf.StartChildWorkflowExecutionFailedAttributes{
			WorkflowType: a.WorkflowType, Cause: cause, WorkflowID: a.WorkflowID, InitiatedEventID: init,
			DecisionTaskCompletedEventID: d.completedID, Control: a.Control,
		})
		d.needDecision = true
		return nil
	}
	wt, err := d.e.typeRecord(d.ctx, x.Domain, openswf.KindWorkflowType, a.WorkflowType.Name, a.WorkflowType.Version)
	switch {
	case errors.Is(err, openswf.ErrNotFound):
		return fail("WORKFLOW_TYPE_DOES_NOT_EXIST", 0)
	case err != nil:
		return err
	case wt.Status != openswf.StatusRegistered:
		return fail("WORKFLOW_TYPE_DEPRECATED", 0)
	case len(x.Children) >= maxOpenChildren:
		return fail("OPEN_CHILDREN_LIMIT_EXCEEDED", 0)
	}
	s := runSpec{
		Domain: x.Domain, WorkflowID: a.WorkflowID, Type: a.WorkflowType,
		TaskList: pick(taskListName(a.TaskList), wt.DefaultTaskList), TaskPriority: pick(a.TaskPriority, wt.DefaultPriority),
		ExecStartToClose: pick(a.ExecutionStartToCloseTimeout, wt.DefaultExecutionStartToClose),
		TaskStartToClose: pick(a.TaskStartToCloseTimeout, wt.DefaultStartToClose),
		ChildPolicy:      pick(a.ChildPolicy, wt.DefaultChildPolicy), LambdaRole: pick(a.LambdaRole, wt.DefaultLambdaRole),
		TagList: a.TagList, Input: a.Input,
	}
	if cause := undefinedDefault(s); cause != "" {
		return fail(cause, 0)
	}
	init := d.event(openswf.EventStartChildWorkflowExecutionInitiated, openswf.StartChildWorkflowExecutionInitiatedAttributes{
		WorkflowID: a.WorkflowID, WorkflowType: a.WorkflowType, Control: a.Control, Input: a.Input,
		ExecutionStartToCloseTimeout: s.ExecStartToClose, TaskList: openswf.TaskList{Name: s.TaskList},
		TaskPriority: s.TaskPriority, DecisionTaskCompletedEventID: d.completedID, ChildPolicy: s.ChildPolicy,
		TaskStartToCloseTimeout: s.TaskStartToClose, TagList: s.TagList, LambdaRole: s.LambdaRole,
	})
	running, err := d.findRun(a.WorkflowID, "")
	if err != nil {
		return err
	}
	if running != nil {
		return fail("WORKFLOW_ALREADY_RUNNING", init)
	}
	s.Parent = &openswf.WorkflowExecution{WorkflowID: x.WorkflowID, RunID: x.RunID}
	s.ParentInitiatedID = init
	child := d.created(newExecution(s))
	child.startRun(s)
	started := d.event(openswf.EventChildWorkflowExecutionStarted, openswf.ChildWorkflowExecutionAttributes{
		WorkflowExecution: child.x.Ref(), WorkflowType: a.WorkflowType, InitiatedEventID: init,
	})
	if x.Children == nil {
		x.Children = map[int64]openswf.Child{}
	}
	x.Children[init] = openswf.Child{WorkflowID: a.WorkflowID, RunID: child.x.RunID, Type: a.WorkflowType, StartedEventID: started}
	d.needDecision = true
	return nil
}

// undefinedDefault names the DEFAULT_…_UNDEFINED cause of a run whose settings did not resolve.
func undefinedDefault(s runSpec) string {
	switch {
	case s.TaskList == "":
		return "DEFAULT_TASK_LIST_UNDEFINED"
	case s.ExecStartToClose == "":
		return "DEFAULT_EXECUTION_START_TO_CLOSE_TIMEOUT_UNDEFINED"
	case s.TaskStartToClose == "":
		return "DEFAULT_TASK_START_TO_CLOSE_TIMEOUT_UNDEFINED"
	case s.ChildPolicy == "":
		return "DEFAULT_CHILD_POLICY_UNDEFINED"
	}
	return ""
}

func (d *decider) continueAsNew(a *openswf.ContinueAsNewAttributes) error {
	if d.closeBlocked(openswf.EventContinueAsNewWorkflowExecutionFailed) {
		return nil
	}
	x := d.x
	fail := func(cause string) error {
		d.event(openswf.EventContinueAsNewWorkflowExecutionFailed, openswf.DecisionFailedAttributes{
			Cause: cause, DecisionTaskCompletedEventID: d.completedID,
		})
		d.needDecision = true
		return nil
	}
	typ := openswf.WorkflowType{Name: x.Type.Name, Version: pick(a.WorkflowTypeVersion, x.Type.Version)}
	wt, err := d.e.typeRecord(d.ctx, x.Domain, openswf.KindWorkflowType, typ.Name, typ.Version)
	switch {
	case errors.Is(err, openswf.ErrNotFound):
		return fail("WORKFLOW_TYPE_DOES_NOT_EXIST")
	case err != nil:
		return err
	case wt.Status != openswf.StatusRegistered:
		return fail("WORKFLOW_TYPE_DEPRECATED")
	}
	s := runSpec{
		Domain: x.Domain, WorkflowID: x.WorkflowID, Type: typ,
		TaskList: pick(taskListName(a.TaskList), wt.DefaultTaskList), TaskPriority: pick(a.TaskPriority, wt.DefaultPriority),
		ExecStartToClose: pick(a.ExecutionStartToCloseTimeout, wt.DefaultExecutionStartToClose),
		TaskStartToClose: pick(a.TaskStartToCloseTimeout, wt.DefaultStartToClose),
		ChildPolicy:      pick(a.ChildPolicy, wt.DefaultChildPolicy), LambdaRole: pick(a.LambdaRole, wt.DefaultLambdaRole),
		TagList: a.TagList, Input: a.Input,
		Parent: x.Parent, ParentInitiatedID: x.ParentInitiatedEventID, ContinuedFrom: x.RunID,
	}
	if cause := undefinedDefault(s); cause != "" {
		return fail(cause)
	}
	next := newExecution(s)
	d.event(openswf.EventWorkflowExecutionContinuedAsNew, openswf.WorkflowExecutionContinuedAsNewAttributes{
		Input: a.Input, DecisionTaskCompletedEventID: d.completedID, NewExecutionRunID: next.RunID,
		ExecutionStartToCloseTimeout: s.ExecStartToClose, TaskList: openswf.TaskList{Name: s.TaskList},
		TaskPriority: s.TaskPriority, TaskStartToCloseTimeout: s.TaskStartToClose, ChildPolicy: s.ChildPolicy,
		TagList: s.TagList, WorkflowType: typ, LambdaRole: s.LambdaRole,
	})
	// The old run closes before the new one is created in the same commit, so the workflow id never has
	// two open runs and never none.
	d.closeExecution(openswf.CloseContinuedAsNew, closeDetail{})
	d.created(next).startRun(s)
	return nil
}

// external carries out a decision aimed at another run (or this one) that its Initiated event init names:
// the run found, act records the effect in it and the done event follows in this run; none found, the
// failed event records UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION. Either way a decision task follows.
func (d *decider) external(init int64, workflowID, runID, control string, failed, done openswf.EventType,
	act func(target *txn, source *openswf.WorkflowExecution)) error {
	d.needDecision = true
	target, err := d.findRun(workflowID, runID)
	if err != nil {
		return err
	}
	if target == nil {
		d.event(failed, openswf.ExternalFailedAttributes{
			WorkflowID: workflowID, RunID: runID, Cause: "UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION",
			InitiatedEventID: init, DecisionTaskCompletedEventID: d.completedID, Control: control,
		})
		return nil
	}
	self := d.x.Ref()
	act(target, &self)
	if target != d.txn {
		target.scheduleDecision()
	}
	d.event(done, openswf.ExternalDoneAttributes{WorkflowExecution: target.x.Ref(), InitiatedEventID: init})
	return nil
}

func (d *decider) signalExternal(a *openswf.SignalExternalAttributes) error {
	init := d.event(openswf.EventSignalExternalWorkflowExecutionInitiated, openswf.SignalExternalInitiatedAttributes{
		WorkflowID: a.WorkflowID, RunID: a.RunID, SignalName: a.SignalName, Input: a.Input,
		DecisionTaskCompletedEventID: d.completedID, Control: a.Control,
	})
	return d.external(init, a.WorkflowID, a.RunID, a.Control,
		openswf.EventSignalExternalWorkflowExecutionFailed, openswf.EventExternalWorkflowExecutionSignaled,
		func(target *txn, source *openswf.WorkflowExecution) {
			target.event(openswf.EventWorkflowExecutionSignaled, openswf.WorkflowExecutionSignaledAttributes{
				SignalName: a.SignalName, Input: a.Input, ExternalWorkflowExecution: source, ExternalInitiatedEventID: init,
			})
		})
}

func (d *decider) cancelExternal(a *openswf.RequestCancelExternalAttributes) error {
	init := d.event(openswf.EventRequestCancelExternalWorkflowExecutionInitiated, openswf.RequestCancelExternalInitiatedAttributes{
		WorkflowID: a.WorkflowID, RunID: a.RunID, DecisionTaskCompletedEventID: d.completedID, Control: a.Control,
	})
	return d.external(init, a.WorkflowID, a.RunID, a.Control,
		openswf.EventRequestCancelExternalWorkflowExecutionFailed, openswf.EventExternalWorkflowExecutionCancelRequested,
		func(target *txn, source *openswf.WorkflowExecution) {
			target.event(openswf.EventWorkflowExecutionCancelRequested, openswf.WorkflowExecutionCancelRequestedAttributes{
				ExternalWorkflowExecution: source, ExternalInitiatedEventID: init,
			})
			target.x.CancelRequested = true
		})
}

// scheduleLambda answers ScheduleLambdaFunction as SWF does where Lambda is not available.
func (d *decider) scheduleLambda(a *openswf.ScheduleLambdaFunctionDecisionAttributes) error {
	d.event(openswf.EventScheduleLambdaFunctionFailed, openswf.ScheduleLambdaFunctionFailedAttributes{
		ID: a.ID, Name: a.Name, Cause: "LAMBDA_SERVICE_NOT_AVAILABLE_IN_REGION", DecisionTaskCompletedEventID: d.completedID,
	})
	d.needDecision = true
	return nil
}
