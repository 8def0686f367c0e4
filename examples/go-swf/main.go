// Command go-swf is an SWF decider and activity worker in one program, the worker built with package
// worker: it registers its domain and types if they are missing, starts a workflow, decides it with the
// SDK (one activity, then complete with the activity's result), runs the activity with the worker,
// prints the result and exits.
//
//	go run ./examples/go-swf [-endpoint http://127.0.0.1:7740]
//
// The endpoint comes from -endpoint, else OPENSWF_ENDPOINT, else http://127.0.0.1:7740; credentials from
// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, else dummy ones (any do for a server without access
// control).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"
	"github.com/aws/smithy-go"

	"github.com/openswf/openswf/worker"
)

const (
	domain = "examples"
	name   = "greet"
)

func main() {
	endpoint := flag.String("endpoint", envOr("OPENSWF_ENDPOINT", "http://127.0.0.1:7740"), "the service's URL")
	region := flag.String("region", envOr("AWS_REGION", "us-east-1"), "the region the requests are signed for")
	who := flag.String("name", "world", "whom to greet: the workflow's input")
	timeout := flag.Duration("timeout", time.Minute, "give up after this long")
	flag.Parse()

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	c := swf.New(swf.Options{BaseEndpoint: endpoint, Region: *region, Credentials: staticCredentials()})
	result, err := run(ctx, c, *who)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(result)
}

// run registers what is missing, starts a workflow on task lists of its own (so that runs of this program
// side by side do not take each other's tasks), and decides it while the worker runs its activity.
func run(ctx context.Context, c *swf.Client, who string) (string, error) {
	if err := register(ctx, c); err != nil {
		return "", err
	}
	suffix := strconv.FormatInt(time.Now().UnixNano(), 36)
	decisions, activities := name+"-decisions-"+suffix, name+"-activities-"+suffix
	start, err := c.StartWorkflowExecution(ctx, &swf.StartWorkflowExecutionInput{
		Domain: aws.String(domain), WorkflowId: aws.String(name + "-" + suffix),
		WorkflowType: &types.WorkflowType{Name: aws.String(name), Version: aws.String("1")},
		TaskList:     &types.TaskList{Name: aws.String(decisions)}, Input: aws.String(who),
	})
	if err != nil {
		return "", fmt.Errorf("start workflow: %w", err)
	}
	log.Printf("started workflow %s-%s (run %s)", name, suffix, aws.ToString(start.RunId))

	// The worker: heartbeats, cancellation and retries are the library's.
	w := worker.NewSWF(c, domain, activities, greet)
	workerCtx, stopWorker := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() { ran <- w.Run(workerCtx) }()
	defer func() {
		stopWorker()
		if err := <-ran; err != nil {
			log.Printf("worker: %v", err)
		}
	}()

	return decide(ctx, c, decisions, activities)
}

// greet is the activity: it reports progress and answers.
func greet(ctx context.Context, t *worker.Task) (string, error) {
	t.Heartbeat("greeting " + t.Input)
	select {
	case <-ctx.Done(): // cancellation requested, or the task lost
		return "", ctx.Err()
	case <-time.After(100 * time.Millisecond): // the work
	}
	return "Hello, " + t.Input + "!", nil
}

