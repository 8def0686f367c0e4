package sfn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/asl"
	"github.com/openswf/openswf/engine"
)

// DeciderName is the name of Step Functions' in-process decider among the engine's deciders.
const DeciderName = "states"

// dialect names Step Functions' events in the runs' histories.
const dialect = "states"

// stopSignal is the signal StopExecution sends its run: the interpreter then aborts the execution in the
// transition that records it.
const stopSignal = "openswf-stop"

// decider runs the States Language interpreter as the engine's in-process decider of Step Functions'
// executions. The engine hands it each transition's events; it turns them into the interpreter's inputs,
// and the interpreter's history events and actions into decisions: RecordDialectEvent for the events,
// ScheduleActivityTask, RequestCancelActivityTask, StartTimer, CancelTimer and CloseExecution for the
// actions. The interpreter's state is the run's DeciderState.
//
// It reads the state machine's revision and the activities' registrations (immutable records, and the
// engine's type cache) but changes nothing outside the transition.
type decider struct {
	s *Service

	mu       sync.Mutex
	machines map[string]*parsedMachine // by name "/" revision
	// states keeps, by run id, the decoded state of each run's last decision with the exact bytes it was
	// encoded to: when the engine hands those same bytes back (the run's next transition), the state needs
	// no decoding. An entry is taken out when used, so that a decision the engine then discards leaves no
	// changed state behind.
	states map[string]decodedState
}

// decodedState is a run's state as the decider last encoded it.
type decodedState struct {
	raw []byte
	st  *runState
}

// maxDecoded bounds the decoded states kept; past it the cache starts again.
const maxDecoded = 4096

// takeState returns the decoded state of raw for a run, from the cache when raw is the very encoding the
// decider last produced for it.
func (d *decider) takeState(runID string, raw []byte) (*runState, error) {
	d.mu.Lock()
	c, ok := d.states[runID]
	delete(d.states, runID)
	d.mu.Unlock()
	if ok && len(c.raw) == len(raw) && len(raw) > 0 && &c.raw[0] == &raw[0] {
		return c.st, nil
	}
	st := &runState{}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, st); err != nil {
			return nil, fmt.Errorf("read the interpreter's state: %w", err)
		}
	}
	return st, nil
}

// keepState remembers a run's state with its encoding.
func (d *decider) keepState(runID string, raw []byte, st *runState) {
	d.mu.Lock()
	if len(d.states) >= maxDecoded {
		d.states = map[string]decodedState{}
	}
	d.states[runID] = decodedState{raw: raw, st: st}
	d.mu.Unlock()
}

// parsedMachine is a revision with its definition parsed.
type parsedMachine struct {
	*machine
	m *asl.Machine
}

// maxParsed bounds the parsed revisions kept; past it the cache starts again.
const maxParsed = 1024

// runState is what the decider keeps of a run between transitions.
type runState struct {
	X *asl.Execution `json:"x"`
	// Tasks maps the scheduled event id of each open activity task of the run to the interpreter task it
	// serves.
	Tasks map[int64]taskEntry `json:"tasks,omitempty"`
	// Parent names the execution and task waiting for this one to end (the job-run pattern,
	// states:startExecution.sync); nil for others.
	Parent *parentLink `json:"parent,omitempty"`
	// Scheduling holds, by activity id, what the tasks scheduled by the last decisions serve, until their
	// ActivityTaskScheduled events come back with their ids.
	Scheduling map[string]taskEntry `json:"scheduling,omitempty"`
	// Held keeps, by interpreter task, the ends of service tasks that came before their request's answer:
	// a callback answered, or a child ended, before the integration worker's completion was recorded.
	// They are fed after TaskSubmitted, the order AWS records.
	Held map[string][]heldEnd `json:"held,omitempty"`
}

// heldEnd is a service task's end held until its TaskSubmitted: one of its fields is set.
type heldEnd struct {
	Succeeded *asl.TaskSucceeded `json:"succeeded,omitempty"`
	Failed    *asl.TaskFailed    `json:"failed,omitempty"`
}

// taskEntry is an engine activity task serving an interpreter task: the activity itself, the work of a
// service integration, or the wait for a callback.
type taskEntry struct {
	ID   string `json:"id"`
	Kind string `json:"kind,omitempty"` // "" (an activity), kindWork or kindCallback
	// Work is the work order of an integration task, kept to schedule it again when its worker is lost.
	Work *workOrder `json:"work,omitempty"`
	// Attempt counts the integration task's attempts.
	Attempt int `json:"attempt,omitempty"`
}

