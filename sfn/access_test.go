package sfn

import (
	"context"
	"errors"
	"testing"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/awsjson"
)

type denyAll struct{ got []openswf.AccessRequest }

func (d *denyAll) Authorize(_ context.Context, req openswf.AccessRequest) error {
	d.got = append(d.got, req)
	return openswf.Errorf(openswf.KindOperationNotPermitted, "User: u is not authorized to perform: %s on resource: %s", req.Action, req.Resource)
}

// Each operation asks for states:<Operation> on the resource AWS names for it, and a refusal is
// AccessDeniedException, answered before the operation does anything.
func TestAccess_ResourcesAndDenial(t *testing.T) {
	a := &denyAll{}
	s := New(Options{Authorizer: a})
	ops := s.operations()
	const sm = "arn:aws:states:us-east-1:000000000000:stateMachine:m"
	for _, tc := range []struct{ op, body, resource string }{
		{"CreateActivity", `{"name":"work"}`, "arn:aws:states:us-east-1:000000000000:activity:work"},
		{"CreateStateMachine", `{"name":"m","definition":"{}","roleArn":"arn:aws:iam::000000000000:role/r"}`, sm},
		{"StartExecution", `{"stateMachineArn":"` + sm + `"}`, sm},
		{"DescribeExecution", `{"executionArn":"arn:aws:states:us-east-1:000000000000:execution:m:e"}`, "arn:aws:states:us-east-1:000000000000:execution:m:e"},
		{"ListStateMachines", `{}`, "*"},
		{"SendTaskHeartbeat", `{"taskToken":"t"}`, "*"},
	} {
		_, err := s.withAccess(tc.op, ops[tc.op]).Handler(context.Background(), []byte(tc.body))
		var f *awsjson.Fault
		if !errors.As(err, &f) || f.Code() != "AccessDeniedException" {
			t.Errorf("%s: %v, want AccessDeniedException", tc.op, err)
			continue
		}
		got := a.got[len(a.got)-1]
		if got.Action != "states:"+tc.op || got.Resource != tc.resource {
			t.Errorf("%s asked for %s on %s, want states:%s on %s", tc.op, got.Action, got.Resource, tc.op, tc.resource)
		}
	}
}
