package sfn

import (
	"context"
	_ "embed"
	"fmt"
	"sync"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/awsjson"
	"github.com/openswf/openswf/engine"
)

//go:embed model/states-2016-11-23.json
var modelJSON []byte

// Model parses the embedded Step Functions service model.
func Model() (*awsjson.Model, error) {
	return awsjson.ParseModel(modelJSON)
}

// Domain is the engine's internal domain that holds Step Functions' activities and executions.
const Domain = "openswf:states"

// retentionDays is how long closed executions stay: the 90 days Step Functions keeps a history.
const retentionDays = "90"

// Options configure the Step Functions API.
type Options struct {
	// Region and Account appear in every ARN.
	Region  string
	Account string
	// Authorizer, when set, decides every operation (access.go); nil lets every caller do everything.
	Authorizer openswf.Authorizer
}

// Service serves the Step Functions API over an engine.
type Service struct {
	eng     *engine.Engine
	opts    Options
	decider *decider

	// model is the parsed service model, for the integration workers' calls.
	model func() (*awsjson.Model, error)
	// stop ends the integration workers; workers waits for them.
	stop    context.CancelFunc
	workers sync.WaitGroup
}

// New returns the Step Functions API. Its Decider goes into the engine's options; Open then attaches the
// engine, before the service serves.
func New(opts Options) *Service {
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.Account == "" {
		opts.Account = "000000000000"
	}
	s := &Service{opts: opts, model: sync.OnceValues(Model)}
	s.decider = &decider{s: s, machines: map[string]*parsedMachine{}, states: map[string]decodedState{}}
	return s
}

// Decider is the engine's in-process decider of Step Functions' executions, to be named DeciderName in the
// engine's options.
func (s *Service) Decider() engine.Decider { return s.decider }

// Open attaches the engine and makes sure its internal domain of Step Functions exists, with the activity
// types of integration and callback tasks.
func (s *Service) Open(ctx context.Context, eng *engine.Engine) error {
	s.eng = eng
	if err := eng.EnsureInternalDomain(ctx, Domain, retentionDays); err != nil {
		return err
	}
	return s.registerInternalTypes(ctx)
}

// Register adds the Step Functions operations to srv. The model's operations that have no handler yet
// answer UnknownOperationException; docs/COMPATIBILITY.md lists them.
func (s *Service) Register(srv *awsjson.Server) error {
	m, err := Model()
	if err != nil {
		return fmt.Errorf("parse states model: %w", err)
	}
	ops := s.operations()
	if s.opts.Authorizer != nil {
		for name, op := range ops {
			ops[name] = s.withAccess(name, op)
		}
	}
	for _, name := range m.Operations() {
		if _, ok := ops[name]; !ok {
			ops[name] = notYet(name)
		}
	}
	return srv.RegisterOperations(m, ops)
}

// notYet is the operation of the model this server does not serve yet (versions and aliases, redrive, map
// runs, TestState, StartSyncExecution): a modeled ValidationException that says so, after the request has
// passed the model's validation like any other.
func notYet(name string) awsjson.Operation {
	return awsjson.Operation{Handler: func(context.Context, []byte) (any, error) {
		return nil, fault("ValidationException", fmt.Sprintf("%s is not supported by this server yet", name))
	}}
}

// handle adapts a typed Step Functions operation, which access control checks first when it is on.
func handle[In any](fn func(ctx context.Context, in *In) (any, error)) awsjson.Operation {
	return awsjson.Typed(func(ctx context.Context, in *In) (any, error) {
		if err := checkAccess(ctx, in); err != nil {
			return nil, err
		}
		return fn(ctx, in)
	}, toFault)
}

// empty is the answer of operations whose output has no members.
type empty struct{}

func (s *Service) operations() map[string]awsjson.Operation {
	return map[string]awsjson.Operation{
		"CreateActivity":    handle(s.createActivity),
		"DescribeActivity":  handle(s.describeActivity),
		"ListActivities":    handle(s.listActivities),
		"DeleteActivity":    handle(s.deleteActivity),
		"GetActivityTask":   handle(s.getActivityTask),
		"SendTaskHeartbeat": handle(s.sendTaskHeartbeat),
		"SendTaskSuccess":   handle(s.sendTaskSuccess),
		"SendTaskFailure":   handle(s.sendTaskFailure),

		"CreateStateMachine":               handle(s.createStateMachine),
		"DescribeStateMachine":             handle(s.describeStateMachine),
		"ListStateMachines":                handle(s.listStateMachines),
		"UpdateStateMachine":               handle(s.updateStateMachine),
		"DeleteStateMachine":               handle(s.deleteStateMachine),
		"DescribeStateMachineForExecution": handle(s.describeStateMachineForExecution),
		"ValidateStateMachineDefinition":   handle(s.validateDefinition),

		"StartExecution":      handle(s.startExecution),
		"DescribeExecution":   handle(s.describeExecution),
		"ListExecutions":      handle(s.listExecutions),
		"StopExecution":       handle(s.stopExecution),
		"GetExecutionHistory": handle(s.getExecutionHistory),

		"TagResource":         handle(s.tagResource),
		"UntagResource":       handle(s.untagResource),
		"ListTagsForResource": handle(s.listTagsForResource),
	}
}