// parentLink names the run and task of an execution that waits for a child to end.
type parentLink struct {
	WorkflowID string `json:"workflowId"`
	RunID      string `json:"runId"`
	TaskID     string `json:"taskId"`
	Pattern    string `json:"pattern"`
}

// childEnd is what a child tells its waiting parent when it ends (the childEndSignal's input).
type childEnd struct {
	TaskID string `json:"taskId"`
	Status string `json:"status"`
	// Result is the execution as the job-run pattern answers it, JSON text.
	Result string `json:"result"`
}

// childEndSignal is the signal a child execution sends its waiting parent in the transition it ends in.
const childEndSignal = "openswf-child-ended"

// Kinds of engine task that serve an interpreter task.
const (
	kindWork     = "work"
	kindCallback = "callback"
)

// revision returns a state machine's revision, parsed.
func (d *decider) revision(ctx context.Context, name, version string) (*parsedMachine, error) {
	key := name + "/" + version
	d.mu.Lock()
	pm := d.machines[key]
	d.mu.Unlock()
	if pm != nil {
		return pm, nil
	}
	t, err := d.s.eng.DescribeType(ctx, openswf.KindWorkflowType, Domain, name, version)
	if err != nil {
		return nil, fmt.Errorf("read state machine %s revision %s: %w", name, version, err)
	}
	m, err := readMachine(t)
	if err != nil {
		return nil, err
	}
	parsed, err := asl.Parse(m.attrs.Definition)
	if err != nil {
		return nil, fmt.Errorf("parse state machine %s revision %s: %w", name, version, err)
	}
	pm = &parsedMachine{machine: m, m: parsed}
	d.mu.Lock()
	if len(d.machines) >= maxParsed {
		d.machines = map[string]*parsedMachine{}
	}
	d.machines[key] = pm
	d.mu.Unlock()
	return pm, nil
}

// Decide implements engine.Decider.
func (d *decider) Decide(ctx context.Context, in engine.DecideInput) (engine.DecideOutput, error) {
	x := in.Execution
	stp, err := d.takeState(x.RunID, x.DeciderState)
	if err != nil {
		return engine.DecideOutput{}, err
	}
	st := *stp
	if st.Tasks == nil {
		st.Tasks = map[int64]taskEntry{}
	}
	pm, err := d.revision(ctx, x.Type.Name, x.Type.Version)
	if err != nil {
		return engine.DecideOutput{}, err
	}
	if st.Scheduling == nil {
		st.Scheduling = map[string]taskEntry{}
	}
	r := &round{d: d, ctx: ctx, now: in.Now, m: pm, st: &st, runID: x.RunID, workflowID: x.WorkflowID}
	if st.X != nil && !st.X.Closed {
		// An execution of a deleted state machine fails at its next transition, as on AWS.
		t, err := d.s.eng.LookupType(ctx, openswf.KindWorkflowType, Domain, x.Type.Name, x.Type.Version)
		if err != nil {
			return engine.DecideOutput{}, err
		}
		if t.Description == deletedMark {
			cause := fmt.Sprintf("State machine %s has been deleted.", x.Type.Name)
			if err := r.feed(asl.Fail{Error: ptr(asl.ErrRuntime), Cause: &cause}); err != nil {
				return engine.DecideOutput{}, err
			}
		}
	}
	for _, ev := range in.Events {
		if err := r.event(x, ev); err != nil {
			return engine.DecideOutput{}, fmt.Errorf("event %d (%s): %w", ev.ID, ev.Type, err)
		}
	}
	state, err := json.Marshal(&st)
	if err != nil {
		return engine.DecideOutput{}, err
	}
	d.keepState(x.RunID, state, &st)
	return engine.DecideOutput{Decisions: r.out, State: state}, nil
}

// round is one Decide call: the inputs it feeds the interpreter and the decisions it collects.
type round struct {
	d     *decider
	ctx   context.Context
	now   time.Time
	m     *parsedMachine
	st    *runState
	runID string
	// workflowID is the run's workflow id.
	workflowID string
	out        []openswf.Decision
}

func (r *round) env() asl.Env {
	return asl.Env{TaskToken: func(taskID string) string {
		return r.d.s.eng.CallbackToken(Domain, r.runID, taskID)
	}, ActivityExists: func(arn string) bool {
		p, err := r.d.s.parseARN(arn, arnActivity)
		if err != nil || !p.local || !validName(p.names[0]) {
			return false
		}
		// Through the engine's type cache: a Map schedules an activity task per item.
		t, err := r.d.s.eng.LookupType(r.ctx, openswf.KindActivityType, Domain, p.names[0], activityVersion)
		return err == nil && t.Status == openswf.StatusRegistered
	}}
}

