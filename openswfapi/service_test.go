package openswfapi

import (
	"slices"
	"strings"
	"testing"
)

// Every operation of the model has a handler whose input type has exactly the model's members: CheckInput
// finds members the model lacks, and a member the type lacks would be dropped unread.
func TestOperations_InputTypesMatchModel(t *testing.T) {
	m, err := Model()
	if err != nil {
		t.Fatal(err)
	}
	if m.TargetPrefix() != "OpenSWF" || m.SigningName() != "openswf" {
		t.Errorf("model: target prefix %q, signing name %q; want OpenSWF, openswf (docs/API.md)", m.TargetPrefix(), m.SigningName())
	}
	ops := New(nil, nil, Options{}).operations()
	if got, want := len(ops), len(m.Operations()); got != want {
		t.Errorf("%d handlers for %d operations of the model", got, want)
	}
	for name, op := range ops {
		if !m.HasOperation(name) {
			t.Errorf("%s: not an operation of the model", name)
			continue
		}
		if err := m.CheckInput(name, op.Input); err != nil {
			t.Errorf("input type %s: %v", op.Input, err)
		}
		have := map[string]bool{}
		for f := range op.Input.Fields() {
			n, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			have[n] = true
		}
		for _, member := range m.Input(name).Members() {
			if !have[member] {
				t.Errorf("input type %s of %s: no field for the model's member %q", op.Input, name, member)
			}
		}
		// The faults the handlers answer are the model's.
		for _, f := range []string{"UnknownResourceFault", "OperationNotPermittedFault", "ActivityDoesNotExist", "ExecutionDoesNotExist", "InvalidArn"} {
			if !slices.Contains(m.Errors(name), f) {
				t.Errorf("%s: the model does not list %s", name, f)
			}
		}
	}
}
