package iam

import (
	"fmt"
	"testing"
)

// MustParsePolicy parses doc or fails the test.
func MustParsePolicy(tb testing.TB, doc string) *Policy {
	tb.Helper()
	p, err := ParsePolicy([]byte(doc))
	if err != nil {
		tb.Fatalf("ParsePolicy(%s): %v", doc, err)
	}
	return p
}

// outcome names a decision in a table: "allow", "deny" (explicit) or "none" (implicit deny).
func outcome(d Decision) string {
	switch {
	case d.Allowed:
		return "allow"
	case d.Denied:
		return "deny"
	}
	return "none"
}

const (
	domainPayments = "arn:aws:swf:us-east-1:123456789012:/domain/payments"
	domainBilling  = "arn:aws:swf:us-east-1:123456789012:/domain/billing"
)

// stmt builds a one-statement policy; extra is spliced into the statement.
func stmt(effect, action, resource, extra string) string {
	if extra != "" {
		extra = ", " + extra
	}
	return fmt.Sprintf(`{"Version": "2012-10-17", "Statement": {"Effect": %q, %s, %s%s}}`, effect, action, resource, extra)
}

func TestEvaluate_ActionsAndResources(t *testing.T) {
	workers := stmt("Allow",
		`"Action": ["swf:PollForActivityTask", "swf:RecordActivityTaskHeartbeat", "swf:RespondActivityTask*"]`,
		`"Resource": "arn:aws:swf:*:*:/domain/payments"`, "")
	tests := []struct {
		name     string
		policies []string
		action   string
		resource string
		want     string
	}{
		{"exact action", []string{workers}, "swf:PollForActivityTask", domainPayments, "allow"},
		{"action ignores case", []string{workers}, "SWF:pollforactivitytask", domainPayments, "allow"},
		{"action wildcard", []string{workers}, "swf:RespondActivityTaskCompleted", domainPayments, "allow"},
		{"action not listed", []string{workers}, "swf:PollForDecisionTask", domainPayments, "none"},
		{"other service", []string{workers}, "states:PollForActivityTask", domainPayments, "none"},
		{"other domain", []string{workers}, "swf:PollForActivityTask", domainBilling, "none"},
		{"resource keeps case", []string{workers}, "swf:PollForActivityTask", "arn:aws:swf:us-east-1:123456789012:/domain/Payments", "none"},
		{"resource star spans colons", []string{stmt("Allow", `"Action": "swf:*"`, `"Resource": "arn:aws:swf:*"`, "")}, "swf:ListDomains", domainBilling, "allow"},
		{"resource star spans slashes", []string{stmt("Allow", `"Action": "swf:*"`, `"Resource": "arn:aws:swf:us-east-1:123456789012:/*"`, "")}, "swf:ListDomains", domainBilling, "allow"},
		{"resource question mark", []string{stmt("Allow", `"Action": "*"`, `"Resource": "arn:aws:swf:us-east-?:*:/domain/b?lling"`, "")}, "swf:X", domainBilling, "allow"},
		{"resource question mark is one character", []string{stmt("Allow", `"Action": "*"`, `"Resource": "arn:aws:swf:us-east-?:*:/domain/b?ing"`, "")}, "swf:X", domainBilling, "none"},
		{"action question mark", []string{stmt("Allow", `"Action": "swf:Poll?orActivityTask"`, `"Resource": "*"`, "")}, "swf:PollForActivityTask", domainBilling, "allow"},
		{"action middle star", []string{stmt("Allow", `"Action": "swf:*Activity*"`, `"Resource": "*"`, "")}, "swf:RespondActivityTaskFailed", domainBilling, "allow"},
		{"action middle star no match", []string{stmt("Allow", `"Action": "swf:*Activity*Done"`, `"Resource": "*"`, "")}, "swf:RespondActivityTaskFailed", domainBilling, "none"},
		{"star action", []string{stmt("Allow", `"Action": "*"`, `"Resource": "*"`, "")}, "states:StartExecution", "arn:aws:states:us-east-1:1:stateMachine:x", "allow"},
		{"NotAction allows the rest", []string{stmt("Allow", `"NotAction": "swf:Delete*"`, `"Resource": "*"`, "")}, "swf:PollForActivityTask", domainBilling, "allow"},
		{"NotAction excludes its own", []string{stmt("Allow", `"NotAction": "swf:Deprecate*"`, `"Resource": "*"`, "")}, "swf:DeprecateDomain", domainBilling, "none"},
		{"NotResource allows the rest", []string{stmt("Allow", `"Action": "swf:*"`, `"NotResource": "arn:aws:swf:*:*:/domain/payments"`, "")}, "swf:X", domainBilling, "allow"},
		{"NotResource excludes its own", []string{stmt("Allow", `"Action": "swf:*"`, `"NotResource": "arn:aws:swf:*:*:/domain/payments"`, "")}, "swf:X", domainPayments, "none"},
		{"deny with NotResource", []string{stmt("Allow", `"Action": "*"`, `"Resource": "*"`, ""), stmt("Deny", `"Action": "swf:*"`, `"NotResource": "arn:aws:swf:*:*:/domain/payments"`, "")}, "swf:X", domainBilling, "deny"},
		{"explicit deny wins", []string{workers, stmt("Deny", `"Action": "swf:Respond*"`, `"Resource": "*"`, "")}, "swf:RespondActivityTaskCompleted", domainPayments, "deny"},
		{"deny elsewhere leaves allow", []string{workers, stmt("Deny", `"Action": "swf:Respond*"`, `"Resource": "*"`, "")}, "swf:PollForActivityTask", domainPayments, "allow"},
		{"second policy allows", []string{workers, stmt("Allow", `"Action": "swf:Describe*"`, `"Resource": "*"`, "")}, "swf:DescribeDomain", domainBilling, "allow"},
		{"no policies", nil, "swf:DescribeDomain", domainBilling, "none"},
		{"deny only", []string{stmt("Deny", `"Action": "*"`, `"Resource": "*"`, "")}, "swf:X", domainBilling, "deny"},
		{"resource variable", []string{stmt("Allow", `"Action": "swf:*"`, `"Resource": "arn:aws:swf:*:*:/domain/${aws:username}"`, "")}, "swf:X", domainPayments, "allow"},
		{"resource variable other user", []string{stmt("Allow", `"Action": "swf:*"`, `"Resource": "arn:aws:swf:*:*:/domain/${aws:username}"`, "")}, "swf:X", domainBilling, "none"},
		{"resource variable is literal", []string{stmt("Allow", `"Action": "swf:*"`, `"Resource": "arn:aws:swf:*:*:/domain/${aws:userid}"`, "")}, "swf:X", domainPayments, "none"},
		{"resource variable unknown", []string{stmt("Allow", `"Action": "swf:*"`, `"Resource": "arn:aws:swf:*:*:/domain/${aws:nobody}"`, "")}, "swf:X", domainPayments, "none"},
		{"resource variable default", []string{stmt("Allow", `"Action": "swf:*"`, `"Resource": "arn:aws:swf:*:*:/domain/${aws:nobody, 'billing'}"`, "")}, "swf:X", domainBilling, "allow"},
		{"resource variable multivalued", []string{stmt("Allow", `"Action": "swf:*"`, `"Resource": "arn:aws:swf:*:*:/domain/${swf:tagList}"`, "")}, "swf:X", domainPayments, "none"},
		{"variables off in 2008", []string{`{"Version": "2008-10-17", "Statement": {"Effect": "Allow", "Action": "swf:*", "Resource": "arn:aws:swf:*:*:/domain/${aws:username}"}}`}, "swf:X", domainPayments, "none"},
		{"escaped star is literal", []string{stmt("Allow", `"Action": "swf:*"`, `"Resource": "arn:aws:swf:*:*:/domain/${*}"`, "")}, "swf:X", domainPayments, "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ps []*Policy
			for _, doc := range tt.policies {
				ps = append(ps, MustParsePolicy(t, doc))
			}
			req := Request{Action: tt.action, Resource: tt.resource, Context: map[string][]string{
				"aws:username": {"payments"},
				"swf:tagList":  {"a", "b"},
			}}
			if got := outcome(Evaluate(ps, req)); got != tt.want {
				t.Errorf("Evaluate(%s on %s) = %s, want %s", tt.action, tt.resource, got, tt.want)
			}
		})
	}
}

