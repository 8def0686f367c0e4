package awsjson

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// validateCase is one Validate call and the outcome it must have.
type validateCase struct {
	name     string
	op       string
	body     string
	wantType string   // "" for no error
	wantMsg  string   // exact message, if set
	contains []string // substrings of the message
	reported int      // how many violations the message lists, if set
}

// runValidateCases runs Validate for each case against m.
func runValidateCases(t *testing.T, m *Model, tests []validateCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := m.Validate(tt.op, []byte(tt.body))
			if tt.wantType == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var f *Fault
			if !errors.As(err, &f) {
				t.Fatalf("Validate() = %v (%T), want a *Fault of type %s", err, err, tt.wantType)
			}
			if f.Type != tt.wantType {
				t.Errorf("Validate() fault type = %q, want %q (message %q)", f.Type, tt.wantType, f.Message)
			}
			if got, want := f.HTTPStatus(), 400; got != want {
				t.Errorf("Validate() fault status = %d, want %d", got, want)
			}
			if tt.wantMsg != "" && f.Message != tt.wantMsg {
				t.Errorf("Validate() message =\n  %q\nwant\n  %q", f.Message, tt.wantMsg)
			}
			if got := strings.Count(f.Message, "failed to satisfy constraint"); tt.reported > 0 && got != tt.reported {
				t.Errorf("Validate() message lists %d violations, want %d", got, tt.reported)
			}
			for _, s := range tt.contains {
				if !strings.Contains(f.Message, s) {
					t.Errorf("Validate() message = %q, want it to contain %q", f.Message, s)
				}
			}
		})
	}
}

// decisionWithActivityID is a RespondDecisionTaskCompleted decision scheduling an activity with the given id.
func decisionWithActivityID(id string) string {
	return `{"decisionType":"ScheduleActivityTask","scheduleActivityTaskDecisionAttributes":` +
		`{"activityType":{"name":"a","version":"1"},"activityId":"` + id + `","taskList":{"name":"tl"}}}`
}

