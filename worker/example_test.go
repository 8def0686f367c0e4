package worker_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/swf"

	"github.com/openswf/openswf/worker"
)

// An SWF worker that reports progress, gives up when cancellation is requested, and drains on Ctrl-C.
func ExampleNewSWF() {
	c := swf.New(swf.Options{
		BaseEndpoint: aws.String("http://127.0.0.1:7740"), Region: "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("x", "y", ""),
	})
	w := worker.NewSWF(c, "orders", "resize", func(ctx context.Context, t *worker.Task) (string, error) {
		for i := range 10 {
			select {
			case <-ctx.Done(): // answered RespondActivityTaskCanceled if cancellation was requested
				return "", ctx.Err()
			case <-time.After(time.Second): // a step of the work
			}
			t.Heartbeat(fmt.Sprintf("%d/10", i+1))
		}
		if t.Input == "" {
			return "", &worker.Failure{Reason: "NoInput", Details: "the task has no input"}
		}
		return "resized " + t.Input, nil
	}, worker.WithPollers(4), worker.WithDrainTimeout(25*time.Second))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := w.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
}

// A Step Functions worker: the interval is set, since Step Functions does not tell workers the
// HeartbeatSeconds of the state that scheduled a task.
func ExampleNewSFN() {
	c := sfn.New(sfn.Options{
		BaseEndpoint: aws.String("http://127.0.0.1:7740"), Region: "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("x", "y", ""),
	})
	arn := "arn:aws:states:us-east-1:000000000000:activity:resize"
	w := worker.NewSFN(c, arn, func(ctx context.Context, t *worker.Task) (string, error) {
		if err := resize(ctx, t.Input); err != nil {
			if errors.Is(context.Cause(ctx), worker.ErrTaskLost) {
				return "", err // timed out or its execution stopped: nothing is sent
			}
			return "", &worker.Failure{Reason: "Resize.Failed", Details: err.Error()} // what a Catch matches
		}
		return `{"width":128}`, nil
	}, worker.WithHeartbeatInterval(10*time.Second))
	_ = w.Run(context.Background())
}

func resize(ctx context.Context, input string) error { return ctx.Err() }
