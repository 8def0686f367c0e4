// Package openswfapi serves openswf's own operations (docs/API.md): AWS JSON 1.0 operations under the target
// prefix "OpenSWF" that tell what neither AWS service can, such as which activity tasks are open, which worker
// holds each, and when it last sent a heartbeat. They only read: the store's committed state, never a run's
// lane, so an operator looking never slows a worker down.
package openswfapi

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/awsjson"
	"github.com/openswf/openswf/engine"
	"github.com/openswf/openswf/sfn"
)

//go:embed model/openswf-2026-12-01.json
var modelJSON []byte

// Model parses the embedded service model.
func Model() (*awsjson.Model, error) { return awsjson.ParseModel(modelJSON) }

// namespace is the prefix of the operations' fault types on the wire.
const namespace = "com.openswf.api#"

// defaultPageSize is the page of ListOpenActivityTasks without maximumPageSize.
const defaultPageSize = 100

// Options configure the API.
type Options struct {
	// Region and Account appear in the SWF domain ARNs access control checks.
	Region  string
	Account string
	// Authorizer, when set, decides every operation: the IAM action "openswf:<Operation>" on the domain,
	// activity or execution ARN the request names. Nil lets every caller do everything.
	Authorizer openswf.Authorizer
	// Clock tells the current time that remaining times are measured from; nil is the system clock.
	Clock openswf.Clock
}

// Service serves openswf's own operations over an engine and the Step Functions API it shows tasks of.
type Service struct {
	eng    *engine.Engine
	states *sfn.Service
	opts   Options
}

// New returns the API over eng and states.
func New(eng *engine.Engine, states *sfn.Service, opts Options) *Service {
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.Account == "" {
		opts.Account = "000000000000"
	}
	if opts.Clock == nil {
		opts.Clock = openswf.SystemClock{}
	}
	return &Service{eng: eng, states: states, opts: opts}
}

// Register adds the operations to srv.
func (s *Service) Register(srv *awsjson.Server) error {
	m, err := Model()
	if err != nil {
		return fmt.Errorf("parse openswf model: %w", err)
	}
	return srv.RegisterOperations(m, s.operations())
}

// operations are the handlers by operation name.
func (s *Service) operations() map[string]awsjson.Operation {
	return map[string]awsjson.Operation{
		"ListOpenActivityTasks": awsjson.Typed(s.listOpenActivityTasks, toFault),
		"DescribeActivityTask":  awsjson.Typed(s.describeActivityTask, toFault),
	}
}

// Wire shapes (model/openswf-2026-12-01.json).

type taskList struct {
	Name string `json:"name"`
}

type workflowExecution struct {
	WorkflowID string `json:"workflowId"`
	RunID      string `json:"runId,omitempty"`
}

type activityType struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type deadline struct {
	TimeoutType           string        `json:"timeoutType"`
	TimeoutSeconds        int64         `json:"timeoutSeconds"`
	DeadlineTimestamp     awsjson.Epoch `json:"deadlineTimestamp"`
	RemainingMilliseconds int64         `json:"remainingMilliseconds"`
}

type activityTaskInfo struct {
	Domain                 string            `json:"domain"`
	TaskList               taskList          `json:"taskList"`
	Execution              workflowExecution `json:"execution"`
	ExecutionArn           string            `json:"executionArn,omitempty"`
	ActivityArn            string            `json:"activityArn,omitempty"`
	StateName              string            `json:"stateName,omitempty"`
	ActivityID             string            `json:"activityId,omitempty"`
	ActivityType           *activityType     `json:"activityType,omitempty"`
	ScheduledEventID       int64             `json:"scheduledEventId"`
	StartedEventID         int64             `json:"startedEventId,omitempty"`
	State                  string            `json:"state"`
	Identity               string            `json:"identity,omitempty"`
	ScheduledTimestamp     awsjson.Epoch     `json:"scheduledTimestamp"`
	StartedTimestamp       *awsjson.Epoch    `json:"startedTimestamp,omitempty"`
	LastHeartbeatTimestamp *awsjson.Epoch    `json:"lastHeartbeatTimestamp,omitempty"`
	HeartbeatDetails       *string           `json:"heartbeatDetails,omitempty"`
	HeartbeatCount         int64             `json:"heartbeatCount"`
	CancelRequested        bool              `json:"cancelRequested"`
	Attempt                int               `json:"attempt"`
	Priority               int32             `json:"priority"`
	Deadlines              []deadline        `json:"deadlines"`
}

