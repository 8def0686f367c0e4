package engine

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/openswf/openswf"
)

// StartWorkflowInput starts a run. Like every request of the engine it is no wire shape: each API decodes
// its own and fills this in.
type StartWorkflowInput struct {
	Domain           string
	WorkflowID       string
	WorkflowType     openswf.WorkflowType
	TaskList         *openswf.TaskList
	TaskPriority     string
	Input            string
	ExecStartToClose string
	TagList          []string
	TaskStartToClose string
	ChildPolicy      string
	LambdaRole       string
	// Decider names an in-process decider (Options.Deciders) that decides the run inside the server,
	// instead of SWF decision tasks. No wire sets it.
	Decider string
	// DeciderState is the in-process decider's state the run starts with (what an API knows of the run
	// before its first decision, such as the execution that started it).
	DeciderState json.RawMessage
	// RunID, when set, is the new run's id instead of a random one: an API whose executions are named
	// for good (a Step Functions execution's name is its state machine's for 90 days) derives it from the
	// name, so that the store refuses a second run of that name as it refuses any run id taken.
	RunID string
}

func newRunID() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("read random: %v", err)) // crypto/rand does not fail on supported platforms
	}
	return base64.RawStdEncoding.EncodeToString(b)
}

// StartWorkflow starts a run and schedules its first decision task.
func (e *Engine) StartWorkflow(ctx context.Context, in StartWorkflowInput) (string, error) {
	if err := firstErr(
		checkName("workflowId", in.WorkflowID), checkTaskList("taskList.name", in.TaskList),
		checkPriority("taskPriority", in.TaskPriority),
		checkExecutionTimeout("executionStartToCloseTimeout", in.ExecStartToClose),
		checkTimeout("taskStartToCloseTimeout", in.TaskStartToClose),
	); err != nil {
		return "", err
	}
	if in.Decider != "" && e.opts.Deciders[in.Decider] == nil {
		return "", validation("Unknown in-process decider %q", in.Decider)
	}
	if _, err := e.registeredDomain(ctx, in.Domain); err != nil {
		return "", err
	}
	wt, err := e.typeRecord(ctx, in.Domain, openswf.KindWorkflowType, in.WorkflowType.Name, in.WorkflowType.Version)
	if errors.Is(err, openswf.ErrNotFound) {
		return "", unknown("Unknown type: workflow %s/%s", in.WorkflowType.Name, in.WorkflowType.Version)
	}
	if err != nil {
		return "", err
	}
	if wt.Status != openswf.StatusRegistered {
		return "", &openswf.Error{Kind: openswf.KindDeprecated, Resource: "type",
			Message: fmt.Sprintf("Workflow type is deprecated: %s/%s", wt.Name, wt.Version)}
	}
	spec := runSpec{
		Domain: in.Domain, WorkflowID: in.WorkflowID, Type: in.WorkflowType,
		TaskList:         pick(taskListName(in.TaskList), wt.DefaultTaskList),
		TaskPriority:     pick(in.TaskPriority, wt.DefaultPriority),
		ExecStartToClose: pick(in.ExecStartToClose, wt.DefaultExecutionStartToClose),
		TaskStartToClose: pick(in.TaskStartToClose, wt.DefaultStartToClose),
		ChildPolicy:      pick(in.ChildPolicy, wt.DefaultChildPolicy),
		LambdaRole:       pick(in.LambdaRole, wt.DefaultLambdaRole),
		TagList:          in.TagList, Input: in.Input, Decider: in.Decider,
	}
	for _, m := range []struct{ member, value string }{
		{"taskList", spec.TaskList}, {"executionStartToCloseTimeout", spec.ExecStartToClose},
		{"taskStartToCloseTimeout", spec.TaskStartToClose}, {"childPolicy", spec.ChildPolicy},
	} {
		if m.value == "" {
			return "", openswf.Errorf(openswf.KindDefaultUndefined,
				"No default value specified for %s in the workflow type or the request", m.member)
		}
	}
	x := newExecution(spec)
	if in.RunID != "" {
		x.RunID = in.RunID
	}
	x.DeciderState = in.DeciderState
	t := &txn{e: e, ctx: ctx, x: x, now: e.clock.Now(), tr: openswf.Transition{Create: true}}
	t.startRun(spec)
	if err := e.commit(ctx, t); err != nil {
		if errors.Is(err, openswf.ErrExists) {
			return "", openswf.Errorf(openswf.KindExecutionAlreadyStarted,
				"Workflow execution already started: %s", in.WorkflowID)
		}
		return "", fmt.Errorf("start execution: %w", err)
	}
	return x.RunID, nil
}

