package sfn

import (
	"strings"
	"testing"
)

// Every handled operation's input type has exactly the model's members: CheckInput finds members the model
// lacks, and a member the type lacks would be dropped unread. Operations of the model without a handler
// are listed in docs/COMPATIBILITY.md as not yet served.
func TestOperations_InputTypesMatchModel(t *testing.T) {
	m, err := Model()
	if err != nil {
		t.Fatal(err)
	}
	ops := New(Options{}).operations()
	if len(ops) == 0 {
		t.Fatal("no operations")
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
	}
}
