package iam_test

import (
	"fmt"

	"github.com/openswf/openswf/iam"
)

func ExampleEvaluate() {
	worker, err := iam.ParsePolicy([]byte(`{
		"Version": "2012-10-17",
		"Statement": [
			{"Sid": "Work", "Effect": "Allow",
			 "Action": ["swf:PollForActivityTask", "swf:RecordActivityTaskHeartbeat", "swf:RespondActivityTask*"],
			 "Resource": "arn:aws:swf:*:*:/domain/payments"},
			{"Sid": "Plain", "Effect": "Deny", "Action": "*", "Resource": "*",
			 "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
		]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	policies := []*iam.Policy{worker}
	for _, req := range []iam.Request{
		{Action: "swf:RespondActivityTaskCompleted", Resource: "arn:aws:swf:us-east-1:123456789012:/domain/payments",
			Context: map[string][]string{"aws:SecureTransport": {"true"}}},
		{Action: "swf:RespondActivityTaskCompleted", Resource: "arn:aws:swf:us-east-1:123456789012:/domain/payments",
			Context: map[string][]string{"aws:SecureTransport": {"false"}}},
		{Action: "swf:PollForActivityTask", Resource: "arn:aws:swf:us-east-1:123456789012:/domain/billing",
			Context: map[string][]string{"aws:SecureTransport": {"true"}}},
	} {
		d := iam.Evaluate(policies, req)
		fmt.Printf("allowed=%v denied=%v statement=%d sid=%q\n", d.Allowed, d.Denied, d.Statement, d.Sid)
	}

	_, err = iam.ParsePolicy([]byte(`{"Version": "2012-10-17", "Statement": {"Sid": "WriteOnly", "Effect": "Allow",
		"Action": "swf:*", "Resource": "*", "Condition": {"StringEqualz": {"aws:username": "x"}}}}`))
	fmt.Println(err)
	// Output:
	// allowed=true denied=false statement=0 sid="Work"
	// allowed=false denied=true statement=1 sid="Plain"
	// allowed=false denied=false statement=0 sid=""
	// statement 0 ("WriteOnly"): unknown condition operator "StringEqualz"
}
