package sfn

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/awsjson"
	"github.com/openswf/openswf/engine"
)

// An execution is a run of the internal domain. Its workflow id joins the state machine's name and the
// execution's with '#', which no Step Functions name may hold; its run id derives from them, so that a
// name stays taken as long as its run is kept (90 days after it closed), as on AWS.

// workflowID is the engine's workflow id of an execution.
func workflowID(machine, name string) string { return machine + "#" + name }

// splitWorkflowID takes a workflow id apart into the state machine's name and the execution's.
func splitWorkflowID(id string) (machine, name string) {
	machine, name, _ = strings.Cut(id, "#")
	return machine, name
}

// runID is the run id of an execution: the same for the same state machine and execution names.
func runID(machine, name string) string {
	sum := sha256.Sum256([]byte(workflowID(machine, name)))
	return "sfn-" + hex.EncodeToString(sum[:20])
}

// executionStartToClose bounds a run in the engine: Step Functions' longest execution, a year. The
// state machine's own TimeoutSeconds is the interpreter's timer.
const executionStartToClose = "31536000"

// executionRef is an execution ARN taken apart.
type executionRef struct {
	arn, machine, name string
}

func (e executionRef) ref() openswf.WorkflowExecution {
	return openswf.WorkflowExecution{WorkflowID: workflowID(e.machine, e.name), RunID: runID(e.machine, e.name)}
}

// execution reads the run an execution ARN names, answering InvalidArn or ExecutionDoesNotExist.
func (s *Service) execution(ctx context.Context, arn string) (executionRef, *openswf.Execution, error) {
	p, err := s.parseARN(arn, arnExecution)
	if err != nil {
		return executionRef{}, nil, err
	}
	e := executionRef{arn: arn, machine: p.names[0], name: p.names[1]}
	if !p.local || !validName(e.machine) || !validName(e.name) {
		return e, nil, executionDoesNotExist(arn)
	}
	x, err := s.eng.DescribeExecution(ctx, Domain, e.ref())
	if openswf.KindOf(err) == openswf.KindUnknownResource {
		return e, nil, executionDoesNotExist(arn)
	}
	return e, x, err
}

func executionDoesNotExist(arn string) error {
	return fault("ExecutionDoesNotExist", fmt.Sprintf("Execution Does Not Exist: '%s'", arn))
}

type startExecutionInput struct {
	StateMachineArn string  `json:"stateMachineArn"`
	Name            string  `json:"name"`
	Input           *string `json:"input"`
	TraceHeader     string  `json:"traceHeader"`

	// parent is the execution that waits for this one to end (states:startExecution.sync); no wire sets it.
	parent *parentLink
}

type startExecutionOutput struct {
	ExecutionArn string        `json:"executionArn"`
	StartDate    awsjson.Epoch `json:"startDate"`
}

// startExecution starts an execution of the state machine's current revision. A second start of the same
// name with the same input while the first runs answers the first, as AWS does for STANDARD machines.
func (s *Service) startExecution(ctx context.Context, in *startExecutionInput) (any, error) {
	m, err := s.machineByARN(ctx, in.StateMachineArn)
	var f *awsjson.Fault
	if errors.As(err, &f) && f.Code() == "StateMachineDoesNotExist" {
		if p, perr := s.parseARN(in.StateMachineArn, arnStateMachine); perr == nil && p.local && validName(p.names[0]) {
			if _, derr := s.deleting(ctx, p.names[0]); derr == nil {
				return nil, machineDeleting(in.StateMachineArn)
			}
		}
	}
	if err != nil {
		return nil, err
	}
	name := in.Name
	if name == "" {
		name = newUUID()
	}
	if err := checkName(name); err != nil {
		return nil, err
	}
	input := "{}"
	if in.Input != nil {
		input = *in.Input
	}
	if err := checkInput(input); err != nil {
		return nil, err
	}
	e := executionRef{arn: s.arn(arnExecution, m.name, name), machine: m.name, name: name}
	ref := e.ref()
	var state json.RawMessage
	if in.parent != nil {
		if state, err = json.Marshal(runState{Parent: in.parent}); err != nil {
			return nil, err
		}
	}
	_, err = s.eng.StartWorkflow(ctx, engine.StartWorkflowInput{
		DeciderState: state,
		Domain:       Domain, WorkflowID: ref.WorkflowID, RunID: ref.RunID,
		WorkflowType: openswf.WorkflowType{Name: m.name, Version: m.version},
		TaskList:     &openswf.TaskList{Name: DeciderName}, Input: input,
		ExecStartToClose: executionStartToClose, TaskStartToClose: "NONE", ChildPolicy: "TERMINATE",
		Decider: DeciderName,
	})
	if openswf.KindOf(err) == openswf.KindExecutionAlreadyStarted {
		x, xerr := s.eng.DescribeExecution(ctx, Domain, ref)
		if xerr == nil && x.Open {
			if started, ierr := s.executionInput(ctx, ref); ierr == nil && started == input {
				return &startExecutionOutput{ExecutionArn: e.arn, StartDate: awsjson.Epoch(x.StartedAt)}, nil
			}
		}
		return nil, fault("ExecutionAlreadyExists", fmt.Sprintf("Execution Already Exists: '%s'", e.arn))
	}
	if err != nil {
		return nil, err
	}
	x, err := s.eng.DescribeExecution(ctx, Domain, ref)
	if err != nil {
		return nil, err
	}
	return &startExecutionOutput{ExecutionArn: e.arn, StartDate: awsjson.Epoch(x.StartedAt)}, nil
}