// event turns one engine event into the interpreter's input, if it is one.
func (r *round) event(x *openswf.Execution, ev openswf.HistoryEvent) error {
	switch ev.Type {
	case openswf.EventWorkflowExecutionStarted:
		var a openswf.WorkflowExecutionStartedAttributes
		if err := json.Unmarshal(ev.Attributes, &a); err != nil {
			return err
		}
		sm, exec := splitWorkflowID(x.WorkflowID)
		ctx := asl.Context{
			ExecutionArn: r.d.s.arn(arnExecution, sm, exec), Name: exec, RoleArn: r.m.attrs.RoleArn,
			StateMachineArn: r.d.s.arn(arnStateMachine, sm), StateMachineName: sm, StartTime: x.StartedAt, Input: a.Input,
		}
		ax, step, err := r.m.m.Start(ctx, r.env(), r.now)
		if err != nil {
			return err
		}
		r.st.X = ax
		return r.step(step)
	case openswf.EventActivityTaskScheduled:
		var a openswf.ActivityTaskScheduledAttributes
		if err := json.Unmarshal(ev.Attributes, &a); err != nil {
			return err
		}
		e, ok := r.st.Scheduling[a.ActivityID]
		if !ok {
			e = taskEntry{ID: a.ActivityID}
		}
		delete(r.st.Scheduling, a.ActivityID)
		r.st.Tasks[ev.ID] = e
	case openswf.EventScheduleActivityTaskFailed:
		// The activity was deleted between the interpreter's check and the scheduling.
		var a openswf.ScheduleActivityTaskFailedAttributes
		if err := json.Unmarshal(ev.Attributes, &a); err != nil {
			return err
		}
		e := r.st.Scheduling[a.ActivityID]
		delete(r.st.Scheduling, a.ActivityID)
		if e.Kind != "" {
			return fmt.Errorf("schedule an internal %s task: %s", e.Kind, a.Cause)
		}
		cause := fmt.Sprintf("The activity %s does not exist.", r.d.s.arn(arnActivity, a.ActivityType.Name))
		return r.feed(asl.TaskFailed{TaskID: a.ActivityID, Error: ptr(asl.ErrRuntime), Cause: &cause})
	case openswf.EventActivityTaskStarted:
		var a openswf.ActivityTaskStartedAttributes
		if err := json.Unmarshal(ev.Attributes, &a); err != nil {
			return err
		}
		e := r.st.Tasks[a.ScheduledEventID]
		switch e.Kind {
		case "":
			return r.feed(asl.TaskStarted{TaskID: e.ID, WorkerName: a.Identity})
		case kindWork:
			if e.Attempt == 0 {
				return r.feed(asl.TaskStarted{TaskID: e.ID})
			}
		}
	case openswf.EventActivityTaskCompleted:
		var a openswf.ActivityTaskCompletedAttributes
		if err := json.Unmarshal(ev.Attributes, &a); err != nil {
			return err
		}
		e := r.closeTask(a.ScheduledEventID)
		if e.Kind == kindWork && e.Work.Pattern != "" {
			if err := r.feed(asl.TaskSubmitted{TaskID: e.ID, Output: a.Result}); err != nil {
				return err
			}
			return r.feedHeld(e.ID)
		}
		if e.Kind == kindCallback {
			return r.feedEnd(heldEnd{Succeeded: &asl.TaskSucceeded{TaskID: e.ID, Output: a.Result}})
		}
		return r.feed(asl.TaskSucceeded{TaskID: e.ID, Output: a.Result})
	case openswf.EventActivityTaskFailed:
		var a openswf.ActivityTaskFailedAttributes
		if err := json.Unmarshal(ev.Attributes, &a); err != nil {
			return err
		}
		e := r.closeTask(a.ScheduledEventID)
		failed := asl.TaskFailed{TaskID: e.ID, Error: optional(a.Reason), Cause: optional(a.Details)}
		switch {
		case e.Kind == kindCallback:
			return r.feedEnd(heldEnd{Failed: &failed})
		case e.Kind == kindWork && len(r.st.Held[e.ID]) > 0:
			// The request was made (its child ended, or its callback was answered) and a later attempt
			// failed: a worker lost after the first attempt, whose retry found the child closed. The end
			// stands.
			return r.feedHeld(e.ID)
		}
		return r.feed(failed)
	case openswf.EventActivityTaskTimedOut:
		var a openswf.ActivityTaskTimedOutAttributes
		if err := json.Unmarshal(ev.Attributes, &a); err != nil {
			return err
		}
		e := r.closeTask(a.ScheduledEventID)
		if e.Kind == kindWork {
			// The integration worker was lost with its task: do the work again.
			e.Attempt++
			r.scheduleWork(e)
			return nil
		}
		return r.feed(asl.TaskTimedOut{TaskID: e.ID, Heartbeat: a.TimeoutType == "HEARTBEAT"})
	case openswf.EventActivityTaskCanceled:
		var a openswf.ActivityTaskCanceledAttributes
		if err := json.Unmarshal(ev.Attributes, &a); err != nil {
			return err
		}
		if e := r.closeTask(a.ScheduledEventID); e.Kind == kindWork {
			delete(r.st.Held, e.ID)
		}
	case openswf.EventTimerFired:
		var a openswf.TimerFiredAttributes
		if err := json.Unmarshal(ev.Attributes, &a); err != nil {
			return err
		}
		return r.feed(asl.TimerFired{TimerID: a.TimerID})
	case openswf.EventWorkflowExecutionSignaled:
		var a openswf.WorkflowExecutionSignaledAttributes
		if err := json.Unmarshal(ev.Attributes, &a); err != nil {
			return err
		}
		if a.SignalName == childEndSignal {
			var end childEnd
			if err := json.Unmarshal([]byte(a.Input), &end); err != nil {
				return err
			}
			if end.Status == "SUCCEEDED" {
				return r.feedEnd(heldEnd{Succeeded: &asl.TaskSucceeded{TaskID: end.TaskID, Output: end.Result}})
			}
			return r.feedEnd(heldEnd{Failed: &asl.TaskFailed{TaskID: end.TaskID, Error: ptr(asl.ErrTaskFailed), Cause: &end.Result}})
		}
		if a.SignalName != stopSignal {
			return nil
		}
		var stop stopRequest
		if err := json.Unmarshal([]byte(a.Input), &stop); err != nil {
			return err
		}
		return r.feed(asl.Stop{Error: stop.Error, Cause: stop.Cause})
	}
	return nil
}