func TestEvaluate_DecidingStatement(t *testing.T) {
	ps := []*Policy{
		MustParsePolicy(t, `{"Version": "2012-10-17", "Statement": [
			{"Sid": "Read", "Effect": "Allow", "Action": "swf:Describe*", "Resource": "*"},
			{"Sid": "Work", "Effect": "Allow", "Action": "swf:*", "Resource": "*"}]}`),
		MustParsePolicy(t, `{"Version": "2012-10-17", "Statement": [
			{"Effect": "Allow", "Action": "swf:List*", "Resource": "*"},
			{"Sid": "NoDeprecate", "Effect": "Deny", "Action": "swf:Deprecate*", "Resource": "*"}]}`),
	}
	tests := []struct {
		action string
		want   Decision
	}{
		{"swf:DescribeDomain", Decision{Allowed: true, Policy: 0, Statement: 0, Sid: "Read"}},
		{"swf:PollForDecisionTask", Decision{Allowed: true, Policy: 0, Statement: 1, Sid: "Work"}},
		{"swf:DeprecateDomain", Decision{Denied: true, Policy: 1, Statement: 1, Sid: "NoDeprecate"}},
		{"states:ListActivities", Decision{Policy: -1}},
	}
	for _, tt := range tests {
		got := Evaluate(ps, Request{Action: tt.action, Resource: domainPayments})
		if got != tt.want {
			t.Errorf("Evaluate(%s) = %+v, want %+v", tt.action, got, tt.want)
		}
	}
}

