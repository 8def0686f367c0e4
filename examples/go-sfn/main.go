// Command go-sfn is a Step Functions activity worker built with package worker: it creates an activity
// and a state machine whose Task state runs it (if they are missing), starts an execution, runs the
// worker until the execution ends, prints its output and exits.
//
//	go run ./examples/go-sfn [-endpoint http://127.0.0.1:7740]
//
// The endpoint comes from -endpoint, else OPENSWF_ENDPOINT, else http://127.0.0.1:7740; credentials from
// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, else dummy ones (any do for a server without access
// control). Against AWS, give -role a role Step Functions may assume.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"

	"github.com/openswf/openswf/worker"
)

const name = "greet"

// definition runs the activity (ACTIVITY stands for its ARN) with a heartbeat timeout of 30 s; the
// worker heartbeats every 10 s, since Step Functions does not tell it the HeartbeatSeconds.
const definition = `{
  "Comment": "Greets through an activity worker.",
  "StartAt": "Greet",
  "States": {
    "Greet": {"Type": "Task", "Resource": "ACTIVITY", "HeartbeatSeconds": 30, "TimeoutSeconds": 300,
              "ResultPath": "$.greeting", "End": true}
  }
}`

func main() {
	endpoint := flag.String("endpoint", envOr("OPENSWF_ENDPOINT", "http://127.0.0.1:7740"), "the service's URL")
	region := flag.String("region", envOr("AWS_REGION", "us-east-1"), "the region the requests are signed for")
	role := flag.String("role", "arn:aws:iam::000000000000:role/openswf-example", "the state machine's role")
	who := flag.String("name", "world", "whom to greet")
	timeout := flag.Duration("timeout", time.Minute, "give up after this long")
	flag.Parse()

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	c := sfn.New(sfn.Options{BaseEndpoint: endpoint, Region: *region, Credentials: staticCredentials()})
	output, err := run(ctx, c, *role, *who)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(output)
}

func run(ctx context.Context, c *sfn.Client, role, who string) (string, error) {
	act, err := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String(name)}) // idempotent on the name
	if err != nil {
		return "", fmt.Errorf("create activity: %w", err)
	}
	machine, err := stateMachine(ctx, c, role, strings.ReplaceAll(definition, "ACTIVITY", aws.ToString(act.ActivityArn)))
	if err != nil {
		return "", err
	}
	input, _ := json.Marshal(map[string]string{"name": who})
	ex, err := c.StartExecution(ctx, &sfn.StartExecutionInput{
		StateMachineArn: aws.String(machine), Input: aws.String(string(input)),
		Name: aws.String(name + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)),
	})
	if err != nil {
		return "", fmt.Errorf("start execution: %w", err)
	}
	log.Printf("started %s", aws.ToString(ex.ExecutionArn))

	w := worker.NewSFN(c, aws.ToString(act.ActivityArn), greet, worker.WithHeartbeatInterval(10*time.Second))
	workerCtx, stopWorker := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() { ran <- w.Run(workerCtx) }()
	defer func() {
		stopWorker()
		if err := <-ran; err != nil {
			log.Printf("worker: %v", err)
		}
	}()

	for {
		d, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: ex.ExecutionArn})
		if err != nil {
			return "", fmt.Errorf("describe execution: %w", err)
		}
		switch d.Status {
		case types.ExecutionStatusRunning, types.ExecutionStatusPendingRedrive:
		case types.ExecutionStatusSucceeded:
			return aws.ToString(d.Output), nil
		default:
			return "", fmt.Errorf("execution %s: %s: %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// greet is the activity: its input is {"name": …}, its output the greeting, a JSON text.
func greet(ctx context.Context, t *worker.Task) (string, error) {
	var in struct{ Name string }
	if err := json.Unmarshal([]byte(t.Input), &in); err != nil || in.Name == "" {
		return "", &worker.Failure{Reason: "Greet.BadInput", Details: "want {\"name\": \"…\"}, got " + t.Input}
	}
	out, err := json.Marshal(map[string]string{"text": "Hello, " + in.Name + "!"})
	return string(out), err
}

// stateMachine creates the state machine, or finds the one a previous run created.
func stateMachine(ctx context.Context, c *sfn.Client, role, def string) (string, error) {
	out, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(name), RoleArn: aws.String(role), Definition: aws.String(def)})
	if err == nil {
		return aws.ToString(out.StateMachineArn), nil
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "StateMachineAlreadyExists" {
		return "", fmt.Errorf("create state machine: %w", err)
	}
	p := sfn.NewListStateMachinesPaginator(c, &sfn.ListStateMachinesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "", fmt.Errorf("list state machines: %w", err)
		}
		for _, m := range page.StateMachines {
			if aws.ToString(m.Name) == name {
				_, err := c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: m.StateMachineArn, Definition: aws.String(def)})
				if err != nil {
					return "", fmt.Errorf("update state machine: %w", err)
				}
				return aws.ToString(m.StateMachineArn), nil
			}
		}
	}
	return "", fmt.Errorf("create state machine: %w", err)
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
