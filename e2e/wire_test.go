package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// wireResponse is a raw response: status, headers and body, decoded as JSON with numbers kept as text.
type wireResponse struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

// wireCall posts an unsigned AWS JSON 1.0 request for target with body and reads the whole answer.
func wireCall(t *testing.T, hc *http.Client, url, target string, body []byte) wireResponse {
	t.Helper()
	return wireCallBody(t, hc, url, target, body, false)
}

// wireCallBody is wireCall, sending the body chunked (without a Content-Length) if chunked is set.
func wireCallBody(t *testing.T, hc *http.Client, url, target string, body []byte, chunked bool) wireResponse {
	t.Helper()
	var rd io.Reader = bytes.NewReader(body)
	if chunked {
		rd = io.MultiReader(rd) // hides the length from net/http
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, rd)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", target, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s response: %v", target, err)
	}
	r := wireResponse{status: resp.StatusCode, header: resp.Header, raw: raw}
	if len(raw) > 0 {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&r.body); err != nil {
			t.Fatalf("%s answered %d with a body that is no JSON object: %v\n%s", target, r.status, err, raw)
		}
	}
	return r
}

// swfTarget is the X-Amz-Target of an SWF operation.
func swfTarget(op string) string { return "SimpleWorkflowService." + op }

// wantFaultBody fails the test unless r is an HTTP 400 AWS JSON fault of the given __type with a message.
func wantFaultBody(t *testing.T, what string, r wireResponse, typ string) {
	t.Helper()
	equal(t, what+": status", r.status, http.StatusBadRequest)
	equal(t, what+": __type", r.body["__type"], any(typ))
	msg, _ := r.body["message"].(string)
	if msg == "" {
		t.Errorf("%s: got body %s, want a non-empty message", what, r.raw)
	}
	keys := make([]string, 0, len(r.body))
	for k := range r.body {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if want := []string{"__type", "message"}; !slices.Equal(keys, want) {
		t.Errorf("%s: got body keys %q, want %q", what, keys, want)
	}
}

// wantInteger fails the test unless v is a JSON integer literal.
func wantInteger(t *testing.T, what string, v any) {
	t.Helper()
	n, ok := v.(json.Number)
	if !ok || strings.ContainsAny(n.String(), ".eE") {
		t.Errorf("%s: got %#v, want a JSON integer", what, v)
		return
	}
	if _, err := n.Int64(); err != nil {
		t.Errorf("%s: got %s, want an int64: %v", what, n, err)
	}
}

// wantEpoch fails the test unless v is a JSON number of epoch seconds within a minute of now.
func wantEpoch(t *testing.T, what string, v any) {
	t.Helper()
	n, ok := v.(json.Number)
	if !ok {
		t.Errorf("%s: got %#v, want a JSON number", what, v)
		return
	}
	f, err := n.Float64()
	if err != nil {
		t.Errorf("%s: got %s, want epoch seconds: %v", what, n, err)
		return
	}
	at := time.UnixMilli(int64(f * 1000))
	if d := time.Since(at); d < -time.Minute || d > time.Minute {
		t.Errorf("%s: got %s (%v), want a time within a minute of now", what, n, at)
	}
}

// TestSWF_WireBasics speaks to the server with plain net/http, unsigned, and checks the AWS JSON 1.0
// envelope the SDKs rely on: request ids, fault bodies, the generic exceptions, the size limit, the empty
// poll answer and the JSON types of ids and timestamps.
func TestSWF_WireBasics(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "e2e-wire", 300*time.Millisecond)
	hc := &http.Client{Timeout: waitFor}
	url := e.srv.URL
	call := func(op, body string) wireResponse {
		t.Helper()
		return wireCall(t, hc, url, swfTarget(op), []byte(body))
	}

	// No Authorization header at all: the server still serves the request.
	r := call("RegisterDomain", `{"name":"e2e-wire-raw","workflowExecutionRetentionPeriodInDays":"1"}`)
	equal(t, "unsigned RegisterDomain: status", r.status, http.StatusOK)
	equal(t, "unsigned RegisterDomain: body", string(r.raw), "{}")
	equal(t, "Content-Type", r.header.Get("Content-Type"), "application/x-amz-json-1.0")
	first := r.header.Get("X-Amzn-RequestId")
	if first == "" {
		t.Errorf("RegisterDomain: got no x-amzn-RequestId header in %v", r.header)
	}

	r = call("DescribeDomain", `{"name":"e2e-no-such-domain"}`)
	wantFaultBody(t, "DescribeDomain of an unknown domain", r, "com.amazonaws.swf.base.model#UnknownResourceFault")
	if id := r.header.Get("X-Amzn-RequestId"); id == "" || id == first {
		t.Errorf("fault x-amzn-RequestId: got %q, want a new request id (the first was %q)", id, first)
	}

	r = call("DescribeDomain", `{"name":`)
	wantFaultBody(t, "truncated JSON", r, "SerializationException")
	r = call("DescribeDomain", `{"name":42}`)
	wantFaultBody(t, "a number for a string member", r, "SerializationException")
	r = call("NoSuchOperation", `{}`)
	wantFaultBody(t, "unknown operation", r, "UnknownOperationException")
	r = wireCall(t, hc, url, "", []byte(`{}`))
	wantFaultBody(t, "no X-Amz-Target", r, "UnknownOperationException")

	r = call("DescribeDomain", ``)
	wantFaultBody(t, "empty body", r, "com.amazon.coral.validate#ValidationException")
	if msg, _ := r.body["message"].(string); !strings.Contains(msg, "name") {
		t.Errorf("empty body: got message %q, want it to name the missing member name", msg)
	}
	r = call("DescribeDomain", `{"name":"e2e-wire","noSuchMember":[1,2]}`)
	equal(t, "unknown member: status", r.status, http.StatusOK)

	// A 2 MiB body is refused at once, with or without a Content-Length.
	big := append([]byte(`{"name":"`), bytes.Repeat([]byte("x"), 2<<20)...)
	big = append(big, `"}`...)
	for _, chunked := range []bool{false, true} {
		begin := time.Now()
		r = wireCallBody(t, hc, url, swfTarget("DescribeDomain"), big, chunked)
		if r.status < 400 || r.status > 499 {
			t.Errorf("2 MiB body (chunked %v): got status %d, want 4xx; body %s", chunked, r.status, r.raw)
		}
		if took := time.Since(begin); took > 2*time.Second {
			t.Errorf("2 MiB body (chunked %v): answered after %v, want promptly", chunked, took)
		}
	}

	// An empty long poll: 200, and no taskToken key at all.
	r = call("PollForActivityTask", `{"domain":"e2e-wire","taskList":{"name":"empty"}}`)
	equal(t, "empty PollForActivityTask: status", r.status, http.StatusOK)
	if _, ok := r.body["taskToken"]; ok {
		t.Errorf("empty PollForActivityTask: got body %s, want no taskToken key", r.raw)
	}
	r = call("PollForDecisionTask", `{"domain":"e2e-wire","taskList":{"name":"empty"}}`)
	equal(t, "empty PollForDecisionTask: status", r.status, http.StatusOK)
	if _, ok := r.body["taskToken"]; ok {
		t.Errorf("empty PollForDecisionTask: got body %s, want no taskToken key", r.raw)
	}

	// Ids are integer literals and timestamps epoch-second numbers.
	exec := e.start("wire-1")
	execJSON := `{"workflowId":"wire-1","runId":"` + aws.ToString(exec.RunId) + `"}`
	r = call("PollForDecisionTask", `{"domain":"e2e-wire","taskList":{"name":"decisions"}}`)
	equal(t, "PollForDecisionTask: status", r.status, http.StatusOK)
	if tok, _ := r.body["taskToken"].(string); tok == "" {
		t.Fatalf("PollForDecisionTask: got body %s, want a task", r.raw)
	}
	wantInteger(t, "decision task startedEventId", r.body["startedEventId"])

	r = call("GetWorkflowExecutionHistory", `{"domain":"e2e-wire","execution":`+execJSON+`}`)
	equal(t, "GetWorkflowExecutionHistory: status", r.status, http.StatusOK)
	evs, _ := r.body["events"].([]any)
	if len(evs) != 3 {
		t.Fatalf("GetWorkflowExecutionHistory: got body %s, want 3 events", r.raw)
	}
	for i, v := range evs {
		ev, _ := v.(map[string]any)
		wantInteger(t, "eventId", ev["eventId"])
		wantEpoch(t, "eventTimestamp", ev["eventTimestamp"])
		if i == 2 {
			attrs, _ := ev["decisionTaskStartedEventAttributes"].(map[string]any)
			wantInteger(t, "decisionTaskStartedEventAttributes.scheduledEventId", attrs["scheduledEventId"])
		}
	}

	r = call("DescribeWorkflowExecution", `{"domain":"e2e-wire","execution":`+execJSON+`}`)
	equal(t, "DescribeWorkflowExecution: status", r.status, http.StatusOK)
	info, _ := r.body["executionInfo"].(map[string]any)
	wantEpoch(t, "executionInfo.startTimestamp", info["startTimestamp"])
	counts, _ := r.body["openCounts"].(map[string]any)
	wantInteger(t, "openCounts.openDecisionTasks", counts["openDecisionTasks"])
}