// stopRequest is the input of the stop signal.
type stopRequest struct {
	Error *string `json:"error,omitempty"`
	Cause *string `json:"cause,omitempty"`
}

// feedEnd feeds a service task's end, or holds it while the task's request is still unanswered (its
// integration task open): a fast callback or child can end before the worker's completion is recorded.
func (r *round) feedEnd(end heldEnd) error {
	id, in := end.input()
	if r.workOpen(id) {
		if r.st.Held == nil {
			r.st.Held = map[string][]heldEnd{}
		}
		r.st.Held[id] = append(r.st.Held[id], end)
		return nil
	}
	return r.feed(in)
}

// feedHeld feeds the ends held for an interpreter task, now that its request was answered.
func (r *round) feedHeld(taskID string) error {
	held := r.st.Held[taskID]
	delete(r.st.Held, taskID)
	for _, end := range held {
		if _, in := end.input(); in != nil {
			if err := r.feed(in); err != nil {
				return err
			}
		}
	}
	return nil
}

// workOpen tells whether an integration task of an interpreter task is scheduled or open.
func (r *round) workOpen(taskID string) bool {
	for _, e := range r.st.Tasks {
		if e.ID == taskID && e.Kind == kindWork {
			return true
		}
	}
	for _, e := range r.st.Scheduling {
		if e.ID == taskID && e.Kind == kindWork {
			return true
		}
	}
	return false
}

// input returns the interpreter task an end is for and the end as the interpreter's input.
func (h heldEnd) input() (string, asl.Input) {
	switch {
	case h.Succeeded != nil:
		return h.Succeeded.TaskID, *h.Succeeded
	case h.Failed != nil:
		return h.Failed.TaskID, *h.Failed
	}
	return "", nil
}

// closeTask forgets an engine task that closed and returns what it served.
func (r *round) closeTask(scheduledID int64) taskEntry {
	e := r.st.Tasks[scheduledID]
	delete(r.st.Tasks, scheduledID)
	return e
}

// schedule decides an engine activity task that serves e.
func (r *round) schedule(activityID string, e taskEntry, a *openswf.ScheduleActivityTaskAttributes) {
	a.ActivityID = activityID
	r.st.Scheduling[activityID] = e
	r.out = append(r.out, openswf.Decision{Type: openswf.DecisionScheduleActivityTask, ScheduleActivityTask: a})
}