type listOpenActivityTasksInput struct {
	Domain          string             `json:"domain"`
	TaskList        *taskList          `json:"taskList"`
	Execution       *workflowExecution `json:"execution"`
	ActivityArn     string             `json:"activityArn"`
	ExecutionArn    string             `json:"executionArn"`
	State           string             `json:"state"`
	MaximumPageSize int                `json:"maximumPageSize"`
	NextPageToken   string             `json:"nextPageToken"`
}

type listOpenActivityTasksOutput struct {
	ActivityTasks    []activityTaskInfo `json:"activityTasks"`
	NextPageToken    string             `json:"nextPageToken,omitempty"`
	CurrentTimestamp awsjson.Epoch      `json:"currentTimestamp"`
}

type describeActivityTaskInput struct {
	Domain           string             `json:"domain"`
	Execution        *workflowExecution `json:"execution"`
	ExecutionArn     string             `json:"executionArn"`
	ScheduledEventID int64              `json:"scheduledEventId"`
}

type describeActivityTaskOutput struct {
	ActivityTask     activityTaskInfo `json:"activityTask"`
	Input            string           `json:"input,omitempty"`
	CurrentTimestamp awsjson.Epoch    `json:"currentTimestamp"`
}

func (s *Service) listOpenActivityTasks(ctx context.Context, in *listOpenActivityTasksInput) (any, error) {
	scopes := 0
	for _, set := range []bool{in.Domain != "", in.ActivityArn != "", in.ExecutionArn != ""} {
		if set {
			scopes++
		}
	}
	switch {
	case scopes != 1:
		return nil, awsjson.ValidationError("Exactly one of domain, activityArn and executionArn must be given")
	case in.Domain == "" && (in.TaskList != nil || in.Execution != nil):
		return nil, awsjson.ValidationError("taskList and execution narrow a domain: give domain with them")
	}
	q := engine.OpenActivitiesInput{State: openswf.ActivityState(toLower(in.State)), PageSize: in.MaximumPageSize,
		NextPageToken: in.NextPageToken}
	if q.PageSize == 0 {
		q.PageSize = defaultPageSize
	}
	var sfnScope bool
	switch {
	case in.Domain != "":
		if err := s.authorize(ctx, "ListOpenActivityTasks", s.domainARN(in.Domain)); err != nil {
			return nil, err
		}
		if in.Domain == sfn.Domain {
			// Step Functions' tasks are reached through their ARNs, as on the rest of the API.
			return nil, openswf.Errorf(openswf.KindUnknownResource, "Unknown domain: %s", in.Domain)
		}
		q.Domain = in.Domain
		if in.TaskList != nil {
			q.TaskList = in.TaskList.Name
		}
		if in.Execution != nil {
			q.Execution = openswf.WorkflowExecution{WorkflowID: in.Execution.WorkflowID, RunID: in.Execution.RunID}
		}
	case in.ActivityArn != "":
		if err := s.authorize(ctx, "ListOpenActivityTasks", in.ActivityArn); err != nil {
			return nil, err
		}
		name, err := s.states.ActivityTaskList(ctx, in.ActivityArn)
		if err != nil {
			return nil, err
		}
		q.Domain, q.TaskList, sfnScope = sfn.Domain, name, true
	default:
		if err := s.authorize(ctx, "ListOpenActivityTasks", in.ExecutionArn); err != nil {
			return nil, err
		}
		x, err := s.states.ExecutionRun(ctx, in.ExecutionArn)
		if err != nil {
			return nil, err
		}
		q.Domain, q.Execution, sfnScope = sfn.Domain, openswf.WorkflowExecution{WorkflowID: x.WorkflowID, RunID: x.RunID}, true
	}
	tasks, x, next, err := s.eng.OpenActivities(ctx, q)
	if err != nil {
		return nil, err
	}
	// Now is after the read, so that no heartbeat read looks newer than it.
	now := s.opts.Clock.Now()
	out := &listOpenActivityTasksOutput{ActivityTasks: []activityTaskInfo{}, NextPageToken: next, CurrentTimestamp: awsjson.Epoch(now)}
	views := runViews{s: s, runs: map[string]map[string]sfn.TaskView{}}
	if x != nil {
		views.runs[x.RunID] = s.states.ExecutionTasks(x)
	}
	for _, a := range tasks {
		info := s.info(a, now)
		if sfnScope {
			if info.ActivityArn == "" {
				continue // an integration's work or a callback's wait: no activity task of the execution
			}
			if err := views.fill(ctx, a, &info); err != nil {
				return nil, err
			}
		}
		out.ActivityTasks = append(out.ActivityTasks, info)
	}
	return out, nil
}

