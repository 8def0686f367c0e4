package swf

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"
	"testing"

	"github.com/openswf/openswf/awsjson"
)

// pruneForTest returns v without the members the model's shape s does not define, at every depth: what a
// handler may read of a valid body.
func pruneForTest(s awsjson.Shape, v any) any {
	switch s.Type() {
	case "structure":
		obj, ok := v.(map[string]any)
		if !ok {
			return v
		}
		out := map[string]any{}
		for k, mv := range obj {
			if ms, ok := s.Member(k); ok && mv != nil {
				out[k] = pruneForTest(ms, mv)
			}
		}
		return out
	case "list":
		list, ok := v.([]any)
		if !ok {
			return v
		}
		out := make([]any, len(list))
		for i, item := range list {
			out[i] = pruneForTest(s.Item(), item)
		}
		return out
	case "map":
		obj, ok := v.(map[string]any)
		if !ok {
			return v
		}
		out := map[string]any{}
		for k, mv := range obj {
			out[k] = pruneForTest(s.Value(), mv)
		}
		return out
	}
	return v
}

// FuzzDecodeInput holds the request path to one promise: a handler reads exactly the members validation
// checked. For any body that passes Validate, decoding it into the operation's real input type succeeds
// and gives what decoding the body stripped of every member the model does not define gives; so no
// member under another case, or anywhere the model has none, reaches a handler.
func FuzzDecodeInput(f *testing.F) {
	ops, m := operationsForTest(f)
	names := m.Operations()
	sort.Strings(names)
	index := map[string]uint8{}
	for i, n := range names {
		index[n] = uint8(i)
	}
	for _, s := range []struct{ op, body string }{
		{"StartWorkflowExecution", `{"domain":"d","workflowId":"w2","workflowType":{"name":"wf","version":"1"},"ChildPolicy":"BOGUS","TagList":["1","2","3","4","5","6","7"]}`},
		{"StartWorkflowExecution", `{"domain":"d","workflowId":"w","workflowType":{"name":"wf","version":"1","Name":"x"},"taskList":{"name":"t","NAME":"u"}}`},
		{"RecordActivityTaskHeartbeat", `{"taskToken":"t","Details":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","details":"d"}`},
		{"RecordActivityTaskHeartbeat", `{"taskToken":"t","detailſ":"x"}`},
		{"RespondDecisionTaskCompleted", `{"taskToken":"t","Decisions":[{"decisionType":"ScheduleActivityTask","scheduleActivityTaskDecisionAttributes":{"activityId":""}}]}`},
		{"RespondDecisionTaskCompleted", `{"taskToken":"t","decisions":[{"decisionType":"RecordMarker","recordMarkerDecisionAttributes":{"markerName":"m","MarkerName":""}}]}`},
		{"SignalWorkflowExecution", `{"domain":"d","workflowId":"w","signalName":"s","SignalName":"` + string(bytes.Repeat([]byte("s"), 300)) + `"}`},
		{"ListClosedWorkflowExecutions", `{"domain":"d","startTimeFilter":{"oldestDate":1,"LatestDate":2},"CloseStatusFilter":{"status":"X"}}`},
		{"ListOpenWorkflowExecutions", `{"domain":"d","startTimeFilter":{"oldestDate":1},"closeStatusFilter":{"status":"FAILED"}}`},
		{"RegisterActivityType", `{"domain":"d","name":"n","version":"1","defaultChildPolicy":"BOGUS"}`},
		{"TagResource", `{"resourceArn":"arn","tags":[{"key":"k","Key":"K","value":"v"}]}`},
	} {
		f.Add(index[s.op], []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, opIndex uint8, body []byte) {
		name := names[int(opIndex)%len(names)]
		if m.Validate(name, body) != nil {
			return
		}
		typ := ops[name].Input
		got := reflect.New(typ)
		if err := awsjson.DecodeInput(body, got.Interface()); err != nil {
			if len(bytes.TrimSpace(body)) == 0 {
				return // the server hands handlers {} for an empty body
			}
			t.Fatalf("%s %q passed Validate but DecodeInput = %v", name, body, err)
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%s %q passed Validate but encoding/json cannot read it: %v", name, body, err)
		}
		pruned, err := json.Marshal(pruneForTest(m.Input(name), v))
		if err != nil {
			t.Fatal(err)
		}
		want := reflect.New(typ)
		if err := awsjson.DecodeInput(pruned, want.Interface()); err != nil {
			t.Fatalf("%s: pruned body %s: DecodeInput = %v", name, pruned, err)
		}
		if !reflect.DeepEqual(got.Interface(), want.Interface()) {
			t.Fatalf("%s %q: decoded %+v, but only the model's members give %+v", name, body, got.Elem(), want.Elem())
		}
	})
}
