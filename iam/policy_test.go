package iam

import (
	"errors"
	"testing"
)

func TestParsePolicy_Errors(t *testing.T) {
	const ok = `"Effect": "Allow", "Action": "swf:*", "Resource": "*"`
	tests := []struct {
		doc  string
		want string
	}{
		{`{"Version": "2012-10-17", "Statement": [{` + ok + `}, {"Sid": "Reads", ` + ok + `},
			{"Sid": "WriteOnly", ` + ok + `, "Condition": {"StringEqualz": {"aws:username": "x"}}}]}`,
			`statement 2 ("WriteOnly"): unknown condition operator "StringEqualz"`},
		{`[]`, `a policy must be an object, not a list`},
		{`{"Version": "2012-10-17"}`, `no Statement`},
		{`{"Version": "2012-10-17", "Statement": []}`, `Statement is empty`},
		{`{"Version": "2012-10-17", "Statement": "x"}`, `Statement must be an object or a list, not a string`},
		{`{"Version": "2013-01-01", "Statement": {` + ok + `}}`, `Version must be "2012-10-17" or "2008-10-17"`},
		{`{"Version": "2012-10-17", "Version": "2012-10-17", "Statement": {` + ok + `}}`, `duplicate member "Version"`},
		{`{"Version": "2012-10-17", "Statements": {` + ok + `}}`, `unknown member "Statements"`},
		{`{"Version": "2012-10-17", "Statement": {` + ok + `}} {}`, `unexpected data after the policy document`},
		{`{"Version": "2012-10-17", "Statement": {` + ok + `}`, `unexpected end of document`},
		{`{"Version": "2012-10-17", "Statement": {` + ok + `, "Effect": "Deny"}}`, `duplicate member "Effect"`},
		{`{"Statement": {"Action": "swf:*", "Resource": "*"}}`, `statement 0: no Effect`},
		{`{"Statement": {"Sid": "A", "Effect": "allow", "Action": "swf:*", "Resource": "*"}}`, `statement 0 ("A"): Effect must be "Allow" or "Deny"`},
		{`{"Statement": {"Effect": "Allow", "Resource": "*"}}`, `statement 0: no Action or NotAction`},
		{`{"Statement": {"Effect": "Allow", "Action": "swf:*"}}`, `statement 0: no Resource or NotResource`},
		{`{"Statement": {"Effect": "Allow", "Action": [], "Resource": "*"}}`, `statement 0: Action is empty`},
		{`{"Statement": {"Effect": "Allow", "Action": [1], "Resource": "*"}}`, `statement 0: Action must hold strings, not a number`},
		{`{"Statement": {"Effect": "Allow", "Action": {}, "Resource": "*"}}`, `statement 0: Action must be a string or a list of strings, not an object`},
		{`{"Statement": {"Effect": "Allow", "Action": "PollForActivityTask", "Resource": "*"}}`, `statement 0: Action: "PollForActivityTask" is not an action: want "*" or "service:Action"`},
		{`{"Statement": {"Effect": "Allow", "Action": "swf:*", "NotAction": "swf:X", "Resource": "*"}}`, `statement 0: Action and NotAction are exclusive`},
		{`{"Statement": {"Effect": "Allow", "Action": "swf:*", "Resource": "*", "NotResource": "*"}}`, `statement 0: Resource and NotResource are exclusive`},
		{`{"Statement": {"Effect": "Allow", "Action": "swf:*", "NotResource": "domain/x"}}`, `statement 0: NotResource: "domain/x" is not a resource: want "*" or an ARN`},
		{`{"Statement": {` + ok + `, "Principal": {"AWS": "*"}}}`, `statement 0: Principal is not allowed in an identity policy`},
		{`{"Statement": {` + ok + `, "NotPrincipal": "*"}}`, `statement 0: NotPrincipal is not allowed in an identity policy`},
		{`{"Statement": {` + ok + `, "Effects": "Allow"}}`, `statement 0: unknown member "Effects"`},
		{`{"Statement": {"Sid": 1, ` + ok + `}}`, `statement 0: Sid must be a string, not a number`},
		{`{"Statement": [{"Sid": "A", ` + ok + `}, {"Sid": "A", ` + ok + `}]}`, `statement 1 ("A"): Sid already used by statement 0`},
		{`{"Statement": [{` + ok + `}, "x"]}`, `statement 1: a statement must be an object, not a string`},
		{`{"Statement": {` + ok + `, "Condition": []}}`, `statement 0: Condition must be an object, not a list`},
		{`{"Statement": {` + ok + `, "Condition": {"StringEquals": "x"}}}`, `statement 0: condition operator "StringEquals" must hold an object, not a string`},
		{`{"Statement": {` + ok + `, "Condition": {"StringEquals": {}}}}`, `statement 0: condition operator "StringEquals" has no keys`},
		{`{"Statement": {` + ok + `, "Condition": {"stringEquals": {"k": "x"}}}}`, `statement 0: unknown condition operator "stringEquals"`},
		{`{"Statement": {` + ok + `, "Condition": {"ForSomeValues:StringEquals": {"k": "x"}}}}`, `statement 0: unknown set qualifier "ForSomeValues" in condition operator "ForSomeValues:StringEquals"`},
		{`{"Statement": {` + ok + `, "Condition": {"NullIfExists": {"k": "true"}}}}`, `statement 0: condition operator "NullIfExists": Null takes neither IfExists nor a set qualifier`},
		{`{"Statement": {` + ok + `, "Condition": {"StringEquals": {"k": "x", "K": "y"}}}}`, `statement 0: condition StringEquals on "K": key given twice (keys ignore case)`},
		{`{"Statement": {` + ok + `, "Condition": {"StringEquals": {"k": []}}}}`, `statement 0: condition StringEquals on "k": no values`},
		{`{"Statement": {` + ok + `, "Condition": {"StringEquals": {"k": null}}}}`, `statement 0: condition StringEquals on "k": values must be a string, number, boolean or list of them, not null`},
		{`{"Statement": {` + ok + `, "Condition": {"StringEquals": {"k": [{}]}}}}`, `statement 0: condition StringEquals on "k": a value must be a string, number or boolean, not an object`},
		{`{"Statement": {` + ok + `, "Condition": {"NumericLessThan": {"k": "ten"}}}}`, `statement 0: condition NumericLessThan on "k": "ten" is not a number`},
		{`{"Statement": {` + ok + `, "Condition": {"NumericLessThan": {"k": "NaN"}}}}`, `statement 0: condition NumericLessThan on "k": "NaN" is not a number`},
		{`{"Statement": {` + ok + `, "Condition": {"DateLessThan": {"k": "tomorrow"}}}}`, `statement 0: condition DateLessThan on "k": "tomorrow" is not an ISO 8601 date or a count of seconds since the epoch`},
		{`{"Statement": {` + ok + `, "Condition": {"Bool": {"k": "yes"}}}}`, `statement 0: condition Bool on "k": "yes" is not true or false`},
		{`{"Statement": {` + ok + `, "Condition": {"Null": {"k": "yes"}}}}`, `statement 0: condition Null on "k": "yes" is not true or false`},
		{`{"Statement": {` + ok + `, "Condition": {"BinaryEquals": {"k": "!!"}}}}`, `statement 0: condition BinaryEquals on "k": "!!" is not base64`},
		{`{"Statement": {` + ok + `, "Condition": {"IpAddress": {"k": "10.0.0.0/33"}}}}`, `statement 0: condition IpAddress on "k": "10.0.0.0/33" is not an IP address or CIDR block`},
		{`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "swf:*", "Resource": "arn:aws:swf:*:*:/domain/${aws:username"}}`, `statement 0: Resource: unterminated policy variable in "${aws:username"`},
		{`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "swf:*", "Resource": "arn:${}"}}`, `statement 0: Resource: malformed policy variable "${}"`},
		{`{"Version": "2012-10-17", "Statement": {` + ok + `, "Condition": {"StringLike": {"k": "${a, b}"}}}}`, `statement 0: condition StringLike on "k": malformed policy variable "${a, b}"`},
		{`{"Version": "2012-10-17", "Statement": {` + ok + `, "Condition": {"StringLike": {"k": "${a, 'b}"}}}}`, `statement 0: condition StringLike on "k": malformed policy variable in "${a, 'b}"`},
		{`{"Version": "2012-10-17", "Statement": {` + ok + `, "Condition": {"NumericEquals": {"k": "${app:n}"}}}}`, `statement 0: condition NumericEquals on "k": "${app:n}" is not a number`},
		{`{"Statement": {` + ok + `}`, `unexpected end of document`},
		{`not json`, `invalid JSON: invalid character 'o' in literal null (expecting 'u')`},
	}
	for _, tt := range tests {
		_, err := ParsePolicy([]byte(tt.doc))
		var pe *PolicyError
		if !errors.As(err, &pe) {
			t.Errorf("ParsePolicy(%s) error %v, want a *PolicyError", tt.doc, err)
			continue
		}
		if got := err.Error(); got != tt.want {
			t.Errorf("ParsePolicy(%s) error\n got %s\nwant %s", tt.doc, got, tt.want)
		}
	}
}

func TestParsePolicy_Accepts(t *testing.T) {
	docs := []string{
		// The example, a single statement object, and a document without Version (2008 rules).
		`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
			"Action": ["swf:PollForActivityTask", "swf:RecordActivityTaskHeartbeat", "swf:RespondActivityTask*"],
			"Resource": "arn:aws:swf:*:*:/domain/payments"}]}`,
		`{"Version": "2008-10-17", "Id": "workers", "Statement": {"Sid": "1", "Effect": "Deny", "NotAction": "swf:*", "NotResource": ["*"]}}`,
		`{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "arn:${unclosed"}}`,
		`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {
			"ForAllValues:StringLikeIfExists": {"swf:tagList.member": ["${*}", "${?}", "${$}", "${aws:username, 'it''s'}"]},
			"Null": {"k": [true, false]},
			"DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00.123+02:00"},
			"IpAddress": {"aws:SourceIp": ["::ffff:10.0.0.0/104", "2001:db8::1"]}}}}`,
	}
	for _, doc := range docs {
		MustParsePolicy(t, doc)
	}
	if v := MustParsePolicy(t, docs[2]).Version(); v != Version2008 {
		t.Errorf("Version() = %q without Version, want %q", v, Version2008)
	}
}
