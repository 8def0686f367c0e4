package sfn

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/awsjson"
	"github.com/openswf/openswf/engine"
)

type listExecutionsInput struct {
	StateMachineArn string `json:"stateMachineArn"`
	StatusFilter    string `json:"statusFilter"`
	MaxResults      int    `json:"maxResults"`
	NextToken       string `json:"nextToken"`
	MapRunArn       string `json:"mapRunArn"`
	RedriveFilter   string `json:"redriveFilter"`
}

type executionListItem struct {
	ExecutionArn    string         `json:"executionArn"`
	StateMachineArn string         `json:"stateMachineArn"`
	Name            string         `json:"name"`
	Status          string         `json:"status"`
	StartDate       awsjson.Epoch  `json:"startDate"`
	StopDate        *awsjson.Epoch `json:"stopDate,omitempty"`
	RedriveCount    int            `json:"redriveCount"`
}

type listExecutionsOutput struct {
	Executions []executionListItem `json:"executions"`
	NextToken  string              `json:"nextToken,omitempty"`
}

// Page tokens of ListExecutions name the phase, running executions first and then closed ones, and the
// engine's sealed token within it.
const (
	phaseOpen   = "o."
	phaseClosed = "c."
)

// listExecutions lists a state machine's executions, newest first: the running ones, then those that
// ended (AWS interleaves both by start date; see docs/COMPATIBILITY.md).
func (s *Service) listExecutions(ctx context.Context, in *listExecutionsInput) (any, error) {
	if in.MapRunArn != "" {
		return nil, awsjson.ValidationError("Map runs are not supported yet")
	}
	if in.StateMachineArn == "" {
		return nil, awsjson.ValidationError("Either stateMachineArn or mapRunArn must be specified")
	}
	m, err := s.machineByARN(ctx, in.StateMachineArn)
	if err != nil {
		return nil, err
	}
	size := in.MaxResults
	if size == 0 {
		size = defaultPage
	}
	phase, token := phaseOpen, ""
	if in.NextToken != "" {
		var ok bool
		if token, ok = strings.CutPrefix(in.NextToken, phaseOpen); !ok {
			if token, ok = strings.CutPrefix(in.NextToken, phaseClosed); !ok {
				return nil, fault("InvalidToken", fmt.Sprintf("Invalid Token: '%s'", in.NextToken))
			}
			phase = phaseClosed
		}
	}
	switch in.StatusFilter {
	case "RUNNING":
		if phase == phaseClosed {
			return nil, fault("InvalidToken", fmt.Sprintf("Invalid Token: '%s'", in.NextToken))
		}
	case "":
	case "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED":
		phase = phaseClosed
	case "PENDING_REDRIVE":
		return &listExecutionsOutput{Executions: []executionListItem{}}, nil
	}
	out := &listExecutionsOutput{Executions: []executionListItem{}}
	for {
		// The engine's listings take one filter, the state machine's type; a close status is filtered here
		// (SWF refuses typeFilter with closeStatusFilter, and it is SWF's rule the engine enforces).
		vis := engine.VisibilityInput{
			Domain: Domain, StartTimeFilter: &engine.TimeFilter{Oldest: time.Unix(0, 0)},
			TypeFilter: &openswf.WorkflowType{Name: m.name}, NextPageToken: token, PageSize: size - len(out.Executions),
		}
		xs, next, err := s.eng.ListExecutions(ctx, phase == phaseOpen, vis)
		if openswf.KindOf(err) == openswf.KindValidation && token != "" {
			return nil, fault("InvalidToken", fmt.Sprintf("Invalid Token: '%s'", in.NextToken))
		}
		if err != nil {
			return nil, err
		}
		for _, x := range xs {
			status := executionStatus(x)
			if in.StatusFilter != "" && status != in.StatusFilter {
				continue
			}
			sm, name := splitWorkflowID(x.WorkflowID)
			item := executionListItem{ExecutionArn: s.arn(arnExecution, sm, name), StateMachineArn: s.arn(arnStateMachine, sm),
				Name: name, Status: status, StartDate: awsjson.Epoch(x.StartedAt)}
			if !x.Open {
				stop := awsjson.Epoch(x.ClosedAt)
				item.StopDate = &stop
			}
			out.Executions = append(out.Executions, item)
		}
		switch {
		case next != "" && len(out.Executions) < size:
			token = next // the status filter left room on the page: read on
		case next != "":
			out.NextToken = phase + next
			return out, nil
		case phase == phaseOpen && in.StatusFilter == "":
			phase, token = phaseClosed, ""
			if len(out.Executions) == size {
				// The page filled exactly as the running executions ended: the closed ones follow.
				out.NextToken = phase
				return out, nil
			}
		default:
			return out, nil
		}
	}
}

type describeForExecutionOutput struct {
	StateMachineArn string                `json:"stateMachineArn"`
	Name            string                `json:"name"`
	Definition      string                `json:"definition"`
	RoleArn         string                `json:"roleArn"`
	UpdateDate      awsjson.Epoch         `json:"updateDate"`
	Logging         *loggingConfiguration `json:"loggingConfiguration"`
	Tracing         *tracingConfiguration `json:"tracingConfiguration"`
	RevisionID      string                `json:"revisionId,omitempty"`
}

// describeStateMachineForExecution answers the revision the execution runs, whatever came after it.
func (s *Service) describeStateMachineForExecution(ctx context.Context, in *executionArnInput) (any, error) {
	_, x, err := s.execution(ctx, in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	t, err := s.eng.DescribeType(ctx, openswf.KindWorkflowType, Domain, x.Type.Name, x.Type.Version)
	if err != nil {
		return nil, err
	}
	m, err := readMachine(t)
	if err != nil {
		return nil, err
	}
	return &describeForExecutionOutput{
		StateMachineArn: s.arn(arnStateMachine, m.name), Name: m.name, Definition: m.attrs.Definition,
		RoleArn: m.attrs.RoleArn, UpdateDate: awsjson.Epoch(m.attrs.UpdatedAt), Logging: logging(m.attrs.Logging),
		Tracing: tracing(m.attrs.Tracing), RevisionID: m.attrs.RevisionID,
	}, nil
}