// scheduleWork decides the integration task of a service integration, an attempt of it.
func (r *round) scheduleWork(e taskEntry) {
	input, _ := json.Marshal(e.Work) // a plain struct
	r.schedule(fmt.Sprintf("%s#work%d", e.ID, e.Attempt), e, &openswf.ScheduleActivityTaskAttributes{
		ActivityType: openswf.ActivityType{Name: integrationType, Version: activityVersion},
		Input:        string(input), TaskList: &openswf.TaskList{Name: integrationType},
		ScheduleToStartTimeout: "NONE", ScheduleToCloseTimeout: "NONE", StartToCloseTimeout: workTimeout,
		HeartbeatTimeout: "NONE",
	})
}

// openTasks are the activity ids of the engine tasks open for an interpreter task.
func (r *round) openTasks(taskID string) []string {
	var ids []string
	for sched, e := range r.st.Tasks {
		if e.ID == taskID {
			ids = append(ids, r.activityID(sched, e))
		}
	}
	for id, e := range r.st.Scheduling {
		if e.ID == taskID {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// activityID is the activity id of an open engine task.
func (r *round) activityID(_ int64, e taskEntry) string {
	if e.Kind == kindWork {
		return fmt.Sprintf("%s#work%d", e.ID, e.Attempt)
	}
	return e.ID
}

// feed hands the interpreter one input. An input about a task or timer it no longer waits for (an
// activity that closed after its branch was aborted) changes nothing.
func (r *round) feed(in asl.Input) error {
	if r.st.X == nil {
		return errors.New("the execution has not started")
	}
	step, err := r.m.m.Apply(r.st.X, r.env(), in, r.now)
	if errors.Is(err, asl.ErrUnknownTask) || errors.Is(err, asl.ErrClosed) {
		return nil
	}
	if err != nil {
		return err
	}
	return r.step(step)
}

// step turns the interpreter's step into decisions: its events first, then its actions.
func (r *round) step(step asl.Step) error {
	for _, ev := range step.Events {
		raw, err := json.Marshal(ev)
		if err != nil {
			return err
		}
		r.out = append(r.out, openswf.Decision{Type: openswf.DecisionRecordDialectEvent,
			RecordDialectEvent: &openswf.DialectEventAttributes{Dialect: dialect, Event: raw}})
	}
	var unsupported []asl.Input
	for _, a := range step.Actions {
		switch a := a.(type) {
		case asl.ScheduleActivity:
			p, err := r.d.s.parseARN(a.ActivityArn, arnActivity)
			if err != nil {
				return err
			}
			name := p.names[0]
			r.schedule(a.TaskID, taskEntry{ID: a.TaskID}, &openswf.ScheduleActivityTaskAttributes{
				ActivityType: openswf.ActivityType{Name: name, Version: activityVersion},
				Input:        a.Input, TaskList: &openswf.TaskList{Name: name},
				ScheduleToStartTimeout: "NONE", StartToCloseTimeout: "NONE",
				// TimeoutSeconds bounds the task from its scheduling, as the safer reading of AWS's
				// documents (docs/COMPATIBILITY.md); HeartbeatSeconds runs from its start.
				ScheduleToCloseTimeout: seconds(a.TimeoutSeconds), HeartbeatTimeout: seconds(a.HeartbeatSeconds),
			})
		case asl.StartTask:
			work := &workOrder{Resource: a.Resource, Pattern: a.Pattern, Parameters: json.RawMessage(a.Parameters),
				ExecutionArn: r.st.X.Context.ExecutionArn, TaskID: a.TaskID, WorkflowID: r.workflowID, RunID: r.runID}
			r.scheduleWork(taskEntry{ID: a.TaskID, Kind: kindWork, Work: work})
			if a.Pattern != "" {
				// The wait for the callback or the child's end, open from now, with the Task's timeouts:
				// $$.Task.Token names it.
				r.schedule(a.TaskID, taskEntry{ID: a.TaskID, Kind: kindCallback}, &openswf.ScheduleActivityTaskAttributes{
					ActivityType:           openswf.ActivityType{Name: callbackType, Version: activityVersion},
					TaskList:               &openswf.TaskList{Name: callbackType},
					ScheduleToStartTimeout: "NONE", StartToCloseTimeout: "NONE",
					ScheduleToCloseTimeout: seconds(a.TimeoutSeconds), HeartbeatTimeout: seconds(a.HeartbeatSeconds),
					StartedBy: "callback",
				})
			}
		case asl.CancelTask:
			for _, id := range r.openTasks(a.TaskID) {
				r.out = append(r.out, openswf.Decision{Type: openswf.DecisionRequestCancelActivityTask,
					RequestCancelActivityTask: &openswf.RequestCancelActivityTaskAttributes{ActivityID: id}})
			}
		case asl.StartTimer:
			wait := max(0, int64(math.Ceil(a.At.Sub(r.now).Seconds())))
			r.out = append(r.out, openswf.Decision{Type: openswf.DecisionStartTimer,
				StartTimer: &openswf.StartTimerAttributes{TimerID: a.TimerID, StartToFireTimeout: strconv.FormatInt(wait, 10)}})
		case asl.CancelTimer:
			r.out = append(r.out, openswf.Decision{Type: openswf.DecisionCancelTimer,
				CancelTimer: &openswf.CancelTimerAttributes{TimerID: a.TimerID}})
		case asl.Close:
			if p := r.st.Parent; p != nil {
				r.out = append(r.out, r.tellParent(p, a))
			}
			r.out = append(r.out, openswf.Decision{Type: openswf.DecisionCloseExecution,
				CloseExecution: &openswf.CloseExecutionAttributes{Status: closeStatus(a.Status), Result: a.Output,
					Reason: deref(a.Error), Details: deref(a.Cause)}})
		default:
			return fmt.Errorf("unknown action %T", a)
		}
	}
	for _, in := range unsupported {
		if err := r.feed(in); err != nil {
			return err
		}
	}
	return nil
}

// closeStatus is the engine's close status of a Step Functions execution status.
func closeStatus(status string) string {
	switch status {
	case "SUCCEEDED":
		return openswf.CloseCompleted
	case "ABORTED":
		return openswf.CloseTerminated
	case "TIMED_OUT":
		return openswf.CloseTimedOut
	}
	return openswf.CloseFailed
}

// executionStatus is the Step Functions status of a run.
func executionStatus(x *openswf.Execution) string {
	if x.Open {
		return "RUNNING"
	}
	switch x.CloseStatus {
	case openswf.CloseCompleted:
		return "SUCCEEDED"
	case openswf.CloseTerminated, openswf.CloseCanceled:
		return "ABORTED"
	case openswf.CloseTimedOut:
		return "TIMED_OUT"
	}
	return "FAILED"
}

// seconds is an SWF timeout of n seconds, NONE for 0.
func seconds(n int64) string {
	if n <= 0 {
		return "NONE"
	}
	return strconv.FormatInt(n, 10)
}

func ptr[T any](v T) *T { return &v }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// optional is s, or nil when empty: the engine keeps an absent error or cause as "".
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// tellParent is the decision that tells a waiting parent how this execution ended, with the execution as
// the job-run pattern answers it: DescribeExecution's members in PascalCase, dates in epoch milliseconds,
// Input and Output as JSON text (.sync) or as JSON (.sync:2).
func (r *round) tellParent(p *parentLink, c asl.Close) openswf.Decision {
	ctx := r.st.X.Context
	res := map[string]any{
		"ExecutionArn": ctx.ExecutionArn, "StateMachineArn": ctx.StateMachineArn, "Name": ctx.Name,
		"Status": c.Status, "StartDate": ctx.StartTime.UnixMilli(), "StopDate": r.now.UnixMilli(),
		"InputDetails": map[string]bool{"Included": true},
	}
	data := func(key, text string) {
		if p.Pattern == "sync:2" {
			res[key] = json.RawMessage(text)
		} else {
			res[key] = text
		}
	}
	data("Input", ctx.Input)
	if c.Status == "SUCCEEDED" {
		data("Output", c.Output)
		res["OutputDetails"] = map[string]bool{"Included": true}
	}
	if c.Error != nil {
		res["Error"] = *c.Error
	}
	if c.Cause != nil {
		res["Cause"] = *c.Cause
	}
	result, _ := json.Marshal(res) // plain data
	end, _ := json.Marshal(childEnd{TaskID: p.TaskID, Status: c.Status, Result: string(result)})
	return openswf.Decision{Type: openswf.DecisionSignalExternalWorkflowExecution,
		SignalExternalWorkflowExecution: &openswf.SignalExternalAttributes{
			WorkflowID: p.WorkflowID, RunID: p.RunID, SignalName: childEndSignal, Input: string(end)}}
}
