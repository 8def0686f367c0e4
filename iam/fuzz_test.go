package iam

import "testing"

// FuzzParsePolicy checks that no document makes ParsePolicy panic or fail without a *PolicyError, and
// that every policy it accepts can be evaluated.
func FuzzParsePolicy(f *testing.F) {
	seeds := []string{
		`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["swf:Poll*", "swf:RespondActivityTask*"], "Resource": "arn:aws:swf:*:*:/domain/payments"}]}`,
		`{"Version": "2012-10-17", "Statement": {"Sid": "D", "Effect": "Deny", "NotAction": "swf:Describe*", "NotResource": "arn:aws:swf:*:*:/domain/${aws:username, 'x'}"}}`,
		`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {
			"ForAnyValue:StringLike": {"swf:tagList.member": ["a*", "${aws:username}"]},
			"NumericLessThanIfExists": {"app:n": 3}, "DateGreaterThan": {"aws:CurrentTime": "2020-01-01"},
			"Bool": {"aws:SecureTransport": true}, "IpAddress": {"aws:SourceIp": "10.0.0.0/8"},
			"ArnLike": {"aws:SourceArn": "arn:aws:states:*:*:stateMachine:*"}, "Null": {"k": "false"},
			"BinaryEquals": {"b": "AAE="}, "ForAllValues:StringNotEquals": {"t": "x"}}}}`,
		`{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}`,
		`{"Statement": []}`,
		`[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]`,
	}
	for _, s := range seeds {
		f.Add([]byte(s), "swf:PollForActivityTask", "arn:aws:swf:us-east-1:1:/domain/payments", "10.1.2.3")
	}
	f.Fuzz(func(t *testing.T, doc []byte, action, resource, value string) {
		p, err := ParsePolicy(doc)
		if err != nil {
			if _, ok := err.(*PolicyError); !ok {
				t.Fatalf("error %v is a %T, not a *PolicyError", err, err)
			}
			return
		}
		ctx := map[string][]string{}
		for _, key := range []string{"aws:username", "swf:tagList.member", "app:n", "aws:CurrentTime", "aws:SecureTransport",
			"aws:SourceIp", "aws:SourceArn", "k", "b", "t"} {
			ctx[key] = []string{value}
		}
		ctx["swf:tagList.member"] = []string{value, action}
		d := Evaluate([]*Policy{p, nil, p}, Request{Action: action, Resource: resource, Context: ctx})
		if d.Allowed && d.Denied {
			t.Fatalf("decision %+v both allows and denies", d)
		}
		if (d.Allowed || d.Denied) != (d.Policy >= 0) {
			t.Fatalf("decision %+v: a decided request names its policy, an undecided one none", d)
		}
		Evaluate([]*Policy{p}, Request{Action: action, Resource: resource})
	})
}