func pick(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

func taskListName(tl *openswf.TaskList) string {
	if tl == nil {
		return ""
	}
	return tl.Name
}

// execution finds a run: the given run id, or the open run of the workflow id when runID is "".
func (e *Engine) execution(ctx context.Context, domain, workflowID, runID string) (*openswf.Execution, error) {
	if _, err := e.domain(ctx, domain); err != nil {
		return nil, err
	}
	var x *openswf.Execution
	var err error
	if runID == "" {
		x, err = e.store.GetOpenExecution(ctx, domain, workflowID)
	} else {
		x, err = e.store.GetExecution(ctx, domain, workflowID, runID)
	}
	if errors.Is(err, openswf.ErrNotFound) {
		return nil, unknown("Unknown execution: WorkflowExecution=[workflowId=%s, runId=%s]", workflowID, runID)
	}
	return x, err
}

// openExecution is like execution but also requires the run to be open; fn then updates it.
func (e *Engine) updateOpen(ctx context.Context, domain, workflowID, runID string, fn func(t *txn) error) error {
	x, err := e.execution(ctx, domain, workflowID, runID)
	if err != nil {
		return err
	}
	_, err = e.update(ctx, x.RunID, func(t *txn) error {
		if !t.x.Open {
			return unknown("Unknown execution: WorkflowExecution=[workflowId=%s, runId=%s] is closed", workflowID, x.RunID)
		}
		return fn(t)
	})
	return err
}

// SignalInput signals an open run.
type SignalInput struct {
	Domain     string
	WorkflowID string
	RunID      string
	SignalName string
	Input      string
}

// Signal records a signal in an open run and schedules a decision task.
func (e *Engine) Signal(ctx context.Context, in SignalInput) error {
	return e.updateOpen(ctx, in.Domain, in.WorkflowID, in.RunID, func(t *txn) error {
		t.event(openswf.EventWorkflowExecutionSignaled, openswf.WorkflowExecutionSignaledAttributes{
			SignalName: in.SignalName, Input: in.Input,
		})
		t.scheduleDecision()
		return nil
	})
}

// RequestCancel records a cancellation request in an open run and schedules a decision task.
func (e *Engine) RequestCancel(ctx context.Context, domain, workflowID, runID string) error {
	return e.updateOpen(ctx, domain, workflowID, runID, func(t *txn) error {
		t.event(openswf.EventWorkflowExecutionCancelRequested, openswf.WorkflowExecutionCancelRequestedAttributes{})
		t.x.CancelRequested = true
		t.scheduleDecision()
		return nil
	})
}

// TerminateInput terminates an open run.
type TerminateInput struct {
	Domain      string
	WorkflowID  string
	RunID       string
	Reason      string
	Details     string
	ChildPolicy string
}

// Terminate closes an open run at once.
func (e *Engine) Terminate(ctx context.Context, in TerminateInput) error {
	return e.updateOpen(ctx, in.Domain, in.WorkflowID, in.RunID, func(t *txn) error {
		t.event(openswf.EventWorkflowExecutionTerminated, openswf.WorkflowExecutionTerminatedAttributes{
			Reason: in.Reason, Details: in.Details, ChildPolicy: pick(in.ChildPolicy, t.x.ChildPolicy),
			Cause: "OPERATOR_INITIATED",
		})
		t.closeExecution(openswf.CloseTerminated, closeDetail{Reason: in.Reason, Details: in.Details, ChildPolicy: in.ChildPolicy})
		return nil
	})
}

// DescribeExecution returns a run's record.
func (e *Engine) DescribeExecution(ctx context.Context, domain string, ref openswf.WorkflowExecution) (*openswf.Execution, error) {
	return e.execution(ctx, domain, ref.WorkflowID, ref.RunID)
}

// HistoryInput asks for a page of a run's history.
type HistoryInput struct {
	Domain        string
	Execution     openswf.WorkflowExecution
	NextPageToken string
	PageSize      int
	Reverse       bool
}

// History returns a page of a run's history and the token of the next page ("" on the last).
func (e *Engine) History(ctx context.Context, in HistoryInput) ([]openswf.HistoryEvent, string, error) {
	x, err := e.execution(ctx, in.Domain, in.Execution.WorkflowID, in.Execution.RunID)
	if err != nil {
		return nil, "", err
	}
	return e.historyPage(ctx, x.RunID, 0, in.NextPageToken, in.PageSize, in.Reverse)
}

// historyPage reads one page of history. upTo, when not 0, caps the event ids shown (a decision task shows
// the history up to its DecisionTaskStarted event).
func (e *Engine) historyPage(ctx context.Context, runID string, upTo int64, token string, size int, reverse bool) ([]openswf.HistoryEvent, string, error) {
	var after int64
	if token != "" {
		p, err := e.tokens.open(purposeHistory, token)
		if err != nil || len(p) < 9 || string(p[9:]) != runID || (p[8] == 1) != reverse {
			return nil, "", validation("Invalid nextPageToken")
		}
		after = int64(binary.BigEndian.Uint64(p[:8]))
	} else if reverse && upTo != 0 {
		after = upTo + 1
	}
	limit := pageSize(size)
	evs, err := e.store.History(ctx, runID, after, limit+1, reverse)
	if err != nil {
		return nil, "", fmt.Errorf("read history: %w", err)
	}
	if upTo != 0 && !reverse {
		for i, ev := range evs {
			if ev.ID > upTo {
				evs = evs[:i]
				break
			}
		}
	}
	next := ""
	if len(evs) > limit {
		evs = evs[:limit]
		next = e.historyToken(runID, evs[limit-1].ID, reverse)
	}
	return evs, next, nil
}

// historyToken seals the position of a history page: the last event id shown, the direction and the run.
func (e *Engine) historyToken(runID string, last int64, reverse bool) string {
	p := binary.BigEndian.AppendUint64(nil, uint64(last))
	if reverse {
		p = append(p, 1)
	} else {
		p = append(p, 0)
	}
	return e.tokens.seal(purposeHistory, append(p, runID...))
}
