package worker

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
)

// SFNClient is what a Step Functions worker calls; *sfn.Client has it.
type SFNClient interface {
	GetActivityTask(ctx context.Context, in *sfn.GetActivityTaskInput, optFns ...func(*sfn.Options)) (*sfn.GetActivityTaskOutput, error)
	SendTaskHeartbeat(ctx context.Context, in *sfn.SendTaskHeartbeatInput, optFns ...func(*sfn.Options)) (*sfn.SendTaskHeartbeatOutput, error)
	SendTaskSuccess(ctx context.Context, in *sfn.SendTaskSuccessInput, optFns ...func(*sfn.Options)) (*sfn.SendTaskSuccessOutput, error)
	SendTaskFailure(ctx context.Context, in *sfn.SendTaskFailureInput, optFns ...func(*sfn.Options)) (*sfn.SendTaskFailureOutput, error)
}

// NewSFN returns a worker for the tasks of one Step Functions activity. Step Functions does not tell a
// worker a task's HeartbeatSeconds: set WithHeartbeatInterval below the smallest HeartbeatSeconds of the
// states that use the activity, or DefaultHeartbeatInterval applies.
func NewSFN(c SFNClient, activityARN string, h Handler, opts ...Option) *Worker {
	b := &sfnBackend{c: c, arn: activityARN}
	w := newWorker(b, h, opts)
	if !w.cfg.sdkRetries {
		b.opts = []func(*sfn.Options){func(o *sfn.Options) { o.Retryer = aws.NopRetryer{} }}
	}
	return w
}

type sfnBackend struct {
	c    SFNClient
	arn  string
	opts []func(*sfn.Options)
}

func (b *sfnBackend) poll(ctx context.Context, identity string) (*Task, error) {
	identity = truncate(identity, sfnWorkerNameMax)
	out, err := b.c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: &b.arn, WorkerName: &identity}, b.opts...)
	if err != nil || out.TaskToken == nil {
		return nil, err
	}
	return &Task{Token: *out.TaskToken, Input: aws.ToString(out.Input), ActivityARN: b.arn}, nil
}

// heartbeatTimeout knows none: a task's HeartbeatSeconds is in the definition of the state machine that
// scheduled it, which neither GetActivityTask's answer nor the activity names.
func (b *sfnBackend) heartbeatTimeout(context.Context, *Task) (time.Duration, error) { return 0, nil }

// heartbeat sends SendTaskHeartbeat, which carries no details and never asks for cancellation: a stopped
// execution shows as TaskTimedOut or TaskDoesNotExist.
func (b *sfnBackend) heartbeat(ctx context.Context, t *Task, _ *string) (bool, error) {
	_, err := b.c.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: &t.Token}, b.opts...)
	return false, err
}

func (b *sfnBackend) heartbeatDetails() int { return 0 }

func (b *sfnBackend) checkResult(output string) *Failure {
	if len(output) > sfnOutputMax {
		return &Failure{Reason: reasonResultTooLarge, Details: fmt.Sprintf(
			"the handler's output is %d bytes; SendTaskSuccess takes at most %d", len(output), sfnOutputMax)}
	}
	if !json.Valid([]byte(output)) {
		return &Failure{Reason: reasonInvalidOutput, Details: "the handler's output is not a JSON text: " + truncate(output, 200)}
	}
	return nil
}

func (b *sfnBackend) complete(ctx context.Context, t *Task, output string) error {
	_, err := b.c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: &t.Token, Output: &output}, b.opts...)
	return err
}

// fail sends f's reason as the error name ("Error" when it has none) and its details as the cause.
func (b *sfnBackend) fail(ctx context.Context, t *Task, f *Failure) error {
	name := f.Reason
	if name == "" {
		name = "Error"
	}
	name, cause := truncate(name, sfnErrorMax), truncate(f.Details, sfnCauseMax)
	_, err := b.c.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: &t.Token, Error: &name, Cause: &cause}, b.opts...)
	return err
}

// canceled is never called: Step Functions does not request cancellation of a task.
func (b *sfnBackend) canceled(ctx context.Context, t *Task, details string) error {
	return b.fail(ctx, t, &Failure{Reason: "worker.Canceled", Details: details})
}
