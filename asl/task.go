package asl

import (
	"fmt"
	"strings"
)

// resource is a Task's Resource as the interpreter runs it.
type resource struct {
	Activity     bool   `json:"activity,omitempty"`
	ARN          string `json:"arn"`
	ResourceType string `json:"resourceType,omitempty"` // service tasks: "states", "aws-sdk:sfn"
	Name         string `json:"name,omitempty"`         // service tasks: "startExecution.sync", "startExecution"
	Pattern      string `json:"pattern,omitempty"`
	Started      bool   `json:"started,omitempty"`
}

// parseResource recognises the resources this package runs: activities, Step Functions' own
// optimised integration (states:startExecution with its patterns) and the AWS SDK integration of Step
// Functions (aws-sdk:sfn:<action>). It returns nil for any other resource.
func parseResource(arn string) *resource {
	parts := strings.SplitN(arn, ":", 7)
	if len(parts) == 7 && parts[2] == "states" && parts[3] != "" && parts[4] != "" && parts[5] == "activity" && parts[6] != "" {
		return &resource{Activity: true, ARN: arn}
	}
	rest, ok := strings.CutPrefix(arn, "arn:aws:states:::")
	if !ok {
		return nil
	}
	name, pattern, _ := strings.Cut(rest, ".")
	switch {
	case name == "states:startExecution" && (pattern == "" || pattern == "sync" || pattern == "sync:2" || pattern == "waitForTaskToken"):
		return &resource{ARN: arn, ResourceType: "states", Name: strings.TrimPrefix(rest, "states:"), Pattern: pattern}
	case strings.HasPrefix(name, "aws-sdk:sfn:") && len(name) > len("aws-sdk:sfn:") && (pattern == "" || pattern == "waitForTaskToken"):
		return &resource{ARN: arn, ResourceType: "aws-sdk:sfn", Name: strings.TrimPrefix(rest, "aws-sdk:sfn:"), Pattern: pattern}
	}
	return nil
}

// region is the execution's region, read from its ARN.
func (r *runner) region() string {
	parts := strings.Split(r.x.Context.ExecutionArn, ":")
	if len(parts) > 3 {
		return parts[3]
	}
	return ""
}

// startTask evaluates the Task's timeouts and Parameters and schedules the attempt.
func (r *runner) startTask(th *Thread, s *state, effective any) {
	res := parseResource(s.resource)
	if res == nil {
		// Any other resource (Lambda, other services, HTTP) would need I/O this service does not do. It
		// fails with States.Runtime, which no Retry or Catch sees, rather than with a catchable error: a
		// catcher would otherwise route the workflow as if the work had been attempted and had failed.
		r.fail(th, fail(ErrRuntime, "The resource '%s' is not supported by this service.", s.resource))
		return
	}
	if res.Activity && r.env.ActivityExists != nil && !r.env.ActivityExists(res.ARN) {
		r.fail(th, fail(ErrRuntime, "The activity %s does not exist.", res.ARN))
		return
	}
	timeout, heartbeat := s.timeoutSeconds, s.heartbeat
	for _, p := range []struct {
		path *Path
		dst  *int64
	}{{s.timeoutPath, &timeout}, {s.heartbeatPath, &heartbeat}} {
		if p.path == nil {
			continue
		}
		v, err := p.path.Eval(th.input())
		if err != nil {
			r.fail(th, fail(ErrRuntime, "%s", err.Error()))
			return
		}
		n, ok := isInteger(v)
		if !ok || n <= 0 {
			r.fail(th, fail(ErrRuntime, "The value at '%s' must be a positive integer but was %s", p.path.src, EncodeJSON(v)))
			return
		}
		*p.dst = n
	}
	id := taskID(th)
	ctx := r.context(th, s)
	if r.env.TaskToken != nil {
		ctx.token = r.env.TaskToken(id)
	}
	params := effective
	if s.parameters != nil {
		var err error
		params, err = s.parameters.eval(&scope{input: effective, ctx: ctx.value(), rng: r.x.rng(th, "parameters")})
		if err != nil {
			r.fail(th, err)
			return
		}
	}
	raw := EncodeJSON(params)
	if len(raw) > maxPayload {
		r.fail(th, r.dataLimit(th))
		return
	}
	th.Phase, th.TaskID, th.Resource = phaseTask, id, res
	opt := func(n int64) *int64 {
		if n == 0 {
			return nil
		}
		return &n
	}
	if res.Activity {
		r.emit(th, "ActivityScheduled", &ActivityScheduledEventDetails{Resource: res.ARN, Input: raw,
			TimeoutInSeconds: opt(timeout), HeartbeatInSeconds: opt(heartbeat)})
		r.act(ScheduleActivity{TaskID: id, ActivityArn: res.ARN, Input: raw, TimeoutSeconds: timeout, HeartbeatSeconds: heartbeat})
		return
	}
	r.emit(th, "TaskScheduled", &TaskScheduledEventDetails{ResourceType: res.ResourceType, Resource: res.Name,
		Region: r.region(), Parameters: raw, TimeoutInSeconds: opt(timeout), HeartbeatInSeconds: opt(heartbeat)})
	r.act(StartTask{TaskID: id, Resource: res.ARN, ResourceType: res.ResourceType, Pattern: res.Pattern,
		Parameters: raw, TimeoutSeconds: timeout, HeartbeatSeconds: heartbeat})
}

