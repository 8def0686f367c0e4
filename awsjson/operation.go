package awsjson

import (
	"context"
	"reflect"
)

// Operation is one operation of an API: its handler, and the Go type its input decodes into (an API's test
// holds that type to the model with Model.CheckInput, since DecodeInput reads member names exactly as the
// type's tags spell them).
type Operation struct {
	Handler Handler
	Input   reflect.Type
}

// Typed adapts a typed operation to an Operation: the body, which has passed the model's validation, is
// decoded into a new In, and fn's error goes through fault, which words the API's own faults.
func Typed[In any](fn func(ctx context.Context, in *In) (any, error), fault func(error) error) Operation {
	return Operation{Input: reflect.TypeFor[In](), Handler: func(ctx context.Context, body []byte) (any, error) {
		in := new(In)
		if err := DecodeInput(body, in); err != nil {
			return nil, err
		}
		out, err := fn(ctx, in)
		if err != nil {
			return nil, fault(err)
		}
		return out, nil
	}}
}

// RegisterOperations serves the operations of m (see Register).
func (s *Server) RegisterOperations(m *Model, ops map[string]Operation) error {
	hs := make(map[string]Handler, len(ops))
	for name, op := range ops {
		hs[name] = op.Handler
	}
	return s.Register(m, hs)
}

type operationValueKey struct{}

// Annotate wraps an operation so that its handler finds v in its context (OperationValue): an API marks each
// operation with what its typed handler needs to know of it, such as the operation's access check.
func Annotate(o Operation, v any) Operation {
	h := o.Handler
	o.Handler = func(ctx context.Context, body []byte) (any, error) {
		return h(context.WithValue(ctx, operationValueKey{}, v), body)
	}
	return o
}

// OperationValue returns what Annotate attached to the operation being served, or nil.
func OperationValue(ctx context.Context) any {
	return ctx.Value(operationValueKey{})
}
