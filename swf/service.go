package swf

import (
	"context"
	_ "embed"
	"fmt"
	"reflect"
	"strings"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/awsjson"
	"github.com/openswf/openswf/engine"
)

//go:embed model/swf-2012-01-25.json
var modelJSON []byte

// The two answers to a heartbeat, encoded once.
var (
	heartbeatCanceled = awsjson.RawJSON(`{"cancelRequested":true}`)
	heartbeatGoOn     = awsjson.RawJSON(`{"cancelRequested":false}`)
)

// Model parses the embedded SWF service model.
func Model() (*awsjson.Model, error) {
	return awsjson.ParseModel(modelJSON)
}

// Options configure the SWF API.
type Options struct {
	// Region and Account appear in domain ARNs.
	Region  string
	Account string
	// Authorizer, when set, decides every operation and decision (access.go); nil lets every caller do
	// everything.
	Authorizer openswf.Authorizer
}

// Service serves the SWF API over an engine.
type Service struct {
	eng  *engine.Engine
	opts Options
}

// New returns the SWF API over eng.
func New(eng *engine.Engine, opts Options) *Service {
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.Account == "" {
		opts.Account = "000000000000"
	}
	return &Service{eng: eng, opts: opts}
}

// Register adds the SWF operations to srv.
func (s *Service) Register(srv *awsjson.Server) error {
	m, err := Model()
	if err != nil {
		return fmt.Errorf("parse swf model: %w", err)
	}
	ops := s.operations()
	if s.opts.Authorizer != nil {
		for name, op := range ops {
			ops[name] = s.withAccess(name, op)
		}
	}
	return srv.RegisterOperations(m, ops)
}

// handle adapts a typed SWF operation: a request that names an internal domain is refused before fn runs.
func handle[In any](fn func(ctx context.Context, in *In) (any, error)) awsjson.Operation {
	domain := domainField(reflect.TypeFor[In]())
	return awsjson.Typed(func(ctx context.Context, in *In) (any, error) {
		if err := refuseInternal(reflect.ValueOf(in).Elem(), domain); err != nil {
			return nil, err
		}
		if err := checkAccess(ctx, in); err != nil {
			return nil, err
		}
		return fn(ctx, in)
	}, toFault)
}

// nameInput is the input of the domain operations (DescribeDomain, DeprecateDomain, UndeprecateDomain):
// its name is a domain's.
type nameInput struct {
	Name string `json:"name"`
}

type activityTypeInput struct {
	Domain       string               `json:"domain"`
	ActivityType openswf.ActivityType `json:"activityType"`
}

type workflowTypeInput struct {
	Domain       string               `json:"domain"`
	WorkflowType openswf.WorkflowType `json:"workflowType"`
}

type executionInput struct {
	Domain     string `json:"domain"`
	WorkflowID string `json:"workflowId"`
	RunID      string `json:"runId"`
}

type describeExecutionInput struct {
	Domain    string                    `json:"domain"`
	Execution openswf.WorkflowExecution `json:"execution"`
}

type countPendingInput struct {
	Domain   string           `json:"domain"`
	TaskList openswf.TaskList `json:"taskList"`
}

type pollActivityInput struct {
	Domain   string           `json:"domain"`
	TaskList openswf.TaskList `json:"taskList"`
	Identity string           `json:"identity"`
}

type heartbeatInput struct {
	TaskToken string  `json:"taskToken"`
	Details   *string `json:"details"`
}

type completeActivityInput struct {
	TaskToken string `json:"taskToken"`
	Result    string `json:"result"`
}

type failActivityInput struct {
	TaskToken string `json:"taskToken"`
	Reason    string `json:"reason"`
	Details   string `json:"details"`
}

type cancelActivityInput struct {
	TaskToken string `json:"taskToken"`
	Details   string `json:"details"`
}

