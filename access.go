package openswf

import "context"

// AccessRequest is one action a caller asks to take, as access control sees it: an IAM action
// ("swf:PollForActivityTask", "states:StartExecution"), the ARN of the resource it acts on ("*" for an action
// no resource narrows), and the condition keys the request sets, each with its values.
type AccessRequest struct {
	Action   string
	Resource string
	Context  map[string][]string
}

// Authorizer decides whether the caller of a request may take an action. The APIs ask it before they act;
// it finds the caller in ctx. It answers nil, or an *Error of KindOperationNotPermitted whose message says
// who may not do what, which each API words as its own fault.
type Authorizer interface {
	Authorize(ctx context.Context, req AccessRequest) error
}