// checkInput answers InvalidExecutionInput for an input that is not JSON.
func checkInput(input string) error {
	var v any
	if err := json.Unmarshal([]byte(input), &v); err != nil {
		return fault("InvalidExecutionInput", fmt.Sprintf("Invalid State Machine Execution Input: '%s'", err))
	}
	return nil
}

// newUUID is a random version 4 UUID, the name StartExecution gives an execution named by no one.
func newUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("read random: %v", err)) // crypto/rand does not fail on supported platforms
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// executionInput is the input the execution started with.
func (s *Service) executionInput(ctx context.Context, ref openswf.WorkflowExecution) (string, error) {
	evs, _, err := s.eng.History(ctx, engine.HistoryInput{Domain: Domain, Execution: ref, PageSize: 1})
	if err != nil {
		return "", err
	}
	if len(evs) == 0 || evs[0].Type != openswf.EventWorkflowExecutionStarted {
		return "", errors.New("the run has no start event")
	}
	var a openswf.WorkflowExecutionStartedAttributes
	if err := json.Unmarshal(evs[0].Attributes, &a); err != nil {
		return "", err
	}
	return a.Input, nil
}

// lastEvent is the execution's latest Step Functions event, decoded far enough to read how it ended.
type lastEvent struct {
	Type      string       `json:"type"`
	Succeeded *closeDetail `json:"executionSucceededEventDetails"`
	Failed    *closeDetail `json:"executionFailedEventDetails"`
	Aborted   *closeDetail `json:"executionAbortedEventDetails"`
	TimedOut  *closeDetail `json:"executionTimedOutEventDetails"`
}

type closeDetail struct {
	Output *string `json:"output"`
	Error  *string `json:"error"`
	Cause  *string `json:"cause"`
}

func (l lastEvent) detail() closeDetail {
	for _, d := range []*closeDetail{l.Succeeded, l.Failed, l.Aborted, l.TimedOut} {
		if d != nil {
			return *d
		}
	}
	return closeDetail{}
}

type executionArnInput struct {
	ExecutionArn string `json:"executionArn"`
	IncludedData string `json:"includedData"`
}

type included struct {
	Included bool `json:"included"`
}

type describeExecutionOutput struct {
	ExecutionArn        string         `json:"executionArn"`
	StateMachineArn     string         `json:"stateMachineArn"`
	Name                string         `json:"name"`
	Status              string         `json:"status"`
	StartDate           awsjson.Epoch  `json:"startDate"`
	StopDate            *awsjson.Epoch `json:"stopDate,omitempty"`
	Input               *string        `json:"input,omitempty"`
	InputDetails        *included      `json:"inputDetails,omitempty"`
	Output              *string        `json:"output,omitempty"`
	OutputDetails       *included      `json:"outputDetails,omitempty"`
	Error               *string        `json:"error,omitempty"`
	Cause               *string        `json:"cause,omitempty"`
	RedriveCount        int            `json:"redriveCount"`
	RedriveStatus       string         `json:"redriveStatus"`
	RedriveStatusReason string         `json:"redriveStatusReason"`
}