func TestModel_Validate_SWF(t *testing.T) {
	m := mustSWFModel(t)
	const hb = "RecordActivityTaskHeartbeat"
	token := `"taskToken":"AAAA-token-1"`

	decisions := func(items ...string) string {
		return `{` + token + `,"decisions":[` + strings.Join(items, ",") + `]}`
	}
	twelveBad := make([]string, 12)
	for i := range twelveBad {
		twelveBad[i] = decisionWithActivityID("")
	}

	runValidateCases(t, m, []validateCase{
		// Accepted bodies, as real clients send them.
		{name: "heartbeat botocore", op: hb, body: `{"taskToken": "AAAA-token-1", "details": "progress 50%"}`},
		{name: "heartbeat go", op: hb, body: `{"details":"progress 50%","taskToken":"AAAA-token-go"}`},
		{name: "unknown member ignored", op: hb, body: `{` + token + `,"bogus":{"deep":[1,2,{"x":null}]},"details":"d"}`},
		{name: "unknown member of the wrong shape ignored", op: hb, body: `{` + token + `,"Details":5}`},
		{name: "null optional member", op: hb, body: `{` + token + `,"details":null}`},
		{name: "details 2048 chars", op: hb, body: `{` + token + `,"details":"` + strings.Repeat("x", 2048) + `"}`},
		{name: "details 2048 multi-byte runes", op: hb, body: `{` + token + `,"details":"` + strings.Repeat("é", 2048) + `"}`},
		{name: "details 2048 astral runes", op: hb, body: `{` + token + `,"details":"` + strings.Repeat("😀", 2048) + `"}`},
		{name: "list domains", op: "ListDomains", body: `{"registrationStatus":"REGISTERED","maximumPageSize":1000}`},
		{name: "page size 0", op: "ListDomains", body: `{"registrationStatus":"DEPRECATED","maximumPageSize":0}`},
		{name: "decision", op: "RespondDecisionTaskCompleted", body: decisions(decisionWithActivityID("a1"), `{"decisionType":"CompleteWorkflowExecution","completeWorkflowExecutionDecisionAttributes":{"result":"ok"}}`)},
		{name: "no decisions", op: "RespondDecisionTaskCompleted", body: `{` + token + `}`},
		{name: "integer timestamp", op: "CountClosedWorkflowExecutions", body: `{"domain":"d","startTimeFilter":{"oldestDate":1704067200}}`},
		{name: "fractional timestamp", op: "CountClosedWorkflowExecutions", body: `{"domain":"d","startTimeFilter":{"oldestDate":1704067200.5,"latestDate":1.7e9}}`},
		{name: "tag list of 5", op: "StartWorkflowExecution", body: `{"domain":"d","workflowId":"w","workflowType":{"name":"n","version":"1"},"tagList":["a","b","c","d","e"]}`},

		// Missing and null required members.
		{name: "missing taskToken", op: hb, body: `{"details":"x"}`, wantType: TypeValidation,
			wantMsg: "1 validation error detected: Value null at 'taskToken' failed to satisfy constraint: Member must not be null"},
		{name: "null taskToken", op: hb, body: `{"taskToken":null}`, wantType: TypeValidation, contains: []string{"Value null at 'taskToken'"}},
		{name: "empty body", op: hb, body: ``, wantType: TypeValidation, contains: []string{"at 'taskToken'"}},
		{name: "whitespace body", op: hb, body: " \n\t", wantType: TypeValidation, contains: []string{"at 'taskToken'"}},
		{name: "three missing, sorted", op: "StartWorkflowExecution", body: `{}`, wantType: TypeValidation,
			wantMsg: "3 validation errors detected: " +
				"Value null at 'domain' failed to satisfy constraint: Member must not be null; " +
				"Value null at 'workflowId' failed to satisfy constraint: Member must not be null; " +
				"Value null at 'workflowType' failed to satisfy constraint: Member must not be null"},
		{name: "nested required", op: "StartWorkflowExecution", body: `{"domain":"d","workflowId":"w","workflowType":{"name":"n"}}`, wantType: TypeValidation,
			wantMsg: "1 validation error detected: Value null at 'workflowType.version' failed to satisfy constraint: Member must not be null"},

		// Lengths.
		{name: "empty taskToken", op: hb, body: `{"taskToken":""}`, wantType: TypeValidation,
			wantMsg: "1 validation error detected: Value '' at 'taskToken' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{name: "taskToken too long", op: hb, body: `{"taskToken":"` + strings.Repeat("a", 1025) + `"}`, wantType: TypeValidation,
			wantMsg: "1 validation error detected: Value '" + strings.Repeat("a", 100) + "...' at 'taskToken' failed to satisfy constraint: Member must have length less than or equal to 1024"},
		{name: "details 2049 chars", op: hb, body: `{` + token + `,"details":"` + strings.Repeat("x", 2049) + `"}`, wantType: TypeValidation,
			contains: []string{"1 validation error detected: ", "at 'details' failed to satisfy constraint: Member must have length less than or equal to 2048"}},
		{name: "details 2049 multi-byte runes", op: hb, body: `{` + token + `,"details":"` + strings.Repeat("é", 2049) + `"}`, wantType: TypeValidation,
			contains: []string{"Value '" + strings.Repeat("é", 100) + "...' at 'details'"}},

		// Ranges and enums.
		{name: "page size 1001", op: "ListDomains", body: `{"registrationStatus":"REGISTERED","maximumPageSize":1001}`, wantType: TypeValidation,
			wantMsg: "1 validation error detected: Value '1001' at 'maximumPageSize' failed to satisfy constraint: Member must have value less than or equal to 1000"},
		{name: "page size -1", op: "ListDomains", body: `{"registrationStatus":"REGISTERED","maximumPageSize":-1}`, wantType: TypeValidation,
			contains: []string{"Member must have value greater than or equal to 0"}},
		{name: "bad enum", op: "ListDomains", body: `{"registrationStatus":"FOO"}`, wantType: TypeValidation,
			wantMsg: "1 validation error detected: Value 'FOO' at 'registrationStatus' failed to satisfy constraint: Member must satisfy enum value set: [REGISTERED, DEPRECATED]"},
		{name: "enum is case-sensitive", op: "ListDomains", body: `{"registrationStatus":"registered"}`, wantType: TypeValidation, contains: []string{"enum value set"}},
		{name: "tag list of 6", op: "StartWorkflowExecution", body: `{"domain":"d","workflowId":"w","workflowType":{"name":"n","version":"1"},"tagList":["a","b","c","d","e","f"]}`, wantType: TypeValidation,
			wantMsg: "1 validation error detected: Value '[a, b, c, d, e, f]' at 'tagList' failed to satisfy constraint: Member must have length less than or equal to 5"},

		// Paths into lists.
		{name: "activityId 257 chars", op: "RespondDecisionTaskCompleted", body: decisions(decisionWithActivityID(strings.Repeat("a", 257))), wantType: TypeValidation,
			contains: []string{"at 'decisions.1.member.scheduleActivityTaskDecisionAttributes.activityId' failed to satisfy constraint: Member must have length less than or equal to 256"}},
		{name: "second decision", op: "RespondDecisionTaskCompleted", body: decisions(decisionWithActivityID("ok"), `{"decisionType":"Nope"}`), wantType: TypeValidation,
			contains: []string{"Value 'Nope' at 'decisions.2.member.decisionType' failed to satisfy constraint: Member must satisfy enum value set: ["}},
		{name: "null decision", op: "RespondDecisionTaskCompleted", body: decisions(`null`), wantType: TypeValidation,
			contains: []string{"Value null at 'decisions.1.member' failed to satisfy constraint: Member must not be null"}},
		{name: "twelve violations, ten listed", op: "RespondDecisionTaskCompleted", body: decisions(twelveBad...), wantType: TypeValidation,
			reported: 10,
			contains: []string{"12 validation errors detected: Value '' at 'decisions.1.member.scheduleActivityTaskDecisionAttributes.activityId'", "at 'decisions.10.member."}},
		{name: "member order across nesting", op: "StartWorkflowExecution", body: `{"domain":"","workflowId":"w","workflowType":{"name":"","version":"1"},"childPolicy":"X"}`, wantType: TypeValidation,
			wantMsg: "3 validation errors detected: " +
				"Value 'X' at 'childPolicy' failed to satisfy constraint: Member must satisfy enum value set: [TERMINATE, REQUEST_CANCEL, ABANDON]; " +
				"Value '' at 'domain' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
				"Value '' at 'workflowType.name' failed to satisfy constraint: Member must have length greater than or equal to 1"},

		// Wrong JSON types.
		{name: "page size as string", op: "ListDomains", body: `{"registrationStatus":"REGISTERED","maximumPageSize":"5"}`, wantType: TypeSerialization,
			contains: []string{"'maximumPageSize'", "integer", "string"}},
		{name: "fractional page size", op: "ListDomains", body: `{"registrationStatus":"REGISTERED","maximumPageSize":5.5}`, wantType: TypeSerialization, contains: []string{"maximumPageSize"}},
		{name: "page size 5.0", op: "ListDomains", body: `{"registrationStatus":"REGISTERED","maximumPageSize":5.0}`, wantType: TypeSerialization},
		{name: "page size 1e2", op: "ListDomains", body: `{"registrationStatus":"REGISTERED","maximumPageSize":1e2}`, wantType: TypeSerialization},
		{name: "page size beyond int32", op: "ListDomains", body: `{"registrationStatus":"REGISTERED","maximumPageSize":2147483648}`, wantType: TypeSerialization, contains: []string{"out-of-range"}},
		{name: "taskToken as number", op: hb, body: `{"taskToken":5}`, wantType: TypeSerialization},
		{name: "taskToken as object", op: hb, body: `{"taskToken":{}}`, wantType: TypeSerialization},
		{name: "boolean as string", op: "ListDomains", body: `{"registrationStatus":"REGISTERED","reverseOrder":"true"}`, wantType: TypeSerialization},
		{name: "decisions as object", op: "RespondDecisionTaskCompleted", body: `{` + token + `,"decisions":{}}`, wantType: TypeSerialization, contains: []string{"'decisions'", "array"}},
		{name: "decision as string", op: "RespondDecisionTaskCompleted", body: decisions(`"x"`), wantType: TypeSerialization, contains: []string{"'decisions.1.member'"}},
		{name: "string timestamp", op: "CountClosedWorkflowExecutions", body: `{"domain":"d","startTimeFilter":{"oldestDate":"2024-01-01T00:00:00Z"}}`, wantType: TypeSerialization,
			contains: []string{"'startTimeFilter.oldestDate'"}},
		{name: "huge timestamp", op: "CountClosedWorkflowExecutions", body: `{"domain":"d","startTimeFilter":{"oldestDate":1e999}}`, wantType: TypeSerialization},
		{name: "serialization beats validation", op: "ListDomains", body: `{"maximumPageSize":"5"}`, wantType: TypeSerialization},

		// Malformed bodies.
		{name: "bad JSON", op: hb, body: `{"taskToken":`, wantType: TypeSerialization},
		{name: "not JSON", op: hb, body: `taskToken=x`, wantType: TypeSerialization},
		{name: "top-level array", op: hb, body: `[{"taskToken":"t"}]`, wantType: TypeSerialization, contains: []string{"object"}},
		{name: "top-level string", op: hb, body: `"x"`, wantType: TypeSerialization},
		{name: "top-level null", op: hb, body: `null`, wantType: TypeSerialization},
		{name: "trailing data", op: hb, body: `{` + token + `} {}`, wantType: TypeSerialization},
		{name: "trailing garbage", op: hb, body: `{` + token + `}x`, wantType: TypeSerialization},
		{name: "too deep", op: hb, body: `{` + token + `,"x":` + strings.Repeat("[", 64) + strings.Repeat("]", 64) + `}`, wantType: TypeSerialization, contains: []string{"deeper"}},
		{name: "64 deep", op: hb, body: `{` + token + `,"x":` + strings.Repeat("[", 63) + strings.Repeat("]", 63) + `}`},
		{name: "brackets in strings do not count", op: hb, body: `{` + token + `,"details":"` + strings.Repeat("[{", 100) + `\"[["}`},

		// Operations.
		{name: "unknown operation", op: "Nope", body: `{}`, wantType: TypeUnknownOperation},
	})
}