// decide runs the decider until the workflow closes: schedule the activity, then complete the workflow
// with its result (or fail it with the activity's failure).
func decide(ctx context.Context, c *swf.Client, decisions, activities string) (string, error) {
	for {
		task, events, err := pollDecision(ctx, c, decisions)
		if err != nil {
			return "", err
		}
		if task == nil {
			continue
		}
		var d types.Decision
		var result string
		done := false
		for _, ev := range events {
			switch ev.EventType {
			case types.EventTypeWorkflowExecutionStarted:
				d = types.Decision{DecisionType: types.DecisionTypeScheduleActivityTask,
					ScheduleActivityTaskDecisionAttributes: &types.ScheduleActivityTaskDecisionAttributes{
						ActivityId: aws.String("greet"), ActivityType: &types.ActivityType{Name: aws.String(name), Version: aws.String("1")},
						TaskList: &types.TaskList{Name: aws.String(activities)},
						Input:    ev.WorkflowExecutionStartedEventAttributes.Input,
					}}
			case types.EventTypeActivityTaskCompleted:
				result, done = aws.ToString(ev.ActivityTaskCompletedEventAttributes.Result), true
				d = types.Decision{DecisionType: types.DecisionTypeCompleteWorkflowExecution,
					CompleteWorkflowExecutionDecisionAttributes: &types.CompleteWorkflowExecutionDecisionAttributes{Result: aws.String(result)}}
			case types.EventTypeActivityTaskFailed, types.EventTypeActivityTaskTimedOut:
				return "", fmt.Errorf("the activity ended with %s", ev.EventType)
			}
		}
		in := &swf.RespondDecisionTaskCompletedInput{TaskToken: task}
		if d.DecisionType != "" {
			in.Decisions = []types.Decision{d}
		}
		if _, err := c.RespondDecisionTaskCompleted(ctx, in); err != nil {
			return "", fmt.Errorf("respond decision task: %w", err)
		}
		if done {
			return result, nil
		}
	}
}

// pollDecision long-polls for a decision task and reads the events since the previous decision task; a
// nil token when the poll ended empty.
func pollDecision(ctx context.Context, c *swf.Client, taskList string) (*string, []types.HistoryEvent, error) {
	var events []types.HistoryEvent
	in := &swf.PollForDecisionTaskInput{Domain: aws.String(domain), TaskList: &types.TaskList{Name: aws.String(taskList)}}
	for {
		out, err := c.PollForDecisionTask(ctx, in)
		if err != nil {
			return nil, nil, fmt.Errorf("poll for decision task: %w", err)
		}
		if out.TaskToken == nil {
			return nil, nil, nil
		}
		for _, ev := range out.Events {
			if ev.EventId > out.PreviousStartedEventId {
				events = append(events, ev)
			}
		}
		if out.NextPageToken == nil {
			return out.TaskToken, events, nil
		}
		in.NextPageToken = out.NextPageToken
	}
}

// register registers the domain and the types unless they are there already.
func register(ctx context.Context, c *swf.Client) error {
	_, err := c.RegisterDomain(ctx, &swf.RegisterDomainInput{Name: aws.String(domain), WorkflowExecutionRetentionPeriodInDays: aws.String("1")})
	if err = exists(err, "DomainAlreadyExistsFault"); err != nil {
		return fmt.Errorf("register domain: %w", err)
	}
	_, err = c.RegisterWorkflowType(ctx, &swf.RegisterWorkflowTypeInput{
		Domain: aws.String(domain), Name: aws.String(name), Version: aws.String("1"),
		DefaultExecutionStartToCloseTimeout: aws.String("300"), DefaultTaskStartToCloseTimeout: aws.String("30"),
		DefaultChildPolicy: types.ChildPolicyTerminate,
	})
	if err = exists(err, "TypeAlreadyExistsFault"); err != nil {
		return fmt.Errorf("register workflow type: %w", err)
	}
	_, err = c.RegisterActivityType(ctx, &swf.RegisterActivityTypeInput{
		Domain: aws.String(domain), Name: aws.String(name), Version: aws.String("1"),
		DefaultTaskStartToCloseTimeout: aws.String("60"), DefaultTaskHeartbeatTimeout: aws.String("20"),
		DefaultTaskScheduleToStartTimeout: aws.String("60"), DefaultTaskScheduleToCloseTimeout: aws.String("120"),
	})
	if err = exists(err, "TypeAlreadyExistsFault"); err != nil {
		return fmt.Errorf("register activity type: %w", err)
	}
	return nil
}

// exists forgives the fault that says the thing was registered before.
func exists(err error, code string) error {
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() == code {
		return nil
	}
	return err
}

func staticCredentials() aws.CredentialsProvider {
	id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" || secret == "" {
		id, secret = "dummy", "dummy"
	}
	return credentials.NewStaticCredentialsProvider(id, secret, os.Getenv("AWS_SESSION_TOKEN"))
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