func (s *Service) describeActivityTask(ctx context.Context, in *describeActivityTaskInput) (any, error) {
	var (
		domain string
		ref    openswf.WorkflowExecution
	)
	switch {
	case (in.Domain != "") == (in.ExecutionArn != ""):
		return nil, awsjson.ValidationError("Exactly one of domain and executionArn must be given")
	case in.Domain != "":
		if in.Execution == nil {
			return nil, awsjson.ValidationError("execution must be given with domain")
		}
		if err := s.authorize(ctx, "DescribeActivityTask", s.domainARN(in.Domain)); err != nil {
			return nil, err
		}
		if in.Domain == sfn.Domain {
			return nil, openswf.Errorf(openswf.KindUnknownResource, "Unknown domain: %s", in.Domain)
		}
		domain, ref = in.Domain, openswf.WorkflowExecution{WorkflowID: in.Execution.WorkflowID, RunID: in.Execution.RunID}
	default:
		if in.Execution != nil {
			return nil, awsjson.ValidationError("execution narrows a domain: give domain with it")
		}
		if err := s.authorize(ctx, "DescribeActivityTask", in.ExecutionArn); err != nil {
			return nil, err
		}
		x, err := s.states.ExecutionRun(ctx, in.ExecutionArn)
		if err != nil {
			return nil, err
		}
		domain, ref = sfn.Domain, openswf.WorkflowExecution{WorkflowID: x.WorkflowID, RunID: x.RunID}
	}
	a, x, err := s.eng.OpenActivity(ctx, domain, ref, in.ScheduledEventID)
	if err != nil {
		return nil, err
	}
	now := s.opts.Clock.Now()
	info := s.info(a, now)
	if domain == sfn.Domain {
		if info.ActivityArn == "" {
			return nil, openswf.Errorf(openswf.KindUnknownResource, "Unknown activity task: scheduledEventId=%d of %s is no activity task",
				in.ScheduledEventID, in.ExecutionArn)
		}
		views := runViews{s: s, runs: map[string]map[string]sfn.TaskView{x.RunID: s.states.ExecutionTasks(x)}}
		if err := views.fill(ctx, a, &info); err != nil {
			return nil, err
		}
	}
	return &describeActivityTaskOutput{ActivityTask: info, Input: a.Input, CurrentTimestamp: awsjson.Epoch(now)}, nil
}

