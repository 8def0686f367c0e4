package sfn

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/asl"
	"github.com/openswf/openswf/awsjson"
)

// Service integrations (a Task whose Resource is arn:aws:states:::states:startExecution or
// arn:aws:states:::aws-sdk:sfn:<action>) are done by the server itself, durably, with the engine's own
// machinery:
//   - the work (starting the execution, calling the action) is an activity task of the internal type
//     integrationType, taken by the service's integration workers (Start), which do it and complete the task
//     with the service's answer. A worker that dies with its task lets it time out after workTimeout; the
//     interpreter's driver then schedules it again, and the work is idempotent (an execution started for a
//     task is named after it);
//   - the callback pattern (.waitForTaskToken) adds a callback task of the internal type callbackType,
//     started as it is scheduled, with the Task state's TimeoutSeconds and HeartbeatSeconds: $$.Task.Token
//     is its callback token, and SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat drive it.
//
// Their names hold '#', which no Step Functions name may, so no user's activity can take their tasks.
const (
	integrationType = "openswf#integration"
	callbackType    = "openswf#callback"
	workTimeout     = "60"
	// integrationWorkers is how many integration tasks are done at once.
	integrationWorkers = 4
)

// workDone, when set (by tests, before the service starts), runs after each integration task's work and
// before its answer is recorded; a failure it returns is recorded instead of the answer.
var workDone func(workOrder) *asl.Failure

// workOrder is the input of an integration task.
type workOrder struct {
	Resource     string          `json:"resource"`
	Pattern      string          `json:"pattern,omitempty"`
	Parameters   json.RawMessage `json:"parameters"`
	ExecutionArn string          `json:"executionArn"`
	TaskID       string          `json:"taskId"`
	// WorkflowID and RunID name the run of the execution, for a child to tell it when it ends.
	WorkflowID string `json:"workflowId"`
	RunID      string `json:"runId"`
}

// registerInternalTypes registers the activity types of integration and callback tasks.
func (s *Service) registerInternalTypes(ctx context.Context) error {
	for _, name := range []string{integrationType, callbackType} {
		_, err := s.eng.DescribeType(ctx, openswf.KindActivityType, Domain, name, activityVersion)
		if err == nil {
			continue
		}
		if err := s.registerActivityType(ctx, name, nil, nil); err != nil && openswf.KindOf(err) != openswf.KindAlreadyExists {
			return fmt.Errorf("register %s: %w", name, err)
		}
	}
	return nil
}

// Start runs the integration workers until Close; the engine must be open.
func (s *Service) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	for i := range integrationWorkers {
		s.workers.Go(func() { s.integrationWorker(ctx, fmt.Sprintf("openswf-integration-%d", i)) })
	}
}

// Close stops the integration workers and waits for them.
func (s *Service) Close() {
	if s.stop != nil {
		s.stop()
	}
	s.workers.Wait()
}

func (s *Service) integrationWorker(ctx context.Context, identity string) {
	for ctx.Err() == nil {
		task, err := s.eng.PollActivity(ctx, Domain, integrationType, identity)
		if err != nil {
			if ctx.Err() == nil {
				time.Sleep(100 * time.Millisecond) // the store failed: wait a little before polling again
			}
			continue
		}
		if task == nil {
			continue
		}
		var order workOrder
		if err := json.Unmarshal([]byte(task.Input), &order); err != nil {
			_ = s.eng.FailActivity(ctx, task.TaskToken, asl.ErrRuntime, "openswf: unreadable work order: "+err.Error())
			continue
		}
		out, failure := s.doWork(ctx, order)
		if workDone != nil {
			if f := workDone(order); f != nil {
				out, failure = "", f
			}
		}
		if failure != nil {
			err = s.eng.FailActivity(ctx, task.TaskToken, failure.Name, deref(failure.Cause))
		} else {
			err = s.eng.CompleteActivity(ctx, task.TaskToken, out)
		}
		if err != nil && openswf.KindOf(err) != openswf.KindUnknownResource && ctx.Err() == nil {
			// The answer was lost to the store: the task times out and is done again.
			continue
		}
	}
}

// doWork does an integration task and returns the service's answer as JSON text, or its failure.
func (s *Service) doWork(ctx context.Context, o workOrder) (string, *asl.Failure) {
	switch {
	case strings.HasPrefix(o.Resource, "arn:aws:states:::states:startExecution"):
		return s.startChild(ctx, o)
	case strings.HasPrefix(o.Resource, "arn:aws:states:::aws-sdk:sfn:"):
		action, _, _ := strings.Cut(strings.TrimPrefix(o.Resource, "arn:aws:states:::aws-sdk:sfn:"), ".")
		return s.sdkCall(ctx, action, o.Parameters)
	}
	return "", &asl.Failure{Name: asl.ErrRuntime, Cause: ptr(fmt.Sprintf("The resource '%s' is not supported by this service.", o.Resource))}
}