// registerTypeInput holds the members RegisterActivityType and RegisterWorkflowType share.
type registerTypeInput struct {
	Domain       string            `json:"domain"`
	Name         string            `json:"name"`
	Version      string            `json:"version"`
	Description  string            `json:"description"`
	TaskList     *openswf.TaskList `json:"defaultTaskList"`
	Priority     string            `json:"defaultTaskPriority"`
	StartToClose string            `json:"defaultTaskStartToCloseTimeout"`
}

func (in *registerTypeInput) engine() engine.RegisterTypeInput {
	return engine.RegisterTypeInput{Domain: in.Domain, Name: in.Name, Version: in.Version, Description: in.Description,
		TaskList: in.TaskList, Priority: in.Priority, StartToClose: in.StartToClose}
}

type registerActivityTypeInput struct {
	registerTypeInput
	Heartbeat       string `json:"defaultTaskHeartbeatTimeout"`
	ScheduleToStart string `json:"defaultTaskScheduleToStartTimeout"`
	ScheduleToClose string `json:"defaultTaskScheduleToCloseTimeout"`
}

func (in *registerActivityTypeInput) engine() engine.RegisterTypeInput {
	out := in.registerTypeInput.engine()
	out.Heartbeat, out.ScheduleToStart, out.ScheduleToClose = in.Heartbeat, in.ScheduleToStart, in.ScheduleToClose
	return out
}

type registerWorkflowTypeInput struct {
	registerTypeInput
	ExecutionStartToClose string `json:"defaultExecutionStartToCloseTimeout"`
	ChildPolicy           string `json:"defaultChildPolicy"`
	LambdaRole            string `json:"defaultLambdaRole"`
}

func (in *registerWorkflowTypeInput) engine() engine.RegisterTypeInput {
	out := in.registerTypeInput.engine()
	out.ExecutionStartToClose, out.ChildPolicy, out.LambdaRole = in.ExecutionStartToClose, in.ChildPolicy, in.LambdaRole
	return out
}

func none(err error) (any, error) { return nil, err }

func (s *Service) domainARN(name string) string {
	return "arn:aws:swf:" + s.opts.Region + ":" + s.opts.Account + ":/domain/" + name
}

// domainOfARN returns the name of the domain an ARN of this server's region and account names, or
// UnknownResourceFault: SWF tags domains only.
func (s *Service) domainOfARN(arn string) (string, error) {
	name, ok := strings.CutPrefix(arn, s.domainARN(""))
	if !ok || name == "" {
		return "", openswf.Errorf(openswf.KindUnknownResource, "Unknown resource: %s", arn)
	}
	return name, nil
}

func (s *Service) domainInfo(d *openswf.Domain) domainInfo {
	return domainInfo{Name: d.Name, Status: string(d.Status), Description: d.Description, Arn: s.domainARN(d.Name)}
}