// testModel exercises the shape types and constraints SWF does not use.
const testModel = `{
	"metadata": {"targetPrefix": "Test_2026"},
	"operations": {
		"Op": {"input": {"shape": "In"}, "output": {"shape": "Out"}, "errors": [{"shape": "Oops"}]},
		"NoInput": {}
	},
	"shapes": {
		"In": {"type": "structure", "required": ["id"], "members": {
			"id": {"shape": "Id"},
			"token": {"shape": "ClientToken"},
			"trace": {"shape": "Trace"},
			"count": {"shape": "Count"},
			"ratio": {"shape": "Ratio"},
			"data": {"shape": "Bytes"},
			"vars": {"shape": "Vars"},
			"refs": {"shape": "Refs"},
			"secret": {"shape": "Secret"},
			"tree": {"shape": "Tree"},
			"doc": {"shape": "Doc"},
			"Renamed": {"shape": "Id", "locationName": "renamed"}
		}},
		"Out": {"type": "structure", "members": {}},
		"Oops": {"type": "structure", "members": {"message": {"shape": "Id"}}, "exception": true},
		"Unused": {"type": "structure", "members": {}, "exception": true},
		"Id": {"type": "string", "min": 1, "max": 10},
		"ClientToken": {"type": "string", "pattern": "[!-~]+"},
		"Trace": {"type": "string", "pattern": "\\p{ASCII}*", "max": 256},
		"Count": {"type": "long", "min": -5, "max": 9007199254740993},
		"Ratio": {"type": "float", "min": 0, "max": 100.5},
		"Bytes": {"type": "blob", "max": 3},
		"Vars": {"type": "map", "key": {"shape": "Id"}, "value": {"shape": "Id"}, "max": 2},
		"Refs": {"type": "map", "key": {"shape": "Id"}, "value": {"shape": "IdList"}},
		"IdList": {"type": "list", "member": {"shape": "Id"}, "min": 1},
		"Secret": {"type": "string", "max": 3, "sensitive": true},
		"Tree": {"type": "structure", "required": ["name"], "members": {"name": {"shape": "Id"}, "children": {"shape": "Trees"}}},
		"Trees": {"type": "list", "member": {"shape": "Tree"}},
		"Doc": {"type": "structure", "document": true, "members": {}}
	}
}`

