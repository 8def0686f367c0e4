package asl

import (
	"errors"
	"strings"
	"testing"
)

func TestParse_Valid(t *testing.T) {
	for name, def := range map[string]string{
		"pass": `{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"x":1},"ResultPath":"$.r","End":true}}}`,
		"all types": `{"Comment":"c","Version":"1.0","TimeoutSeconds":60,"StartAt":"T","States":{
			"T":{"Type":"Task","Resource":"arn:aws:states:us-east-1:123456789012:activity:a","TimeoutSeconds":10,"HeartbeatSeconds":5,
			     "Parameters":{"a.$":"$.a","f.$":"States.Format('{}',$.b)"},"ResultSelector":{"r.$":"$"},
			     "Retry":[{"ErrorEquals":["States.Timeout"],"IntervalSeconds":2,"MaxAttempts":2,"BackoffRate":1.5,"MaxDelaySeconds":10,"JitterStrategy":"FULL"},{"ErrorEquals":["States.ALL"]}],
			     "Catch":[{"ErrorEquals":["States.ALL"],"Next":"F","ResultPath":"$.err"}],"Next":"C"},
			"C":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThan":1,"Next":"W"},
			     {"And":[{"Variable":"$.s","StringMatches":"a*"},{"Not":{"Variable":"$.b","IsPresent":true}}],"Next":"P"}],"Default":"S"},
			"W":{"Type":"Wait","SecondsPath":"$.w","Next":"P"},
			"P":{"Type":"Parallel","Branches":[{"StartAt":"B1","States":{"B1":{"Type":"Pass","End":true}}},{"StartAt":"B2","States":{"B2":{"Type":"Succeed"}}}],"Next":"M"},
			"M":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":2,"ItemSelector":{"i.$":"$$.Map.Item.Value"},
			     "ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"Next":"S"},
			"S":{"Type":"Succeed"},
			"F":{"Type":"Fail","Error":"E","Cause":"C"}}}`,
		"legacy iterator": `{"StartAt":"M","States":{"M":{"Type":"Map","Parameters":{"x.$":"$$.Map.Item.Index"},"Iterator":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"End":true}}}`,
	} {
		if _, err := Parse(def); err != nil {
			t.Errorf("%s: Parse: %v", name, err)
		}
	}
}

