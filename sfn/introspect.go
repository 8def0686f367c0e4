package sfn

import (
	"context"
	"encoding/json"

	"github.com/openswf/openswf"
)

// What openswf's own operations (package openswfapi) need to show Step Functions' open activity tasks:
// the executions and activities ARNs name, and, for an open task, the Task state it serves and its attempt.

// ActivityTaskList resolves an activity ARN to the engine task list of its tasks in Domain, answering
// InvalidArn or ActivityDoesNotExist.
func (s *Service) ActivityTaskList(ctx context.Context, arn string) (string, error) {
	t, err := s.activityByARN(ctx, arn)
	if err != nil {
		return "", toFault(err)
	}
	return t.Name, nil
}

// ExecutionRun resolves an execution ARN to its run, answering InvalidArn or ExecutionDoesNotExist.
func (s *Service) ExecutionRun(ctx context.Context, arn string) (*openswf.Execution, error) {
	_, x, err := s.execution(ctx, arn)
	if err != nil {
		return nil, toFault(err)
	}
	return x, nil
}

// ExecutionARN is the ARN of the execution a run of Domain is.
func (s *Service) ExecutionARN(workflowID string) string {
	machine, name := splitWorkflowID(workflowID)
	return s.arn(arnExecution, machine, name)
}

// ActivityARN is the ARN of the activity whose tasks wait on a task list of Domain, or "" when the task
// list serves the interpreter itself (service integrations, callbacks) rather than an activity.
func (s *Service) ActivityARN(taskList string) string {
	if taskList == integrationType || taskList == callbackType {
		return ""
	}
	return s.arn(arnActivity, taskList)
}

// TaskView is what an open engine activity task of an execution serves.
type TaskView struct {
	// StateName is the Task state that scheduled it.
	StateName string
	// Attempt counts the state's attempts: 1, then 2 after its first retry, and so on.
	Attempt int
}

// ExecutionTasks tells, by activity id, what the open activity tasks of an execution's run serve. It reads
// the interpreter's state that the run carries; a task the state does not know is absent.
func (s *Service) ExecutionTasks(x *openswf.Execution) map[string]TaskView {
	var st runState
	if len(x.DeciderState) == 0 || json.Unmarshal(x.DeciderState, &st) != nil || st.X == nil {
		return nil
	}
	views := make(map[string]TaskView)
	for _, th := range st.X.Threads {
		if th.TaskID != "" {
			views[th.TaskID] = TaskView{StateName: th.State, Attempt: th.RetryCount + 1}
		}
	}
	return views
}