func TestModel_Validate_Constraints(t *testing.T) {
	m := mustParseModel(t, testModel)
	if got, want := fmt.Sprint(m.ErrorShapes()), "[Oops Unused]"; got != want {
		t.Errorf("ErrorShapes() = %s, want %s", got, want)
	}
	id := `"id":"a",`
	runValidateCases(t, m, []validateCase{
		{name: "minimal", op: "Op", body: `{"id":"a"}`},
		{name: "no input shape", op: "NoInput", body: `{"anything":1}`},
		{name: "no input shape, empty body", op: "NoInput", body: ``},
		{name: "no input shape, array", op: "NoInput", body: `[]`, wantType: TypeSerialization},

		{name: "pattern ok", op: "Op", body: `{` + id + `"token":"abc-123_~"}`},
		{name: "pattern anchored", op: "Op", body: `{` + id + `"token":"abc def"}`, wantType: TypeValidation,
			wantMsg: "1 validation error detected: Value 'abc def' at 'token' failed to satisfy constraint: Member must satisfy regular expression pattern: [!-~]+"},
		{name: "unicode class pattern", op: "Op", body: `{` + id + `"trace":"Root=1-abc"}`},
		{name: "unicode class pattern fails", op: "Op", body: `{` + id + `"trace":"ü"}`, wantType: TypeValidation, contains: []string{`pattern: \p{ASCII}*`}},

		{name: "long in range", op: "Op", body: `{` + id + `"count":9007199254740993}`},
		{name: "long above max", op: "Op", body: `{` + id + `"count":9007199254740994}`, wantType: TypeValidation,
			contains: []string{"Value '9007199254740994' at 'count' failed to satisfy constraint: Member must have value less than or equal to 9007199254740993"}},
		{name: "long below min", op: "Op", body: `{` + id + `"count":-6}`, wantType: TypeValidation, contains: []string{"greater than or equal to -5"}},
		{name: "long beyond int64", op: "Op", body: `{` + id + `"count":9223372036854775808}`, wantType: TypeSerialization},
		{name: "long fractional", op: "Op", body: `{` + id + `"count":1.5}`, wantType: TypeSerialization},

		{name: "float", op: "Op", body: `{` + id + `"ratio":100.5}`},
		{name: "float integer literal", op: "Op", body: `{` + id + `"ratio":7}`},
		{name: "float above max", op: "Op", body: `{` + id + `"ratio":100.51}`, wantType: TypeValidation, contains: []string{"less than or equal to 100.5"}},
		{name: "float below min", op: "Op", body: `{` + id + `"ratio":-0.1}`, wantType: TypeValidation, contains: []string{"greater than or equal to 0"}},
		{name: "float as string", op: "Op", body: `{` + id + `"ratio":"1"}`, wantType: TypeSerialization},

		{name: "blob", op: "Op", body: `{` + id + `"data":"YWJj"}`},
		{name: "blob too long", op: "Op", body: `{` + id + `"data":"YWJjZA=="}`, wantType: TypeValidation, contains: []string{"at 'data'", "less than or equal to 3"}},
		{name: "blob not base64", op: "Op", body: `{` + id + `"data":"!!"}`, wantType: TypeSerialization},

		{name: "map", op: "Op", body: `{` + id + `"vars":{"k":"v"}}`},
		{name: "map too big", op: "Op", body: `{` + id + `"vars":{"a":"1","b":"2","c":"3"}}`, wantType: TypeValidation,
			wantMsg: "1 validation error detected: Value '{a=1, b=2, c=3}' at 'vars' failed to satisfy constraint: Member must have length less than or equal to 2"},
		{name: "map key too long", op: "Op", body: `{` + id + `"vars":{"aaaaaaaaaaa":"1"}}`, wantType: TypeValidation,
			wantMsg: "1 validation error detected: Value '{aaaaaaaaaaa=1}' at 'vars' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 10]"},
		{name: "map value too short", op: "Op", body: `{` + id + `"vars":{"a":""}}`, wantType: TypeValidation,
			contains: []string{"at 'vars' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length greater than or equal to 1]"}},
		{name: "map null value", op: "Op", body: `{` + id + `"vars":{"a":null}}`, wantType: TypeValidation, contains: []string{"Map value must not be null"}},
		{name: "map value wrong type", op: "Op", body: `{` + id + `"vars":{"a":1}}`, wantType: TypeSerialization, contains: []string{"'vars.a'"}},
		{name: "map as array", op: "Op", body: `{` + id + `"vars":[]}`, wantType: TypeSerialization},
		{name: "map of lists", op: "Op", body: `{` + id + `"refs":{"a":["x"]}}`},
		{name: "map of lists, empty list", op: "Op", body: `{` + id + `"refs":{"a":[]}}`, wantType: TypeValidation,
			contains: []string{"Value '[]' at 'refs.a' failed to satisfy constraint: Member must have length greater than or equal to 1"}},

		{name: "sensitive redacted", op: "Op", body: `{` + id + `"secret":"hunter2"}`, wantType: TypeValidation,
			wantMsg: "1 validation error detected: Value '*** Sensitive Data Redacted ***' at 'secret' failed to satisfy constraint: Member must have length less than or equal to 3"},

		{name: "recursive shape", op: "Op", body: `{` + id + `"tree":{"name":"r","children":[{"name":"c","children":[{"name":"g"}]}]}}`},
		{name: "recursive shape violation", op: "Op", body: `{` + id + `"tree":{"name":"r","children":[{"name":"c","children":[{}]}]}}`, wantType: TypeValidation,
			contains: []string{"Value null at 'tree.children.1.member.children.1.member.name'"}},

		{name: "document accepts anything", op: "Op", body: `{` + id + `"doc":[1,"x",{"y":null}]}`},
		{name: "location name", op: "Op", body: `{` + id + `"renamed":"01234567890"}`, wantType: TypeValidation, contains: []string{"at 'renamed'"}},
		{name: "member name is not the wire name", op: "Op", body: `{` + id + `"Renamed":"01234567890"}`},
		{name: "missing required", op: "Op", body: `{}`, wantType: TypeValidation, contains: []string{"Value null at 'id'"}},
	})
}

