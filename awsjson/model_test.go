package awsjson

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// swfModelPath is the SWF model the swf package embeds; the tests validate against the real thing.
const swfModelPath = "../swf/model/swf-2012-01-25.json"

// mustSWFModel parses the real SWF model.
func mustSWFModel(tb testing.TB) *Model {
	tb.Helper()
	data, err := os.ReadFile(swfModelPath)
	if err != nil {
		tb.Fatalf("read SWF model: %v", err)
	}
	m, err := ParseModel(data)
	if err != nil {
		tb.Fatalf("ParseModel(SWF): %v", err)
	}
	return m
}

// mustParseModel parses an inline test model.
func mustParseModel(tb testing.TB, data string) *Model {
	tb.Helper()
	m, err := ParseModel([]byte(data))
	if err != nil {
		tb.Fatalf("ParseModel: %v", err)
	}
	return m
}

func TestParseModel_SWF(t *testing.T) {
	m := mustSWFModel(t)

	if got, want := m.TargetPrefix(), "SimpleWorkflowService"; got != want {
		t.Errorf("TargetPrefix() = %q, want %q", got, want)
	}
	ops := m.Operations()
	if got, want := len(ops), 39; got != want {
		t.Errorf("len(Operations()) = %d, want %d", got, want)
	}
	if !slices.IsSorted(ops) {
		t.Errorf("Operations() = %v, want sorted", ops)
	}
	for _, op := range []string{"RecordActivityTaskHeartbeat", "RespondDecisionTaskCompleted", "StartWorkflowExecution", "ListDomains"} {
		if !m.HasOperation(op) {
			t.Errorf("HasOperation(%q) = false, want true", op)
		}
	}
	if m.HasOperation("Nope") {
		t.Errorf("HasOperation(%q) = true, want false", "Nope")
	}

	if got, want := m.Errors("RecordActivityTaskHeartbeat"), []string{"UnknownResourceFault", "OperationNotPermittedFault"}; !slices.Equal(got, want) {
		t.Errorf("Errors(RecordActivityTaskHeartbeat) = %v, want %v", got, want)
	}
	if got := m.Errors("Nope"); got != nil {
		t.Errorf("Errors(Nope) = %v, want nil", got)
	}

	errs := m.ErrorShapes()
	if !slices.IsSorted(errs) {
		t.Errorf("ErrorShapes() = %v, want sorted", errs)
	}
	for _, want := range []string{"UnknownResourceFault", "OperationNotPermittedFault", "TypeAlreadyExistsFault", "WorkflowExecutionAlreadyStartedFault", "LimitExceededFault"} {
		if !slices.Contains(errs, want) {
			t.Errorf("ErrorShapes() = %v, want it to contain %s", errs, want)
		}
	}
	for _, op := range ops {
		for _, e := range m.Errors(op) {
			if !slices.Contains(errs, e) {
				t.Errorf("Errors(%s) names %s, which ErrorShapes() lacks", op, e)
			}
		}
	}
}

func TestParseModel_ReturnsCopies(t *testing.T) {
	m := mustSWFModel(t)
	m.Operations()[0] = "Mutated"
	m.Errors("RecordActivityTaskHeartbeat")[0] = "Mutated"
	m.ErrorShapes()[0] = "Mutated"
	if got := m.Operations()[0]; got == "Mutated" {
		t.Errorf("Operations() shares its slice with the model")
	}
	if got := m.Errors("RecordActivityTaskHeartbeat")[0]; got == "Mutated" {
		t.Errorf("Errors() shares its slice with the model")
	}
	if got := m.ErrorShapes()[0]; got == "Mutated" {
		t.Errorf("ErrorShapes() shares its slice with the model")
	}
}

func TestParseModel_Errors(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string // substring of the error
	}{
		{"not JSON", `{`, "parse model"},
		{"no target prefix", `{"metadata":{},"operations":{"A":{}},"shapes":{}}`, "targetPrefix"},
		{"no operations", `{"metadata":{"targetPrefix":"P"},"operations":{},"shapes":{}}`, "no operations"},
		{"unknown input", `{"metadata":{"targetPrefix":"P"},"operations":{"A":{"input":{"shape":"X"}}},"shapes":{}}`, `unknown input shape "X"`},
		{"input not a structure", `{"metadata":{"targetPrefix":"P"},"operations":{"A":{"input":{"shape":"S"}}},"shapes":{"S":{"type":"string"}}}`, "not a structure"},
		{"unknown error", `{"metadata":{"targetPrefix":"P"},"operations":{"A":{"errors":[{"shape":"E"}]}},"shapes":{}}`, `unknown error shape "E"`},
		{"unknown output", `{"metadata":{"targetPrefix":"P"},"operations":{"A":{"output":{"shape":"O"}}},"shapes":{}}`, `unknown output shape "O"`},
		{"unsupported type", `{"metadata":{"targetPrefix":"P"},"operations":{"A":{}},"shapes":{"S":{"type":"quaternion"}}}`, `unsupported type "quaternion"`},
		{"unknown member shape", `{"metadata":{"targetPrefix":"P"},"operations":{"A":{}},"shapes":{"S":{"type":"structure","members":{"m":{"shape":"X"}}}}}`, `member m names unknown shape "X"`},
		{"list without member", `{"metadata":{"targetPrefix":"P"},"operations":{"A":{}},"shapes":{"L":{"type":"list"}}}`, "missing member"},
		{"map without value", `{"metadata":{"targetPrefix":"P"},"operations":{"A":{}},"shapes":{"S":{"type":"string"},"M":{"type":"map","key":{"shape":"S"}}}}`, "missing value"},
		{"required not a member", `{"metadata":{"targetPrefix":"P"},"operations":{"A":{}},"shapes":{"S":{"type":"structure","required":["x"],"members":{}}}}`, "required member x"},
		{"bad bound", `{"metadata":{"targetPrefix":"P"},"operations":{"A":{}},"shapes":{"S":{"type":"string","max":1e999}}}`, "max"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseModel([]byte(tt.data))
			if err == nil {
				t.Fatalf("ParseModel() error = nil, want one containing %q", tt.want)
			}
			if got := err.Error(); !strings.Contains(got, tt.want) {
				t.Errorf("ParseModel() error = %q, want it to contain %q", got, tt.want)
			}
		})
	}
}

func TestParseModel_SkipsPatternsRE2CannotCompile(t *testing.T) {
	m := mustParseModel(t, `{
		"metadata": {"targetPrefix": "P"},
		"operations": {"Op": {"input": {"shape": "In"}}},
		"shapes": {
			"In": {"type": "structure", "members": {"name": {"shape": "Name"}}},
			"Name": {"type": "string", "pattern": "^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$"}
		}
	}`)
	if err := m.Validate("Op", []byte(`{"name":"?? not matching ??"}`)); err != nil {
		t.Errorf("Validate() = %v, want nil (the lookahead pattern is skipped)", err)
	}
}
