package awsjson

import (
	"errors"
	"strings"
	"testing"
)

// fuzzOps are the SWF operations FuzzValidate picks from by index.
func fuzzOps() []string {
	return []string{
		"RecordActivityTaskHeartbeat",
		"RespondDecisionTaskCompleted",
		"StartWorkflowExecution",
		"ListDomains",
		"CountClosedWorkflowExecutions",
		"PollForDecisionTask",
	}
}

func FuzzValidate(f *testing.F) {
	m := mustSWFModel(f)
	ops := fuzzOps()
	seeds := []struct {
		op   uint8 // index into fuzzOps
		body string
	}{
		{0, `{"taskToken": "AAAA-token-1", "details": "progress 50%"}`},
		{0, `{"details":"progress 50%","taskToken":"AAAA-token-go"}`},
		{0, `{}`},
		{0, ``},
		{1, `{"taskToken":"AAAA-token-1","decisions":[` + decisionWithActivityID("a1") + `,` +
			`{"decisionType":"StartTimer","startTimerDecisionAttributes":{"timerId":"t1","startToFireTimeout":"30"}},` +
			`{"decisionType":"CompleteWorkflowExecution","completeWorkflowExecutionDecisionAttributes":{"result":"done"}}],` +
			`"executionContext":"ctx"}`},
		{1, `{"taskToken":"t","decisions":[` + decisionWithActivityID(strings.Repeat("a", 257)) + `]}`},
		{2, `{"domain":"d","workflowId":"w1","workflowType":{"name":"wf","version":"1"},"taskList":{"name":"tl"},` +
			`"input":"{\"k\":1}","executionStartToCloseTimeout":"3600","tagList":["a","b"],"childPolicy":"TERMINATE"}`},
		{2, `{"domain":"","workflowId":"w","workflowType":{"name":"","version":"1"},"childPolicy":"X"}`},
		{3, `{"registrationStatus":"REGISTERED","maximumPageSize":100,"reverseOrder":true}`},
		{3, `{"registrationStatus":"FOO","maximumPageSize":"5"}`},
		{4, `{"domain":"d","startTimeFilter":{"oldestDate":1704067200.5},"closeStatusFilter":{"status":"COMPLETED"}}`},
		{5, `{"domain":"d","taskList":{"name":"tl"},"identity":"decider","maximumPageSize":10,"nextPageToken":"x"}`},
		{0, `[` + strings.Repeat(`[`, 70)},
		{0, `{"taskToken":1e999}`},
		// Member names under other cases, duplicates, invalid UTF-8.
		{2, `{"domain":"d","workflowId":"w2","workflowType":{"name":"wf","version":"1"},"ChildPolicy":"BOGUS","TagList":["1","2","3","4","5","6","7"]}`},
		{1, `{"taskToken":"t","Decisions":[{"decisionType":"ScheduleActivityTask"}],"decisions":[]}`},
		{0, `{"taskToken":"t","details":"a","details":"b"}`},
		{0, "{\"taskToken\":\"t\",\"details\":\"\xff\xfe\"}"},
		{0, `{"taskToken":"t","details":"\udc00"}`},
	}
	for _, s := range seeds {
		f.Add(s.op, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, opIndex uint8, body []byte) {
		op := ops[int(opIndex)%len(ops)]
		pruned, err := m.validate(op, body)
		if err == nil {
			if pruned == nil {
				return
			}
			// What a handler gets of a valid body is valid, and holds nothing more to prune.
			again, err := m.validate(op, pruned)
			if err != nil || again != nil {
				t.Fatalf("validate(%s, %q) pruned to %s, which validates as (%s, %v); want (nil, nil)", op, body, pruned, again, err)
			}
			return
		}
		var fault *Fault
		if !errors.As(err, &fault) {
			t.Fatalf("Validate(%s, %q) = %v (%T), want nil or a *Fault", op, body, err, err)
		}
		if fault.Type != TypeValidation && fault.Type != TypeSerialization {
			t.Fatalf("Validate(%s, %q) fault type = %q, want ValidationException or SerializationException", op, body, fault.Type)
		}
		if fault.HTTPStatus() != 400 || fault.Message == "" {
			t.Fatalf("Validate(%s, %q) = %+v, want status 400 and a message", op, body, fault)
		}
	})
}

func FuzzParseAuthorization(f *testing.F) {
	for _, h := range []string{
		"AWS4-HMAC-SHA256 Credential=x/20261121/us-east-1/swf/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=5fe0d61ad96b3849d1197f15ca41da8dca121de74fd7950b21fbcfb60549271e",
		"AWS4-HMAC-SHA256 Credential=x/20261121/us-east-1/states/aws4_request, SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;x-amz-date;x-amz-target, Signature=a2c66e6b374951c7a46991ea53af8ba52ac2df7b08acb816f6d623b5cd6d4182",
		"AWS4-HMAC-SHA256 Signature=ab,SignedHeaders=host,Credential=AKID/20260101/r/s/aws4_request",
		"AWS4-HMAC-SHA256 Credential=a/b/c/d/e/f, SignedHeaders=, Signature=",
		"Basic dXNlcjpwYXNz",
		"",
	} {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, h string) {
		c, err := ParseAuthorization(h)
		if err != nil {
			return
		}
		if c.AccessKeyID == "" || c.Region == "" || c.Service == "" || len(c.Date) != 8 || c.Signature == "" || len(c.SignedHeaders) == 0 {
			t.Fatalf("ParseAuthorization(%q) = %+v, want every field set", h, c)
		}
		for _, s := range []string{c.AccessKeyID, c.Date, c.Region, c.Service} {
			if strings.Contains(s, "/") {
				t.Fatalf("ParseAuthorization(%q) = %+v: scope part %q contains '/'", h, c, s)
			}
		}
		if !strings.Contains(h, "Credential="+c.AccessKeyID+"/"+c.Scope()) {
			t.Fatalf("ParseAuthorization(%q) = %+v: credential does not round-trip", h, c)
		}
		for _, name := range c.SignedHeaders {
			if name == "" || strings.Contains(name, ";") {
				t.Fatalf("ParseAuthorization(%q) signed header %q is not one name", h, name)
			}
		}
	})
}