// taskInput records what happened to the thread's open task and moves on.
func (r *runner) taskInput(th *Thread, in Input) error {
	res := th.Resource
	switch in := in.(type) {
	case TaskStarted:
		if res.Started {
			return fmt.Errorf("asl: task %s has already started", th.TaskID)
		}
		res.Started = true
		if res.Activity {
			r.emit(th, "ActivityStarted", &ActivityStartedEventDetails{WorkerName: in.WorkerName})
		} else {
			r.emit(th, "TaskStarted", &TaskStartedEventDetails{ResourceType: res.ResourceType, Resource: res.Name})
		}
	case TaskSubmitted:
		if res.Activity {
			return fmt.Errorf("asl: task %s is an activity, which has no TaskSubmitted", th.TaskID)
		}
		out, err := ParseJSON(in.Output)
		if err != nil {
			return err
		}
		r.emit(th, "TaskSubmitted", &TaskOutputEventDetails{ResourceType: res.ResourceType, Resource: res.Name, Output: EncodeJSON(out)})
	case TaskSucceeded:
		out, err := ParseJSON(in.Output)
		if err != nil {
			return err
		}
		raw := EncodeJSON(out)
		if len(raw) > maxPayload {
			// AWS records an oversized result as the task's failure, named after the resource (its
			// type for a service integration): "The state/task 'lambda' returned a result with a size
			// exceeding the maximum number of bytes service limit." (LocalStack test_states_errors).
			who := res.ARN
			if !res.Activity {
				who = res.ResourceType
			}
			r.taskFailed(th, fail(ErrDataLimitExceeded, "The state/task '%s' returned a result with a size exceeding the maximum number of bytes service limit.", who), false)
			return nil
		}
		if res.Activity {
			r.emit(th, "ActivitySucceeded", &OutputEventDetails{Output: raw})
		} else {
			r.emit(th, "TaskSucceeded", &TaskOutputEventDetails{ResourceType: res.ResourceType, Resource: res.Name, Output: raw})
		}
		th.Phase, th.TaskID = "", ""
		s := r.m.states[th.State]
		r.complete(th, s, th.input(), out, r.context(th, s).value(), s.next)
	case TaskFailed:
		r.taskFailed(th, &Failure{Name: deref(in.Error), Cause: in.Cause}, false)
	case TaskTimedOut:
		r.taskFailed(th, &Failure{Name: ErrTimeout, Heartbeat: in.Heartbeat}, true)
	}
	return nil
}

func (r *runner) taskFailed(th *Thread, f *Failure, timedOut bool) {
	res := th.Resource
	var name *string
	if f.Name != "" {
		name = &f.Name
	}
	typ := "Failed"
	if timedOut {
		typ = "TimedOut"
	}
	if res.Activity {
		r.emit(th, "Activity"+typ, &ErrorEventDetails{Error: name, Cause: f.Cause})
	} else {
		r.emit(th, "Task"+typ, &TaskErrorEventDetails{ResourceType: res.ResourceType, Resource: res.Name, Error: name, Cause: f.Cause})
	}
	th.Phase, th.TaskID = "", ""
	r.fail(th, f)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
