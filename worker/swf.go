package worker

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"
)

// SWFClient is what an SWF worker calls; *swf.Client has it.
type SWFClient interface {
	PollForActivityTask(ctx context.Context, in *swf.PollForActivityTaskInput, optFns ...func(*swf.Options)) (*swf.PollForActivityTaskOutput, error)
	RecordActivityTaskHeartbeat(ctx context.Context, in *swf.RecordActivityTaskHeartbeatInput, optFns ...func(*swf.Options)) (*swf.RecordActivityTaskHeartbeatOutput, error)
	RespondActivityTaskCompleted(ctx context.Context, in *swf.RespondActivityTaskCompletedInput, optFns ...func(*swf.Options)) (*swf.RespondActivityTaskCompletedOutput, error)
	RespondActivityTaskFailed(ctx context.Context, in *swf.RespondActivityTaskFailedInput, optFns ...func(*swf.Options)) (*swf.RespondActivityTaskFailedOutput, error)
	RespondActivityTaskCanceled(ctx context.Context, in *swf.RespondActivityTaskCanceledInput, optFns ...func(*swf.Options)) (*swf.RespondActivityTaskCanceledOutput, error)
	DescribeActivityType(ctx context.Context, in *swf.DescribeActivityTypeInput, optFns ...func(*swf.Options)) (*swf.DescribeActivityTypeOutput, error)
}

// NewSWF returns a worker for the activity tasks of one task list of an SWF domain.
func NewSWF(c SWFClient, domain, taskList string, h Handler, opts ...Option) *Worker {
	b := &swfBackend{c: c, domain: domain, taskList: taskList, types: map[ActivityType]*typeTimeout{}}
	w := newWorker(b, h, opts)
	b.retry = w.retry
	if !w.cfg.sdkRetries {
		b.opts = []func(*swf.Options){func(o *swf.Options) { o.Retryer = aws.NopRetryer{} }}
	}
	return w
}

type swfBackend struct {
	c                SWFClient
	domain, taskList string
	opts             []func(*swf.Options)
	retry            func(context.Context, func(context.Context) error) error

	mu    sync.Mutex
	types map[ActivityType]*typeTimeout // the types' default heartbeat timeouts, read once each
}

// typeTimeout is an activity type's default heartbeat timeout, read by the first task of the type; the
// others wait for ready.
type typeTimeout struct {
	ready   chan struct{}
	timeout time.Duration
	err     error
}

func (b *swfBackend) poll(ctx context.Context, identity string) (*Task, error) {
	identity = truncate(identity, swfIdentityMax)
	out, err := b.c.PollForActivityTask(ctx, &swf.PollForActivityTaskInput{
		Domain: &b.domain, TaskList: &types.TaskList{Name: &b.taskList}, Identity: &identity,
	}, b.opts...)
	if err != nil || out.TaskToken == nil {
		return nil, err
	}
	t := &Task{
		Token: *out.TaskToken, Input: aws.ToString(out.Input), ActivityID: aws.ToString(out.ActivityId),
		StartedEventID: out.StartedEventId,
	}
	if at := out.ActivityType; at != nil {
		t.ActivityType = ActivityType{Name: aws.ToString(at.Name), Version: aws.ToString(at.Version)}
	}
	if we := out.WorkflowExecution; we != nil {
		t.WorkflowExecution = WorkflowExecution{WorkflowID: aws.ToString(we.WorkflowId), RunID: aws.ToString(we.RunId)}
	}
	return t, nil
}

// heartbeatTimeout reads the default heartbeat timeout of t's activity type, once per type and version
// for the worker's life: the poll's answer does not carry the task's own, and reading the history for it
// would cost a call per task. A failed read is not kept, so that the next task of the type tries again.
func (b *swfBackend) heartbeatTimeout(ctx context.Context, t *Task) (time.Duration, error) {
	b.mu.Lock()
	e, ok := b.types[t.ActivityType]
	if !ok {
		e = &typeTimeout{ready: make(chan struct{})}
		b.types[t.ActivityType] = e
	}
	b.mu.Unlock()
	if ok {
		<-e.ready
		return e.timeout, e.err
	}
	defer close(e.ready)
	var out *swf.DescribeActivityTypeOutput
	e.err = b.retry(ctx, func(ctx context.Context) (err error) {
		out, err = b.c.DescribeActivityType(ctx, &swf.DescribeActivityTypeInput{
			Domain:       &b.domain,
			ActivityType: &types.ActivityType{Name: &t.ActivityType.Name, Version: &t.ActivityType.Version},
		}, b.opts...)
		return err
	})
	if e.err == nil && out.Configuration != nil {
		e.timeout, e.err = parseTimeout(aws.ToString(out.Configuration.DefaultTaskHeartbeatTimeout))
	}
	if e.err != nil {
		e.err = fmt.Errorf("describe activity type %s/%s: %w", t.ActivityType.Name, t.ActivityType.Version, e.err)
		b.mu.Lock()
		delete(b.types, t.ActivityType)
		b.mu.Unlock()
	}
	return e.timeout, e.err
}

// parseTimeout reads an SWF duration: seconds, "NONE" or nothing for none.
func parseTimeout(s string) (time.Duration, error) {
	if s == "" || s == "NONE" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("heartbeat timeout %q is no number of seconds", s)
	}
	return time.Duration(n) * time.Second, nil
}

func (b *swfBackend) heartbeat(ctx context.Context, t *Task, details *string) (bool, error) {
	out, err := b.c.RecordActivityTaskHeartbeat(ctx, &swf.RecordActivityTaskHeartbeatInput{TaskToken: &t.Token, Details: details}, b.opts...)
	if err != nil {
		return false, err
	}
	return out.CancelRequested, nil
}

func (b *swfBackend) heartbeatDetails() int { return swfHeartbeatDetailsMax }

func (b *swfBackend) checkResult(result string) *Failure {
	if n := runes(result); n > swfResultMax {
		return &Failure{Reason: reasonResultTooLarge, Details: fmt.Sprintf(
			"the handler's result is %d characters; RespondActivityTaskCompleted takes at most %d", n, swfResultMax)}
	}
	return nil
}

func (b *swfBackend) complete(ctx context.Context, t *Task, result string) error {
	_, err := b.c.RespondActivityTaskCompleted(ctx, &swf.RespondActivityTaskCompletedInput{TaskToken: &t.Token, Result: &result}, b.opts...)
	return err
}

// fail reports f; a failure without a reason (a plain error) gives its text as the reason, and as the
// details too when the reason cannot hold it.
func (b *swfBackend) fail(ctx context.Context, t *Task, f *Failure) error {
	reason, details := f.Reason, f.Details
	if reason == "" {
		reason = details
		if runes(details) <= swfReasonMax {
			details = ""
		}
	}
	reason, details = truncate(reason, swfReasonMax), truncate(details, swfDetailsMax)
	_, err := b.c.RespondActivityTaskFailed(ctx, &swf.RespondActivityTaskFailedInput{
		TaskToken: &t.Token, Reason: &reason, Details: &details,
	}, b.opts...)
	return err
}

func (b *swfBackend) canceled(ctx context.Context, t *Task, details string) error {
	_, err := b.c.RespondActivityTaskCanceled(ctx, &swf.RespondActivityTaskCanceledInput{TaskToken: &t.Token, Details: &details}, b.opts...)
	return err
}
