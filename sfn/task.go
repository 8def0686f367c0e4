package sfn

import (
	"context"
	"encoding/json"

	"github.com/openswf/openswf"
)

type getActivityTaskInput struct {
	ActivityArn string `json:"activityArn"`
	WorkerName  string `json:"workerName"`
}

type getActivityTaskOutput struct {
	TaskToken string `json:"taskToken,omitempty"`
	Input     string `json:"input,omitempty"`
}

// getActivityTask waits up to the poll hold for a task of the activity and hands it to the worker: the
// engine records that it started (ActivityStarted, with the worker's name) and starts its heartbeat clock.
// No task within the hold answers no token, as AWS does.
func (s *Service) getActivityTask(ctx context.Context, in *getActivityTaskInput) (any, error) {
	t, err := s.activityByARN(ctx, in.ActivityArn)
	if err != nil {
		return nil, err
	}
	task, err := s.eng.PollActivity(ctx, Domain, t.Name, in.WorkerName)
	if err != nil || task == nil {
		return &getActivityTaskOutput{}, err
	}
	return &getActivityTaskOutput{TaskToken: task.TaskToken, Input: task.Input}, nil
}

// checkToken answers InvalidToken for a token this server did not seal for a Step Functions task: a
// forged or altered one, or an SWF task's.
func (s *Service) checkToken(ctx context.Context, token string) error {
	domain, err := s.eng.TokenDomain(ctx, token)
	if err != nil || domain != Domain {
		return errInvalidToken
	}
	return nil
}

// taskFault words the engine's answer about a task: a task that is closed, timed out or whose execution
// ended is TaskTimedOut, as AWS answers a late worker.
func taskFault(err error) error {
	if openswf.KindOf(err) == openswf.KindUnknownResource {
		return errTaskTimedOut
	}
	return err
}

type taskTokenInput struct {
	TaskToken string `json:"taskToken"`
}

// sendTaskHeartbeat restarts the task's heartbeat clock. It records no event.
func (s *Service) sendTaskHeartbeat(ctx context.Context, in *taskTokenInput) (any, error) {
	if err := s.checkToken(ctx, in.TaskToken); err != nil {
		return nil, err
	}
	if _, err := s.eng.Heartbeat(ctx, in.TaskToken, nil); err != nil {
		return nil, taskFault(err)
	}
	return empty{}, nil
}

type sendTaskSuccessInput struct {
	TaskToken string `json:"taskToken"`
	Output    string `json:"output"`
}

func (s *Service) sendTaskSuccess(ctx context.Context, in *sendTaskSuccessInput) (any, error) {
	if err := s.checkToken(ctx, in.TaskToken); err != nil {
		return nil, err
	}
	if !json.Valid([]byte(in.Output)) {
		return nil, fault("InvalidOutput", "Invalid Output: the output is not valid JSON")
	}
	if err := s.eng.CompleteActivity(ctx, in.TaskToken, in.Output); err != nil {
		return nil, taskFault(err)
	}
	return empty{}, nil
}

type sendTaskFailureInput struct {
	TaskToken string `json:"taskToken"`
	Error     string `json:"error"`
	Cause     string `json:"cause"`
}

func (s *Service) sendTaskFailure(ctx context.Context, in *sendTaskFailureInput) (any, error) {
	if err := s.checkToken(ctx, in.TaskToken); err != nil {
		return nil, err
	}
	if err := s.eng.FailActivity(ctx, in.TaskToken, in.Error, in.Cause); err != nil {
		return nil, taskFault(err)
	}
	return empty{}, nil
}