func TestRenderValue(t *testing.T) {
	long := strings.Repeat("ab", 200)
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"string", "abc", "abc"},
		{"long string", long, long[:100] + "..."},
		{"exactly 100", long[:100], long[:100]},
		{"multi-byte", strings.Repeat("日", 101), strings.Repeat("日", 100) + "..."},
		{"list", []any{"a", true, nil}, "[a, true, null]"},
		{"map sorted", map[string]any{"b": "2", "a": []any{"x"}}, "{a=[x], b=2}"},
		{"long list", func() any {
			l := make([]any, 1000)
			for i := range l {
				l[i] = "item"
			}
			return l
		}(), "[" + strings.Repeat("item, ", 16) + "ite..."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := renderValue(tt.v); got != tt.want {
				t.Errorf("renderValue() = %q, want %q", got, tt.want)
			}
		})
	}
}

func BenchmarkModel_Validate(b *testing.B) {
	m := mustSWFModel(b)
	items := make([]string, 20)
	for i := range items {
		items[i] = decisionWithActivityID(fmt.Sprintf("activity-%d", i))
	}
	body := []byte(`{"taskToken":"AAAA-token-1","decisions":[` + strings.Join(items, ",") + `],"executionContext":"ctx"}`)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if err := m.Validate("RespondDecisionTaskCompleted", body); err != nil {
			b.Fatal(err)
		}
	}
}

