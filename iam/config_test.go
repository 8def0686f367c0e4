package iam

import (
	"strings"
	"testing"
)

const workerConfig = `{
  "account": "123456789012",
  "users": [
    {"name": "payments-worker",
     "accessKeys": [{"accessKeyId": "AKIAPAYMENTSWORKER01", "secretAccessKey": "s1"}],
     "policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": ["swf:PollForActivityTask", "swf:RecordActivityTaskHeartbeat", "swf:RespondActivityTask*"],
        "Resource": "arn:aws:swf:*:*:/domain/payments"}]}]}
  ]
}`

func TestConfig_Parse(t *testing.T) {
	c, err := ParseConfig([]byte(workerConfig))
	if err != nil {
		t.Fatal(err)
	}
	k, ok := c.Key("AKIAPAYMENTSWORKER01")
	if !ok || k.Secret != "s1" || k.User.Name != "payments-worker" || c.Account != "123456789012" {
		t.Fatalf("key = %+v, %v", k, ok)
	}
	d := Evaluate(k.User.Policies, Request{Action: "swf:RespondActivityTaskCompleted", Resource: "arn:aws:swf:us-east-1:123456789012:/domain/payments"})
	if !d.Allowed {
		t.Errorf("the worker may not complete its tasks: %+v", d)
	}
	if _, ok := c.Key("nope"); ok {
		t.Error("an unknown key was found")
	}
}

// A bad file names the user, the policy, the statement and the problem.
func TestConfig_Errors(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{`{"users": [{"name": "u", "accessKeys": [{"accessKeyId": "A", "secretAccessKey": "s"}],
		   "policies": [{"Version": "2012-10-17", "Statement": [{"Sid": "X", "Effect": "Allow", "Action": "swf:*", "Resource": "*",
		     "Condition": {"StringEqualz": {"swf:taskList.name": "a"}}}]}]}]}`,
			`user "u": policy 1: statement 0 ("X"): unknown condition operator "StringEqualz"`},
		{`{"users": [{"name": "u", "accessKeys": [{"accessKeyId": "A", "secretAccessKey": ""}]}]}`, `user "u": an access key needs`},
		{`{"users": [{"name": "u", "accessKeys": [{"accessKeyId": "A", "secretAccessKey": "s"}]},
		             {"name": "v", "accessKeys": [{"accessKeyId": "A", "secretAccessKey": "t"}]}]}`, `user "v": access key A is configured twice`},
		{`{"users": [{"name": "u", "accessKeys": [{"accessKeyId": "A", "secretAccessKey": "s"}]}, {"name": "u", "accessKeys": [{"accessKeyId": "B", "secretAccessKey": "s"}]}]}`, `user "u": named twice`},
		{`{"users": [], "extra": 1}`, `unknown field "extra"`},
		{`{"account": "12", "users": []}`, `account "12" is not 12 digits`},
		{`{"users": [{"name": "u"}]}`, `user "u": no access keys`},
	} {
		_, err := ParseConfig([]byte(tc.doc))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseConfig = %v, want an error containing %q", err, tc.want)
		}
	}
}

func TestPolicy_ReadsContext(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		want bool
	}{
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"swf:*","Resource":"*"}]}`, false},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"swf:*","Resource":"arn:aws:swf:*:*:/domain/${aws:username}"}]}`, true},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"swf:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`, true},
	} {
		p, err := ParsePolicy([]byte(tc.doc))
		if err != nil {
			t.Fatal(err)
		}
		if got := p.ReadsContext(); got != tc.want {
			t.Errorf("ReadsContext(%s) = %v, want %v", tc.doc, got, tc.want)
		}
	}
}