func (s *Service) operations() map[string]awsjson.Operation {
	e := s.eng
	return map[string]awsjson.Operation{
		"RegisterDomain": handle(func(ctx context.Context, in *registerDomainInput) (any, error) {
			return none(e.RegisterDomain(ctx, in.engine()))
		}),
		"DescribeDomain": handle(func(ctx context.Context, in *nameInput) (any, error) {
			d, err := e.DescribeDomain(ctx, in.Name)
			if err != nil {
				return nil, err
			}
			out := &domainDetail{DomainInfo: s.domainInfo(d)}
			out.Configuration.Retention = d.RetentionDays
			return out, nil
		}),
		"ListDomains": handle(func(ctx context.Context, in *listDomainsInput) (any, error) {
			ds, next, err := e.ListDomains(ctx, in.engine())
			if err != nil {
				return nil, err
			}
			ds = visibleDomains(ds)
			out := &domainInfos{DomainInfos: make([]domainInfo, 0, len(ds)), NextPageToken: next}
			for _, d := range ds {
				out.DomainInfos = append(out.DomainInfos, s.domainInfo(d))
			}
			return out, nil
		}),
		"DeprecateDomain": handle(func(ctx context.Context, in *nameInput) (any, error) {
			return none(e.DeprecateDomain(ctx, in.Name))
		}),
		"UndeprecateDomain": handle(func(ctx context.Context, in *nameInput) (any, error) {
			return none(e.UndeprecateDomain(ctx, in.Name))
		}),

		"RegisterActivityType": handle(func(ctx context.Context, in *registerActivityTypeInput) (any, error) {
			return none(e.RegisterType(ctx, openswf.KindActivityType, in.engine()))
		}),
		"DescribeActivityType": handle(func(ctx context.Context, in *activityTypeInput) (any, error) {
			t, err := e.DescribeType(ctx, openswf.KindActivityType, in.Domain, in.ActivityType.Name, in.ActivityType.Version)
			if err != nil {
				return nil, err
			}
			return newTypeDetail(t), nil
		}),
		"ListActivityTypes": handle(func(ctx context.Context, in *listTypesInput) (any, error) {
			return s.listTypes(ctx, openswf.KindActivityType, in.engine())
		}),
		"DeprecateActivityType": handle(func(ctx context.Context, in *activityTypeInput) (any, error) {
			return none(e.DeprecateType(ctx, openswf.KindActivityType, in.Domain, in.ActivityType.Name, in.ActivityType.Version))
		}),
		"UndeprecateActivityType": handle(func(ctx context.Context, in *activityTypeInput) (any, error) {
			return none(e.UndeprecateType(ctx, openswf.KindActivityType, in.Domain, in.ActivityType.Name, in.ActivityType.Version))
		}),
		"DeleteActivityType": handle(func(ctx context.Context, in *activityTypeInput) (any, error) {
			return none(e.DeleteType(ctx, openswf.KindActivityType, in.Domain, in.ActivityType.Name, in.ActivityType.Version))
		}),

		"RegisterWorkflowType": handle(func(ctx context.Context, in *registerWorkflowTypeInput) (any, error) {
			return none(e.RegisterType(ctx, openswf.KindWorkflowType, in.engine()))
		}),
		"DescribeWorkflowType": handle(func(ctx context.Context, in *workflowTypeInput) (any, error) {
			t, err := e.DescribeType(ctx, openswf.KindWorkflowType, in.Domain, in.WorkflowType.Name, in.WorkflowType.Version)
			if err != nil {
				return nil, err
			}
			return newTypeDetail(t), nil
		}),
		"ListWorkflowTypes": handle(func(ctx context.Context, in *listTypesInput) (any, error) {
			return s.listTypes(ctx, openswf.KindWorkflowType, in.engine())
		}),
		"DeprecateWorkflowType": handle(func(ctx context.Context, in *workflowTypeInput) (any, error) {
			return none(e.DeprecateType(ctx, openswf.KindWorkflowType, in.Domain, in.WorkflowType.Name, in.WorkflowType.Version))
		}),
		"UndeprecateWorkflowType": handle(func(ctx context.Context, in *workflowTypeInput) (any, error) {
			return none(e.UndeprecateType(ctx, openswf.KindWorkflowType, in.Domain, in.WorkflowType.Name, in.WorkflowType.Version))
		}),
		"DeleteWorkflowType": handle(func(ctx context.Context, in *workflowTypeInput) (any, error) {
			return none(e.DeleteType(ctx, openswf.KindWorkflowType, in.Domain, in.WorkflowType.Name, in.WorkflowType.Version))
		}),

		"StartWorkflowExecution": handle(func(ctx context.Context, in *startWorkflowInput) (any, error) {
			runID, err := e.StartWorkflow(ctx, in.engine())
			if err != nil {
				return nil, err
			}
			return map[string]string{"runId": runID}, nil
		}),
		"SignalWorkflowExecution": handle(func(ctx context.Context, in *signalInput) (any, error) {
			return none(e.Signal(ctx, in.engine()))
		}),
		"RequestCancelWorkflowExecution": handle(func(ctx context.Context, in *executionInput) (any, error) {
			return none(e.RequestCancel(ctx, in.Domain, in.WorkflowID, in.RunID))
		}),
		"TerminateWorkflowExecution": handle(func(ctx context.Context, in *terminateInput) (any, error) {
			return none(e.Terminate(ctx, in.engine()))
		}),
		"DescribeWorkflowExecution": handle(func(ctx context.Context, in *describeExecutionInput) (any, error) {
			x, err := e.DescribeExecution(ctx, in.Domain, in.Execution)
			if err != nil {
				return nil, err
			}
			return newExecutionDetail(x), nil
		}),
		"GetWorkflowExecutionHistory": handle(func(ctx context.Context, in *historyInput) (any, error) {
			evs, next, err := e.History(ctx, in.engine())
			if err != nil {
				return nil, err
			}
			return &history{Events: events(evs), NextPageToken: next}, nil
		}),

		"PollForDecisionTask": handle(func(ctx context.Context, in *pollDecisionInput) (any, error) {
			t, err := e.PollDecision(ctx, in.engine())
			if err != nil {
				return nil, err
			}
			if t == nil {
				return &decisionTask{}, nil
			}
			ex, wt := t.Execution, t.Type
			return &decisionTask{
				TaskToken: t.TaskToken, StartedEventID: t.StartedEventID, WorkflowExecution: &ex, WorkflowType: &wt,
				Events: events(t.Events), NextPageToken: t.NextPageToken, PreviousStartedEventID: t.PreviousStartedEventID,
			}, nil
		}),
		"RespondDecisionTaskCompleted": handle(func(ctx context.Context, in *respondDecisionInput) (any, error) {
			req := in.engine()
			denied, err := s.notPermitted(ctx, in.TaskToken, in.Decisions)
			if err != nil {
				return nil, err
			}
			req.NotPermitted = denied
			return none(e.RespondDecision(ctx, req))
		}),
		"CountPendingDecisionTasks": handle(func(ctx context.Context, in *countPendingInput) (any, error) {
			n, err := e.CountPending(ctx, openswf.TaskDecision, in.Domain, in.TaskList.Name)
			if err != nil {
				return nil, err
			}
			return &pendingTaskCount{Count: n}, nil
		}),

		"PollForActivityTask": handle(func(ctx context.Context, in *pollActivityInput) (any, error) {
			t, err := e.PollActivity(ctx, in.Domain, in.TaskList.Name, in.Identity)
			if err != nil {
				return nil, err
			}
			if t == nil {
				return &activityTask{}, nil
			}
			ex, at := t.Execution, t.Type
			return &activityTask{
				TaskToken: t.TaskToken, ActivityID: t.ActivityID, StartedEventID: t.StartedEventID,
				WorkflowExecution: &ex, ActivityType: &at, Input: t.Input,
			}, nil
		}),
		"RecordActivityTaskHeartbeat": handle(func(ctx context.Context, in *heartbeatInput) (any, error) {
			if err := s.refuseInternalToken(ctx, in.TaskToken); err != nil {
				return nil, err
			}
			cancel, err := e.Heartbeat(ctx, in.TaskToken, in.Details)
			if err != nil {
				return nil, err
			}
			if cancel {
				return heartbeatCanceled, nil
			}
			return heartbeatGoOn, nil
		}),
		"RespondActivityTaskCompleted": handle(func(ctx context.Context, in *completeActivityInput) (any, error) {
			if err := s.refuseInternalToken(ctx, in.TaskToken); err != nil {
				return nil, err
			}
			return none(e.CompleteActivity(ctx, in.TaskToken, in.Result))
		}),
		"RespondActivityTaskFailed": handle(func(ctx context.Context, in *failActivityInput) (any, error) {
			if err := s.refuseInternalToken(ctx, in.TaskToken); err != nil {
				return nil, err
			}
			return none(e.FailActivity(ctx, in.TaskToken, in.Reason, in.Details))
		}),
		"RespondActivityTaskCanceled": handle(func(ctx context.Context, in *cancelActivityInput) (any, error) {
			if err := s.refuseInternalToken(ctx, in.TaskToken); err != nil {
				return nil, err
			}
			return none(e.CancelActivity(ctx, in.TaskToken, in.Details))
		}),
		"CountPendingActivityTasks": handle(func(ctx context.Context, in *countPendingInput) (any, error) {
			n, err := e.CountPending(ctx, openswf.TaskActivity, in.Domain, in.TaskList.Name)
			if err != nil {
				return nil, err
			}
			return &pendingTaskCount{Count: n}, nil
		}),

		"ListOpenWorkflowExecutions": handle(func(ctx context.Context, in *listOpenInput) (any, error) {
			return s.listExecutions(ctx, true, in.page(in.engine()))
		}),
		"ListClosedWorkflowExecutions": handle(func(ctx context.Context, in *listClosedInput) (any, error) {
			return s.listExecutions(ctx, false, in.page(in.engine()))
		}),
		"CountOpenWorkflowExecutions": handle(func(ctx context.Context, in *countOpenInput) (any, error) {
			return s.countExecutions(ctx, true, in.engine())
		}),
		"CountClosedWorkflowExecutions": handle(func(ctx context.Context, in *countClosedInput) (any, error) {
			return s.countExecutions(ctx, false, in.engine())
		}),

		"TagResource": handle(func(ctx context.Context, in *tagResourceInput) (any, error) {
			name, err := s.domainOfARN(in.ResourceArn)
			if err != nil {
				return nil, err
			}
			return none(e.TagDomain(ctx, name, in.Tags))
		}),
		"UntagResource": handle(func(ctx context.Context, in *untagResourceInput) (any, error) {
			name, err := s.domainOfARN(in.ResourceArn)
			if err != nil {
				return nil, err
			}
			return none(e.UntagDomain(ctx, name, in.TagKeys))
		}),
		"ListTagsForResource": handle(func(ctx context.Context, in *resourceInput) (any, error) {
			name, err := s.domainOfARN(in.ResourceArn)
			if err != nil {
				return nil, err
			}
			tags, err := e.DomainTags(ctx, name)
			if err != nil {
				return nil, err
			}
			if tags == nil {
				tags = []openswf.ResourceTag{}
			}
			return &resourceTags{Tags: tags}, nil
		}),
	}
}

