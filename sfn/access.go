package sfn

import (
	"context"
	"errors"
	"reflect"
	"sync"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/awsjson"
)

// Access control (Options.Authorizer): every operation is the IAM action "states:<Operation>" on the
// resource AWS's service authorization reference gives it: the activity, state machine or execution ARN the
// request names (CreateActivity and CreateStateMachine: the ARN being created), and "*" for the list
// operations and the task-token operations, which no resource narrows. A refusal answers
// AccessDeniedException.

type accessCheck struct {
	s  *Service
	op string
}

// withAccess marks an operation so that its typed handler checks access (see handle).
func (s *Service) withAccess(op string, o awsjson.Operation) awsjson.Operation {
	return awsjson.Annotate(o, &accessCheck{s: s, op: op})
}

// checkAccess asks the authorizer whether the caller may take the operation with this input; nil when
// access control is off.
func checkAccess(ctx context.Context, in any) error {
	c, _ := awsjson.OperationValue(ctx).(*accessCheck)
	if c == nil {
		return nil
	}
	err := c.s.opts.Authorizer.Authorize(ctx, c.s.accessRequest(c.op, in))
	var e *openswf.Error
	if errors.As(err, &e) && e.Kind == openswf.KindOperationNotPermitted {
		return awsjson.NewFault("AccessDeniedException", e.Message)
	}
	return err
}

// accessRequest is what the operation asks of access control.
func (s *Service) accessRequest(op string, in any) openswf.AccessRequest {
	req := openswf.AccessRequest{Action: "states:" + op, Resource: "*"}
	v := reflect.ValueOf(in).Elem()
	f := resourceFieldOf(v.Type())
	switch {
	case f.arn != nil:
		req.Resource = v.FieldByIndex(f.arn).String()
	case op == "CreateActivity":
		req.Resource = s.arn(arnActivity, v.FieldByName("Name").String())
	case op == "CreateStateMachine":
		req.Resource = s.arn(arnStateMachine, v.FieldByName("Name").String())
	}
	return req
}

// resourceField is the field of an input type that names its resource.
type resourceField struct{ arn []int }

var resourceFields sync.Map // reflect.Type → resourceField

func resourceFieldOf(t reflect.Type) resourceField {
	if f, ok := resourceFields.Load(t); ok {
		return f.(resourceField)
	}
	var f resourceField
	for _, name := range []string{"ActivityArn", "StateMachineArn", "ExecutionArn", "ResourceArn"} {
		if sf, ok := t.FieldByName(name); ok && sf.Type.Kind() == reflect.String {
			f.arn = sf.Index
			break
		}
	}
	resourceFields.Store(t, f)
	return f
}