// startChild starts the execution a states:startExecution Task asks for. Without a Name it is named after
// the task, so that doing the work twice starts it once.
func (s *Service) startChild(ctx context.Context, o workOrder) (string, *asl.Failure) {
	var p struct {
		StateMachineArn string          `json:"StateMachineArn"`
		Input           json.RawMessage `json:"Input"`
		Name            string          `json:"Name"`
	}
	if err := json.Unmarshal(o.Parameters, &p); err != nil {
		return "", &asl.Failure{Name: "States.Runtime", Cause: ptr("The Parameters of startExecution are not an object: " + err.Error())}
	}
	in := &startExecutionInput{StateMachineArn: p.StateMachineArn, Name: p.Name}
	if o.Pattern == "sync" || o.Pattern == "sync:2" {
		in.parent = &parentLink{WorkflowID: o.WorkflowID, RunID: o.RunID, TaskID: o.TaskID, Pattern: o.Pattern}
	}
	if in.Name == "" {
		sum := sha256.Sum256([]byte(o.ExecutionArn + "/" + o.TaskID))
		h := hex.EncodeToString(sum[:16])
		in.Name = h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
	}
	if len(p.Input) > 0 {
		var str string
		if json.Unmarshal(p.Input, &str) == nil {
			in.Input = &str
		} else {
			raw := string(p.Input)
			in.Input = &raw
		}
	}
	out, err := s.startExecution(ctx, in)
	if err != nil {
		return "", serviceFailure(err)
	}
	o2 := out.(*startExecutionOutput)
	b, _ := json.Marshal(map[string]any{"ExecutionArn": o2.ExecutionArn, "StartDate": time.Time(o2.StartDate).UnixMilli()})
	return string(b), nil
}

// serviceFailure names an API fault as Step Functions names the errors of its integrations:
// "SFN.<ErrorCode>"; anything else is States.TaskFailed.
func serviceFailure(err error) *asl.Failure {
	var f *awsjson.Fault
	if errors.As(err, &f) {
		return &asl.Failure{Name: "SFN." + f.Code(), Cause: ptr(f.Message)}
	}
	return &asl.Failure{Name: asl.ErrTaskFailed, Cause: ptr(err.Error())}
}

// sdkCall calls one of the Step Functions API's own actions for an aws-sdk:sfn Task: the Parameters name the
// members as the SDKs do (PascalCase), and so does the answer.
func (s *Service) sdkCall(ctx context.Context, action string, params json.RawMessage) (string, *asl.Failure) {
	op := strings.ToUpper(action[:1]) + action[1:]
	h, ok := s.operations()[op]
	if !ok {
		return "", &asl.Failure{Name: asl.ErrRuntime, Cause: ptr(fmt.Sprintf("The action '%s' of aws-sdk:sfn is not supported by this service.", action))}
	}
	var v any
	if len(params) == 0 {
		v = map[string]any{}
	} else if err := json.Unmarshal(params, &v); err != nil {
		return "", &asl.Failure{Name: asl.ErrRuntime, Cause: ptr(err.Error())}
	}
	body, err := json.Marshal(rename(v, lowerFirst))
	if err != nil {
		return "", &asl.Failure{Name: asl.ErrRuntime, Cause: ptr(err.Error())}
	}
	m, err := s.model()
	if err != nil {
		return "", &asl.Failure{Name: asl.ErrRuntime, Cause: ptr(err.Error())}
	}
	if err := m.Validate(op, body); err != nil {
		return "", serviceFailure(err)
	}
	out, err := h.Handler(ctx, body)
	if err != nil {
		return "", serviceFailure(err)
	}
	raw, err := json.Marshal(out)
	if err != nil {
		return "", &asl.Failure{Name: asl.ErrRuntime, Cause: ptr(err.Error())}
	}
	var res any
	if err := json.Unmarshal(raw, &res); err != nil {
		return "", &asl.Failure{Name: asl.ErrRuntime, Cause: ptr(err.Error())}
	}
	b, _ := json.Marshal(rename(res, upperFirst))
	return string(b), nil
}

// rename renames the members of every object in v.
func rename(v any, f func(string) string) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[f(k)] = rename(x, f)
		}
		return out
	case []any:
		for i, x := range v {
			v[i] = rename(x, f)
		}
	}
	return v
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}