// The strict reader decodes a valid body to what encoding/json's number-keeping decoder gives.
func TestDecodeBody_AgreesWithEncodingJSON(t *testing.T) {
	for _, body := range []string{
		`{"a":"x","b":[true,null,{"c":"d\"1"}],"e":"-5"}`,
		` {"taskToken":"t","details":"\u00e9 \\ 12"} `,
		`{"n":-1,"m":[1.5e3]}`,
	} {
		got, fault := decodeBody([]byte(body))
		if fault != nil {
			t.Fatalf("%s: %v", body, fault)
		}
		dec := json.NewDecoder(strings.NewReader(body))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: decoded %#v, want %#v", body, got, want)
		}
	}
}

// BenchmarkHeartbeatRequest measures what the request path does to a heartbeat's body before the engine
// sees it: validation against the model, then decoding into the handler's input.
func BenchmarkHeartbeatRequest(b *testing.B) {
	m := mustSWFModel(b)
	body := []byte(`{"taskToken":"` + strings.Repeat("A", 180) + `","details":"progress 50% of the upload"}`)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if err := m.Validate("RecordActivityTaskHeartbeat", body); err != nil {
			b.Fatal(err)
		}
		var in struct {
			TaskToken string  `json:"taskToken"`
			Details   *string `json:"details"`
		}
		if err := DecodeInput(body, &in); err != nil {
			b.Fatal(err)
		}
	}
}