func TestParse_Invalid(t *testing.T) {
	for _, tc := range []struct{ name, def, want string }{
		{"no States", `{"StartAt":"A"}`, "SCHEMA_VALIDATION_FAILED: These fields are required: [States] at /"},
		{"unknown top field", `{"StartAt":"A","Foo":1,"States":{"A":{"Type":"Succeed"}}}`, "SCHEMA_VALIDATION_FAILED: Field 'Foo' is not supported at /"},
		{"unknown state field", `{"StartAt":"A","States":{"A":{"Type":"Pass","TimeoutSeconds":1,"End":true}}}`, "Field 'TimeoutSeconds' is not supported at /States/A"},
		{"catch on pass", `{"StartAt":"A","States":{"A":{"Type":"Pass","Catch":[],"End":true}}}`, "Field 'Catch' is not supported at /States/A"},
		{"missing Resource", `{"StartAt":"A","States":{"A":{"Type":"Task","End":true}}}`, "These fields are required: [Resource] at /States/A"},
		{"missing next and unreachable", `{"StartAt":"pass1","States":{"pass1":{"Type":"Pass","Next":"pass3"},"pass2":{"Type":"Pass","End":true}}}`,
			`Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at /States/pass1/Next, MISSING_TRANSITION_TARGET: State "pass2" is not reachable. at /States/pass2'`},
		{"no terminal", `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"A"}}}`, "MISSING_END_STATE: Workflow has no terminal state'"},
		{"bad StartAt", `{"StartAt":"X","States":{"A":{"Type":"Succeed"}}}`, "Missing 'Next' target: X at /StartAt"},
		{"next across parallel", `{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"B","States":{"B":{"Type":"Pass","Next":"Z"}}}],"Next":"Z"},"Z":{"Type":"Succeed"}}}`,
			"Missing 'Next' target: Z at /States/P/Branches[0]/States/B/Next"},
		{"duplicate names", `{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"P","States":{"P":{"Type":"Succeed"}}}],"End":true}}}`, "Duplicate State name: P"},
		{"long name", `{"StartAt":"A","States":{"` + strings.Repeat("x", 81) + `":{"Type":"Succeed"},"A":{"Type":"Succeed"}}}`, "1 to 80 characters"},
		{"States.ALL not alone", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::x","Retry":[{"ErrorEquals":["States.ALL","E"]}],"End":true}}}`, "'States.ALL' must appear alone"},
		{"States.ALL not last", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::x","Catch":[{"ErrorEquals":["States.ALL"],"Next":"T"},{"ErrorEquals":["E"],"Next":"T"}],"End":true}}}`, "last catcher"},
		{"wait two fields", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"SecondsPath":"$.s","End":true}}}`, "exactly one of the fields 'Seconds'"},
		{"wait no field", `{"StartAt":"W","States":{"W":{"Type":"Wait","End":true}}}`, "exactly one of the fields 'Seconds'"},
		{"heartbeat >= timeout", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::x","TimeoutSeconds":5,"HeartbeatSeconds":5,"End":true}}}`, "'HeartbeatSeconds' must be less than"},
		{"bad InputPath", `{"StartAt":"A","States":{"A":{"Type":"Pass","InputPath":"$.[","End":true}}}`, "The value for the field 'InputPath' must be a valid JSONPath at /States/A/InputPath"},
		{"ResultPath not reference", `{"StartAt":"A","States":{"A":{"Type":"Pass","ResultPath":"$.a[*]","End":true}}}`, "must be a valid ReferencePath at /States/A/ResultPath"},
		{"bad parameters path", `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"x.$":"$$$"},"End":true}}}`, "at /States/A/Parameters/x.$"},
		{"jsonata", `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Succeed"}}}`, "QueryLanguage 'JSONata' is not supported yet"},
		{"choice end", `{"StartAt":"C","States":{"C":{"Type":"Choice","End":true,"Choices":[{"Variable":"$.a","IsNull":true,"Next":"S"}]},"S":{"Type":"Succeed"}}}`, "Field 'End' is not supported at /States/C"},
		{"choice two operators", `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.a","IsNull":true,"IsString":true,"Next":"S"}]},"S":{"Type":"Succeed"}}}`, "exactly one comparison operator"},
		{"choice wrong literal", `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.a","NumericEquals":"1","Next":"S"}]},"S":{"Type":"Succeed"}}}`, "'NumericEquals' must be a NUMBER"},
		{"nested Next", `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Not":{"Variable":"$.a","IsNull":true,"Next":"S"},"Next":"S"}]},"S":{"Type":"Succeed"}}}`, "Field 'Next' is not supported at /States/C/Choices[0]/Not"},
		{"bad jitter", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::x","Retry":[{"ErrorEquals":["E"],"JitterStrategy":"HALF"}],"End":true}}}`, "JitterStrategy"},
		{"distributed map", `{"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED"},"StartAt":"I","States":{"I":{"Type":"Succeed"}}},"End":true}}}`, "not supported yet"},
		{"not json", `not a definition`, "INVALID_JSON_DESCRIPTION"},
		{"bad timestamp", `{"StartAt":"W","States":{"W":{"Type":"Wait","Timestamp":"2016-12-05T21:29:29","End":true}}}`, "Timestamp"},
	} {
		_, err := Parse(tc.def)
		var de *DefinitionError
		if !errors.As(err, &de) {
			t.Errorf("%s: err = %v, want a DefinitionError", tc.name, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s:\n got %s\nwant it to contain %s", tc.name, err, tc.want)
		}
	}
}

func TestValidate_Diagnostics(t *testing.T) {
	d := Validate(`{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"A"},"C":{"Type":"Succeed"}}}`)
	if len(d) != 1 || d[0].Code != CodeMissingTransitionTarget || d[0].Location != "/States/C" {
		t.Errorf("diagnostics = %+v, want C unreachable", d)
	}
	if d := Validate(`{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}`); len(d) != 0 {
		t.Errorf("diagnostics of a valid machine = %+v", d)
	}
}