// info is what the wire shows of an open task, as of now.
func (s *Service) info(a *openswf.ActivityTask, now time.Time) activityTaskInfo {
	info := activityTaskInfo{
		Domain:             a.Domain,
		TaskList:           taskList{Name: a.TaskList},
		Execution:          workflowExecution{WorkflowID: a.WorkflowID, RunID: a.RunID},
		ScheduledEventID:   a.ScheduledID,
		State:              "SCHEDULED",
		ScheduledTimestamp: awsjson.Epoch(a.ScheduledAt),
		HeartbeatCount:     a.Heartbeats,
		CancelRequested:    a.CancelRequested,
		Attempt:            1,
		Priority:           a.Priority,
		HeartbeatDetails:   a.Details,
	}
	if a.Domain == sfn.Domain {
		info.ExecutionArn = s.states.ExecutionARN(a.WorkflowID)
		info.ActivityArn = s.states.ActivityARN(a.TaskList)
	} else {
		info.ActivityID = a.ActivityID
		info.ActivityType = &activityType{Name: a.Type.Name, Version: a.Type.Version}
	}
	add := func(typ string, timeout time.Duration, from time.Time) {
		if timeout <= 0 || from.IsZero() {
			return
		}
		due := from.Add(timeout)
		info.Deadlines = append(info.Deadlines, deadline{TimeoutType: typ, TimeoutSeconds: int64(timeout / time.Second),
			DeadlineTimestamp: awsjson.Epoch(due), RemainingMilliseconds: due.Sub(now).Milliseconds()})
	}
	add("SCHEDULE_TO_CLOSE", a.ScheduleToClose, a.ScheduledAt)
	if a.StartedID == 0 {
		add("SCHEDULE_TO_START", a.ScheduleToStart, a.ScheduledAt)
	} else {
		info.State, info.StartedEventID, info.Identity = "STARTED", a.StartedID, a.Identity
		started := awsjson.Epoch(a.StartedAt)
		info.StartedTimestamp = &started
		if !a.LastHeartbeatAt.IsZero() {
			last := awsjson.Epoch(a.LastHeartbeatAt)
			info.LastHeartbeatTimestamp = &last
		}
		add("START_TO_CLOSE", a.StartToClose, a.StartedAt)
		if d := a.HeartbeatDeadline(); !d.IsZero() {
			add("HEARTBEAT", a.Heartbeat, d.Add(-a.Heartbeat))
		}
	}
	slices.SortStableFunc(info.Deadlines, func(x, y deadline) int {
		return time.Time(x.DeadlineTimestamp).Compare(time.Time(y.DeadlineTimestamp))
	})
	if info.Deadlines == nil {
		info.Deadlines = []deadline{}
	}
	return info
}

// runViews reads, once per run, what the open tasks of Step Functions executions serve.
type runViews struct {
	s    *Service
	runs map[string]map[string]sfn.TaskView // by run id, then activity id
}

// fill sets the state name and attempt of a Step Functions task.
func (v runViews) fill(ctx context.Context, a *openswf.ActivityTask, info *activityTaskInfo) error {
	views, ok := v.runs[a.RunID]
	if !ok {
		x, err := v.s.eng.DescribeExecution(ctx, sfn.Domain, openswf.WorkflowExecution{WorkflowID: a.WorkflowID, RunID: a.RunID})
		switch {
		case openswf.KindOf(err) == openswf.KindUnknownResource:
			// The run was purged between the two reads: the task is gone with it.
		case err != nil:
			return err
		default:
			views = v.s.states.ExecutionTasks(x)
		}
		v.runs[a.RunID] = views
	}
	if view, ok := views[a.ActivityID]; ok {
		info.StateName, info.Attempt = view.StateName, view.Attempt
	}
	return nil
}

// authorize asks access control whether the caller may take the operation on resource.
func (s *Service) authorize(ctx context.Context, op, resource string) error {
	if s.opts.Authorizer == nil {
		return nil
	}
	return s.opts.Authorizer.Authorize(ctx, openswf.AccessRequest{Action: "openswf:" + op, Resource: resource})
}

// domainARN is an SWF domain's ARN, as SWF's access control names it.
func (s *Service) domainARN(name string) string {
	return "arn:aws:swf:" + s.opts.Region + ":" + s.opts.Account + ":/domain/" + name
}

// toLower lower-cases an ActivityTaskState (the model admits only SCHEDULED and STARTED).
func toLower(state string) string {
	switch state {
	case "SCHEDULED":
		return string(openswf.ActivityScheduled)
	case "STARTED":
		return string(openswf.ActivityStarted)
	}
	return ""
}

// unavailableMessage is all a client learns of a storage fault.
const unavailableMessage = "Storage is unavailable: retry later"

// toFault turns an engine error into what the client sees; faults the handlers made pass as they are.
// Unclassified errors pass through, so that the server logs them and answers InternalFailure.
func toFault(err error) error {
	var e *openswf.Error
	if !errors.As(err, &e) {
		return err
	}
	switch e.Kind {
	case openswf.KindValidation:
		return awsjson.ValidationError(e.Message)
	case openswf.KindUnknownResource:
		return awsjson.NewFault(namespace+"UnknownResourceFault", e.Message)
	case openswf.KindOperationNotPermitted:
		return awsjson.NewFault(namespace+"OperationNotPermittedFault", e.Message)
	case openswf.KindUnavailable, openswf.KindConflict:
		return fmt.Errorf("%w: %w", awsjson.ServiceUnavailable(unavailableMessage), err)
	}
	return err
}