func (s *Service) listTypes(ctx context.Context, kind openswf.TypeKind, in engine.ListTypesInput) (any, error) {
	ts, next, err := s.eng.ListTypes(ctx, kind, in)
	if err != nil {
		return nil, err
	}
	out := &typeInfos{TypeInfos: make([]typeInfo, 0, len(ts)), NextPageToken: next}
	for _, t := range ts {
		out.TypeInfos = append(out.TypeInfos, newTypeInfo(t))
	}
	return out, nil
}

func (s *Service) listExecutions(ctx context.Context, open bool, in engine.VisibilityInput) (any, error) {
	xs, next, err := s.eng.ListExecutions(ctx, open, in)
	if err != nil {
		return nil, err
	}
	out := &executionInfos{ExecutionInfos: make([]executionInfo, 0, len(xs)), NextPageToken: next}
	for _, x := range xs {
		out.ExecutionInfos = append(out.ExecutionInfos, newExecutionInfo(x))
	}
	return out, nil
}

func (s *Service) countExecutions(ctx context.Context, open bool, in engine.VisibilityInput) (any, error) {
	n, truncated, err := s.eng.CountExecutions(ctx, open, in)
	if err != nil {
		return nil, err
	}
	return &executionCount{Count: n, Truncated: truncated}, nil
}
