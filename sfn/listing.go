package sfn

import (
	"context"
	"fmt"
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

// listExecutions lists a state machine's executions, newest first, those of one status when asked.
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
	out := &listExecutionsOutput{Executions: []executionListItem{}}
	vis := engine.VisibilityInput{
		Domain: Domain, StartTimeFilter: &engine.TimeFilter{Oldest: time.Unix(0, 0)},
		TypeFilter: &openswf.WorkflowType{Name: m.name}, NextPageToken: in.NextToken, PageSize: size,
	}
	invalid := fault("InvalidToken", fmt.Sprintf("Invalid Token: '%s'", in.NextToken))
	switch in.StatusFilter {
	case "":
		// Running and ended executions together, newest first, as AWS lists them.
		xs, next, err := s.eng.ListAllExecutions(ctx, vis)
		if openswf.KindOf(err) == openswf.KindValidation && in.NextToken != "" {
			return nil, invalid
		}
		if err != nil {
			return nil, err
		}
		for _, x := range xs {
			out.Executions = append(out.Executions, s.executionItem(x))
		}
		out.NextToken = next
		return out, nil
	case "PENDING_REDRIVE":
		return out, nil // nothing is redriven here
	}
	// One status: the running executions, or the ended ones matched here by status, page by page (the
	// engine's lists take a type filter or a close status filter, not both, as SWF's do).
	for {
		xs, next, err := s.eng.ListExecutions(ctx, in.StatusFilter == "RUNNING", vis)
		if openswf.KindOf(err) == openswf.KindValidation && in.NextToken != "" {
			return nil, invalid
		}
		if err != nil {
			return nil, err
		}
		for _, x := range xs {
			if executionStatus(x) == in.StatusFilter {
				out.Executions = append(out.Executions, s.executionItem(x))
			}
		}
		if next == "" || len(out.Executions) >= size {
			out.NextToken = next
			return out, nil
		}
		// The status left the page short: read on.
		vis.NextPageToken, vis.PageSize = next, size-len(out.Executions)
	}
}

// executionItem is a run as ListExecutions shows it.
func (s *Service) executionItem(x *openswf.Execution) executionListItem {
	sm, name := splitWorkflowID(x.WorkflowID)
	item := executionListItem{ExecutionArn: s.arn(arnExecution, sm, name), StateMachineArn: s.arn(arnStateMachine, sm),
		Name: name, Status: executionStatus(x), StartDate: awsjson.Epoch(x.StartedAt)}
	if !x.Open {
		stop := awsjson.Epoch(x.ClosedAt)
		item.StopDate = &stop
	}
	return item
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