func (s *Service) describeExecution(ctx context.Context, in *executionArnInput) (any, error) {
	e, x, err := s.execution(ctx, in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	status := executionStatus(x)
	out := &describeExecutionOutput{
		ExecutionArn: s.arn(arnExecution, e.machine, e.name), StateMachineArn: s.arn(arnStateMachine, e.machine),
		Name: e.name, Status: status, StartDate: awsjson.Epoch(x.StartedAt),
		RedriveStatus: "NOT_REDRIVABLE", RedriveStatusReason: fmt.Sprintf("Execution is %s and cannot be redriven", status),
	}
	withData := in.IncludedData != "METADATA_ONLY"
	if withData {
		input, err := s.executionInput(ctx, e.ref())
		if err != nil {
			return nil, err
		}
		out.Input, out.InputDetails = &input, &included{Included: true}
	}
	if x.Open {
		return out, nil
	}
	stop := awsjson.Epoch(x.ClosedAt)
	out.StopDate = &stop
	if status != "SUCCEEDED" {
		out.RedriveStatusReason = "Redrive is not supported by this server"
	}
	evs, _, err := s.eng.DialectHistory(ctx, engine.DialectHistoryInput{Domain: Domain, WorkflowID: e.ref().WorkflowID,
		RunID: e.ref().RunID, Dialect: dialect, PageSize: 1, Reverse: true})
	if err != nil {
		return nil, err
	}
	if len(evs) == 1 {
		var last lastEvent
		if err := json.Unmarshal(evs[0], &last); err != nil {
			return nil, fmt.Errorf("read the last event of %s: %w", e.arn, err)
		}
		d := last.detail()
		out.Error, out.Cause = d.Error, d.Cause
		if withData && d.Output != nil {
			out.Output, out.OutputDetails = d.Output, &included{Included: true}
		}
	}
	return out, nil
}

type stopExecutionInput struct {
	ExecutionArn string  `json:"executionArn"`
	Error        *string `json:"error"`
	Cause        *string `json:"cause"`
}

type stopExecutionOutput struct {
	StopDate awsjson.Epoch `json:"stopDate"`
}

// stopExecution aborts a running execution: the interpreter records ExecutionAborted and the engine closes
// the run, its open tasks and timers in the same transition. Stopping one that has ended answers its end.
func (s *Service) stopExecution(ctx context.Context, in *stopExecutionInput) (any, error) {
	e, x, err := s.execution(ctx, in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	if x.Open {
		body, err := json.Marshal(stopRequest{Error: in.Error, Cause: in.Cause})
		if err != nil {
			return nil, err
		}
		ref := e.ref()
		err = s.eng.Signal(ctx, engine.SignalInput{Domain: Domain, WorkflowID: ref.WorkflowID, RunID: ref.RunID,
			SignalName: stopSignal, Input: string(body)})
		if err != nil && openswf.KindOf(err) != openswf.KindUnknownResource {
			return nil, err
		}
		if x, err = s.eng.DescribeExecution(ctx, Domain, ref); err != nil {
			return nil, err
		}
	}
	at := x.ClosedAt
	if at.IsZero() {
		at = time.Now() // the stop is recorded; the run has not closed on it (its interpreter failed)
	}
	return &stopExecutionOutput{StopDate: awsjson.Epoch(at)}, nil
}

type historyInput struct {
	ExecutionArn         string `json:"executionArn"`
	MaxResults           int    `json:"maxResults"`
	ReverseOrder         bool   `json:"reverseOrder"`
	NextToken            string `json:"nextToken"`
	IncludeExecutionData *bool  `json:"includeExecutionData"`
}

type historyOutput struct {
	Events    []json.RawMessage `json:"events"`
	NextToken string            `json:"nextToken,omitempty"`
}

func (s *Service) getExecutionHistory(ctx context.Context, in *historyInput) (any, error) {
	e, _, err := s.execution(ctx, in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	size := in.MaxResults
	if size == 0 {
		size = defaultPage
	}
	ref := e.ref()
	evs, next, err := s.eng.DialectHistory(ctx, engine.DialectHistoryInput{Domain: Domain, WorkflowID: ref.WorkflowID,
		RunID: ref.RunID, Dialect: dialect, NextPageToken: in.NextToken, PageSize: size, Reverse: in.ReverseOrder})
	if openswf.KindOf(err) == openswf.KindValidation && in.NextToken != "" {
		return nil, fault("InvalidToken", fmt.Sprintf("Invalid Token: '%s'", in.NextToken))
	}
	if err != nil {
		return nil, err
	}
	if in.IncludeExecutionData != nil && !*in.IncludeExecutionData {
		for i, ev := range evs {
			if evs[i], err = withoutData(ev); err != nil {
				return nil, err
			}
		}
	}
	if evs == nil {
		evs = []json.RawMessage{}
	}
	return &historyOutput{Events: evs, NextToken: next}, nil
}

// withoutData drops the input and output of an event's details, as includeExecutionData false asks.
func withoutData(ev json.RawMessage) (json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(ev, &m); err != nil {
		return nil, err
	}
	for k, v := range m {
		if !strings.HasSuffix(k, "EventDetails") {
			continue
		}
		var d map[string]json.RawMessage
		if json.Unmarshal(v, &d) != nil {
			continue
		}
		delete(d, "input")
		delete(d, "output")
		b, err := json.Marshal(d)
		if err != nil {
			return nil, err
		}
		m[k] = b
	}
	return json.Marshal(m)
}
