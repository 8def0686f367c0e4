package iam

import "testing"

// TestCondition_Operators evaluates each condition twice, under an Allow and under a Deny statement, so
// that every case checks allow, explicit deny and no match.
func TestCondition_Operators(t *testing.T) {
	ctx := map[string][]string{
		"aws:username":          {"alice"},
		"swf:taskList.name":     {"payments-eu"},
		"swf:activityType.name": {"Charge"},
		"aws:CurrentTime":       {"2026-12-02T16:00:00Z"},
		"aws:EpochTime":         {"1796227200"}, // 2026-12-02T16:00:00Z
		"aws:SecureTransport":   {"true"},
		"aws:SourceIp":          {"203.0.113.7"},
		"aws:SourceIpV6":        {"2001:db8::7"},
		"app:retries":           {"3"},
		"app:ratio":             {"0.25"},
		"app:blob":              {"\x00\x01binary"},
		"aws:SourceArn":         {"arn:aws:states:us-east-1:123456789012:stateMachine:orders"},
		"swf:tagList.member":    {"blue", "green"},
		"app:empty":             {},
		"app:bad":               {"not-a-value"},
	}
	tests := []struct {
		cond  string
		holds bool
	}{
		// Strings.
		{`{"StringEquals": {"swf:taskList.name": "payments-eu"}}`, true},
		{`{"StringEquals": {"swf:taskList.name": "Payments-EU"}}`, false},
		{`{"StringEquals": {"SWF:TASKLIST.NAME": "payments-eu"}}`, true}, // keys ignore case
		{`{"StringEquals": {"swf:taskList.name": ["billing", "payments-eu"]}}`, true},
		{`{"StringEquals": {"swf:taskList.name": "payments-*"}}`, false}, // no wildcards in StringEquals
		{`{"StringEquals": {"app:missing": "x"}}`, false},
		{`{"StringNotEquals": {"swf:taskList.name": "billing"}}`, true},
		{`{"StringNotEquals": {"swf:taskList.name": ["billing", "payments-eu"]}}`, false},
		{`{"StringNotEquals": {"app:missing": "x"}}`, true},
		{`{"StringEqualsIgnoreCase": {"swf:taskList.name": "PAYMENTS-EU"}}`, true},
		{`{"StringEqualsIgnoreCase": {"swf:taskList.name": "billing"}}`, false},
		{`{"StringNotEqualsIgnoreCase": {"swf:taskList.name": "PAYMENTS-EU"}}`, false},
		{`{"StringNotEqualsIgnoreCase": {"app:missing": "x"}}`, true},
		{`{"StringLike": {"swf:taskList.name": "payments-*"}}`, true},
		{`{"StringLike": {"swf:taskList.name": "payments-??"}}`, true},
		{`{"StringLike": {"swf:taskList.name": "Payments-*"}}`, false},
		{`{"StringLike": {"app:missing": "*"}}`, false},
		{`{"StringNotLike": {"swf:taskList.name": "billing-*"}}`, true},
		{`{"StringNotLike": {"swf:taskList.name": ["billing-*", "*-eu"]}}`, false},
		{`{"StringNotLike": {"app:missing": "*"}}`, true},
		{`{"StringLike": {"swf:taskList.name": "${aws:username}-*"}}`, false},
		{`{"StringLike": {"swf:taskList.name": "${aws:username, 'payments'}-*"}}`, false},
		{`{"StringLike": {"swf:taskList.name": "${app:missing, 'payments'}-*"}}`, true},
		{`{"StringEquals": {"aws:username": "${aws:username}"}}`, true},
		{`{"StringEquals": {"aws:username": "${app:missing}"}}`, false},
		{`{"StringNotEquals": {"aws:username": "${app:missing}"}}`, true}, // the value matches nothing
		{`{"StringEquals": {"app:empty": "x"}}`, false},                   // no values is absent
		// Several keys and operators are ANDed.
		{`{"StringEquals": {"aws:username": "alice", "swf:taskList.name": "payments-eu"}}`, true},
		{`{"StringEquals": {"aws:username": "alice", "swf:taskList.name": "billing"}}`, false},
		{`{"StringEquals": {"aws:username": "alice"}, "Bool": {"aws:SecureTransport": "false"}}`, false},
		// Numbers.
		{`{"NumericEquals": {"app:retries": "3"}}`, true},
		{`{"NumericEquals": {"app:retries": 3.0}}`, true},
		{`{"NumericEquals": {"app:retries": "4"}}`, false},
		{`{"NumericNotEquals": {"app:retries": "4"}}`, true},
		{`{"NumericNotEquals": {"app:missing": "4"}}`, true},
		{`{"NumericLessThan": {"app:retries": 4}}`, true},
		{`{"NumericLessThan": {"app:retries": 3}}`, false},
		{`{"NumericLessThanEquals": {"app:retries": 3}}`, true},
		{`{"NumericGreaterThan": {"app:ratio": 0.2}}`, true},
		{`{"NumericGreaterThan": {"app:ratio": 0.25}}`, false},
		{`{"NumericGreaterThanEquals": {"app:ratio": "0.25"}}`, true},
		{`{"NumericGreaterThanEquals": {"app:missing": 1}}`, false},
		{`{"NumericEquals": {"app:bad": 1}}`, false},
		// Dates, as ISO 8601 or epoch seconds on either side.
		{`{"DateEquals": {"aws:CurrentTime": "2026-12-02T16:00:00Z"}}`, true},
		{`{"DateEquals": {"aws:CurrentTime": "2026-12-02T17:00:00+01:00"}}`, true},
		{`{"DateEquals": {"aws:CurrentTime": "1796227200"}}`, true},
		{`{"DateNotEquals": {"aws:CurrentTime": "2026-12-02"}}`, true},
		{`{"DateNotEquals": {"app:missing": "2026-12-02"}}`, true},
		{`{"DateLessThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}}`, true},
		{`{"DateLessThan": {"aws:EpochTime": "2026-01-01"}}`, false},
		{`{"DateLessThanEquals": {"aws:EpochTime": "2026-12-02T16:00:00Z"}}`, true},
		{`{"DateGreaterThan": {"aws:CurrentTime": "2026-12-02T15:59:59.5Z"}}`, true},
		{`{"DateGreaterThan": {"aws:CurrentTime": "20261202T160000Z"}}`, false},
		{`{"DateGreaterThanEquals": {"aws:CurrentTime": 1796227200}}`, true},
		{`{"DateGreaterThanEquals": {"app:missing": 0}}`, false},
		{`{"DateEquals": {"app:bad": 0}}`, false},
		// Bool.
		{`{"Bool": {"aws:SecureTransport": "true"}}`, true},
		{`{"Bool": {"aws:SecureTransport": true}}`, true},
		{`{"Bool": {"aws:SecureTransport": "TRUE"}}`, true},
		{`{"Bool": {"aws:SecureTransport": "false"}}`, false},
		{`{"Bool": {"app:missing": "false"}}`, false},
		// Binary: the policy's value is base64 of the request's bytes.
		{`{"BinaryEquals": {"app:blob": "AAFiaW5hcnk="}}`, true},
		{`{"BinaryEquals": {"app:blob": "AAE="}}`, false},
		{`{"BinaryEquals": {"app:missing": "AAE="}}`, false},
		// IP addresses.
		{`{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}`, true},
		{`{"IpAddress": {"aws:SourceIp": "203.0.113.7"}}`, true},
		{`{"IpAddress": {"aws:SourceIp": "198.51.100.0/24"}}`, false},
		{`{"IpAddress": {"aws:SourceIp": ["198.51.100.0/24", "203.0.0.0/8"]}}`, true},
		{`{"IpAddress": {"aws:SourceIpV6": "2001:db8::/32"}}`, true},
		{`{"IpAddress": {"aws:SourceIpV6": "203.0.113.0/24"}}`, false},
		{`{"IpAddress": {"app:bad": "0.0.0.0/0"}}`, false},
		{`{"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}`, true},
		{`{"NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8", "203.0.113.0/24"]}}`, false},
		{`{"NotIpAddress": {"app:missing": "10.0.0.0/8"}}`, true},
		// ARNs, part by part.
		{`{"ArnEquals": {"aws:SourceArn": "arn:aws:states:us-east-1:123456789012:stateMachine:orders"}}`, true},
		{`{"ArnEquals": {"aws:SourceArn": "arn:aws:states:*:123456789012:stateMachine:*"}}`, true},
		{`{"ArnLike": {"aws:SourceArn": "arn:aws:states:*:*:stateMachine:ord*"}}`, true},
		{`{"ArnLike": {"aws:SourceArn": "arn:aws:states:*:*:activity:*"}}`, false},
		{`{"ArnLike": {"aws:SourceArn": "arn:aws:states:*"}}`, true},
		{`{"ArnLike": {"aws:SourceArn": "arn:aws:*:us-east-?:*:stateMachine:orders"}}`, true},
		{`{"ArnLike": {"aws:SourceArn": "arn:aws:states:us-east-1*:stateMachine:orders"}}`, false}, // '*' stays in its part
		{`{"ArnLike": {"aws:SourceArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Orders"}}`, false},
		{`{"ArnLike": {"app:missing": "*"}}`, false},
		{`{"ArnNotEquals": {"aws:SourceArn": "arn:aws:states:*:*:activity:*"}}`, true},
		{`{"ArnNotLike": {"aws:SourceArn": "arn:aws:states:*:*:stateMachine:*"}}`, false},
		{`{"ArnNotLike": {"app:missing": "arn:*"}}`, true},
		{`{"ArnLike": {"aws:SourceArn": "arn:aws:states:*:*:stateMachine:${app:missing, 'orders'}"}}`, true},
		// Null.
		{`{"Null": {"app:missing": "true"}}`, true},
		{`{"Null": {"app:missing": "false"}}`, false},
		{`{"Null": {"aws:username": "true"}}`, false},
		{`{"Null": {"aws:username": false}}`, true},
		{`{"Null": {"app:empty": "true"}}`, true},
		// ...IfExists.
		{`{"StringEqualsIfExists": {"app:missing": "x"}}`, true},
		{`{"StringEqualsIfExists": {"aws:username": "alice"}}`, true},
		{`{"StringEqualsIfExists": {"aws:username": "bob"}}`, false},
		{`{"StringNotEqualsIfExists": {"aws:username": "alice"}}`, false},
		{`{"StringNotEqualsIfExists": {"app:missing": "alice"}}`, true},
		{`{"NumericLessThanIfExists": {"app:missing": 1}}`, true},
		{`{"NumericLessThanIfExists": {"app:retries": 1}}`, false},
		{`{"DateLessThanIfExists": {"app:missing": "2020-01-01"}}`, true},
		{`{"BoolIfExists": {"aws:SecureTransport": "false"}}`, false},
		{`{"BoolIfExists": {"app:missing": "false"}}`, true},
		{`{"IpAddressIfExists": {"app:missing": "10.0.0.0/8"}}`, true},
		{`{"ArnLikeIfExists": {"app:missing": "arn:*"}}`, true},
		{`{"BinaryEqualsIfExists": {"app:missing": "AAE="}}`, true},
		// Set qualifiers over a multivalued key.
		{`{"ForAnyValue:StringEquals": {"swf:tagList.member": "green"}}`, true},
		{`{"ForAnyValue:StringEquals": {"swf:tagList.member": ["red", "yellow"]}}`, false},
		{`{"ForAnyValue:StringEquals": {"app:missing": "green"}}`, false},
		{`{"ForAnyValue:StringEquals": {"app:empty": "green"}}`, false},
		{`{"ForAllValues:StringEquals": {"swf:tagList.member": ["blue", "green", "red"]}}`, true},
		{`{"ForAllValues:StringEquals": {"swf:tagList.member": ["blue", "red"]}}`, false},
		{`{"ForAllValues:StringEquals": {"app:missing": "blue"}}`, true},
		{`{"ForAllValues:StringEquals": {"app:empty": "blue"}}`, true},
		{`{"ForAllValues:StringLike": {"swf:tagList.member": ["b*", "g*"]}}`, true},
		{`{"ForAnyValue:StringNotEquals": {"swf:tagList.member": "blue"}}`, true},
		{`{"ForAnyValue:StringNotEquals": {"swf:tagList.member": ["blue", "green"]}}`, false},
		{`{"ForAnyValue:StringNotEquals": {"app:missing": "blue"}}`, false},
		{`{"ForAllValues:StringNotEquals": {"swf:tagList.member": "red"}}`, true},
		{`{"ForAllValues:StringNotEquals": {"swf:tagList.member": "blue"}}`, false},
		{`{"ForAllValues:StringNotLike": {"app:missing": "*"}}`, true},
		{`{"ForAnyValue:StringEqualsIfExists": {"app:missing": "x"}}`, true},
		{`{"ForAllValues:NumericLessThan": {"app:retries": 5}}`, true},
		// Without a qualifier a multivalued key holds when any value matches, negated when none does.
		{`{"StringEquals": {"swf:tagList.member": "green"}}`, true},
		{`{"StringNotEquals": {"swf:tagList.member": "green"}}`, false},
		{`{"StringNotEquals": {"swf:tagList.member": "red"}}`, true},
	}
	for _, tt := range tests {
		for _, effect := range []string{"Allow", "Deny"} {
			doc := stmt(effect, `"Action": "*"`, `"Resource": "*"`, `"Condition": `+tt.cond)
			p := MustParsePolicy(t, doc)
			got := outcome(Evaluate([]*Policy{p}, Request{Action: "swf:X", Resource: domainPayments, Context: ctx}))
			want := "none"
			if tt.holds {
				want = map[string]string{"Allow": "allow", "Deny": "deny"}[effect]
			}
			if got != want {
				t.Errorf("%s %s = %s, want %s", effect, tt.cond, got, want)
			}
		}
	}
}

func TestCondition_OperatorNames(t *testing.T) {
	// Every operator but Null takes IfExists, and all but Null take the set qualifiers.
	for name, op := range operators {
		for _, form := range []string{name, name + "IfExists", "ForAnyValue:" + name, "ForAllValues:" + name + "IfExists"} {
			_, problem := parseOperator(form)
			if wantOK := op.family != nullFamily || form == name; (problem == "") != wantOK {
				t.Errorf("parseOperator(%q) problem %q, want ok %v", form, problem, wantOK)
			}
		}
	}
	if got, want := len(operators), 27; got != want {
		t.Errorf("%d operators, want %d", got, want)
	}
}