// BenchmarkEvaluate measures a typical worker's policy: three statements, one with a condition, and a
// request that the last statement allows.
func BenchmarkEvaluate(b *testing.B) {
	p := MustParsePolicy(b, `{"Version": "2012-10-17", "Statement": [
		{"Sid": "NoAdmin", "Effect": "Deny", "Action": ["swf:Deprecate*", "swf:Register*"], "Resource": "*"},
		{"Sid": "Read", "Effect": "Allow", "Action": ["swf:Describe*", "swf:List*", "swf:Count*"], "Resource": "arn:aws:swf:*:*:/domain/payments"},
		{"Sid": "Work", "Effect": "Allow",
		 "Action": ["swf:PollForActivityTask", "swf:RecordActivityTaskHeartbeat", "swf:RespondActivityTask*"],
		 "Resource": "arn:aws:swf:*:*:/domain/${aws:username}",
		 "Condition": {"StringLike": {"swf:taskList.name": "payments-*"}, "Bool": {"aws:SecureTransport": "true"}}}]}`)
	policies := []*Policy{p}
	req := Request{
		Action:   "swf:RespondActivityTaskCompleted",
		Resource: domainPayments,
		Context: map[string][]string{
			"aws:username":        {"payments"},
			"aws:SecureTransport": {"true"},
			"swf:taskList.name":   {"payments-eu"},
			"aws:SourceIp":        {"10.0.0.7"},
		},
	}
	if d := Evaluate(policies, req); !d.Allowed {
		b.Fatalf("Evaluate = %+v, want allowed", d)
	}
	b.ReportAllocs()
	for b.Loop() {
		Evaluate(policies, req)
	}
}
