package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/openswf/openswf"
)

// Introspection: the open activity tasks of a domain, a task list or a run, with their heartbeat state, for
// openswf's own operations (package openswfapi). Reads only: the store's committed state, never a run's lane.

// OpenActivitiesInput asks for a page of open activity tasks of a domain, narrowed by TaskList, Execution
// and State.
type OpenActivitiesInput struct {
	Domain   string
	TaskList string
	// Execution, when WorkflowID is set, selects one run of Domain: RunID's, or the open run of WorkflowID
	// when RunID is "".
	Execution     openswf.WorkflowExecution
	State         openswf.ActivityState
	PageSize      int
	NextPageToken string
}

// OpenActivities returns a page of open activity tasks and the token of the next page ("" on the last).
// For a run's tasks it also returns the run.
func (e *Engine) OpenActivities(ctx context.Context, in OpenActivitiesInput) ([]*openswf.ActivityTask, *openswf.Execution, string, error) {
	q := openswf.ActivityQuery{Domain: in.Domain, TaskList: in.TaskList, State: in.State}
	var x *openswf.Execution
	if in.Execution.WorkflowID != "" {
		var err error
		if x, err = e.execution(ctx, in.Domain, in.Execution.WorkflowID, in.Execution.RunID); err != nil {
			return nil, nil, "", err
		}
		q.RunID = x.RunID
	} else if _, err := e.domain(ctx, in.Domain); err != nil {
		return nil, nil, "", err
	}
	// The token is bound to the query it pages, the run resolved included.
	query := fmt.Sprintf("%s\x00%s\x00%s\x00%s", q.Domain, q.TaskList, q.RunID, q.State)
	if in.NextPageToken != "" {
		p, err := e.tokens.open(purposeOpenActs, in.NextPageToken)
		var pos activityPosition
		if err != nil || json.Unmarshal(p, &pos) != nil || pos.Query != query {
			return nil, nil, "", validation("Invalid nextPageToken")
		}
		q.After = &openswf.ActivityCursor{TaskList: pos.TaskList, RunID: pos.RunID, ScheduledID: pos.ScheduledID}
	}
	limit := pageSize(in.PageSize)
	q.Limit = limit + 1
	as, err := e.store.ListOpenActivities(ctx, q)
	if err != nil {
		return nil, nil, "", fmt.Errorf("list open activities: %w", err)
	}
	next := ""
	if len(as) > limit {
		as = as[:limit]
		last := as[limit-1]
		p, err := json.Marshal(activityPosition{Query: query, TaskList: last.TaskList, RunID: last.RunID, ScheduledID: last.ScheduledID})
		if err != nil {
			return nil, nil, "", err
		}
		next = e.tokens.seal(purposeOpenActs, p)
	}
	return as, x, next, nil
}

// activityPosition is what an OpenActivities page token holds.
type activityPosition struct {
	Query       string `json:"q"`
	TaskList    string `json:"l,omitempty"`
	RunID       string `json:"r,omitempty"`
	ScheduledID int64  `json:"s"`
}

// OpenActivity returns one open activity task of a run of domain, and the run; UnknownResourceFault when
// the run does not exist or has no open task of that scheduled event id.
func (e *Engine) OpenActivity(ctx context.Context, domain string, ref openswf.WorkflowExecution, scheduledID int64) (*openswf.ActivityTask, *openswf.Execution, error) {
	x, err := e.execution(ctx, domain, ref.WorkflowID, ref.RunID)
	if err != nil {
		return nil, nil, err
	}
	a, err := e.store.GetActivity(ctx, x.RunID, scheduledID)
	if errors.Is(err, openswf.ErrNotFound) {
		return nil, nil, unknown("Unknown activity task: scheduledEventId=%d of WorkflowExecution=[workflowId=%s, runId=%s] is not open",
			scheduledID, x.WorkflowID, x.RunID)
	}
	if err != nil {
		return nil, nil, err
	}
	return a, x, nil
}
