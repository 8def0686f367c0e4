package asl

import (
	"testing"
)

// FuzzParse feeds definitions to Parse and Validate, and runs what parses: none of it may panic.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		`{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`,
		`{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"And":[{"Variable":"$.a","StringMatches":"x*"}],"Next":"S"}],"Default":"S"},"S":{"Type":"Succeed"}}}`,
		`{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"B","States":{"B":{"Type":"Fail","Error":"E"}}}],"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Z"}],"End":true},"Z":{"Type":"Succeed"}}}`,
		`{"StartAt":"M","States":{"M":{"Type":"Map","ItemSelector":{"v.$":"$$.Map.Item.Value"},"ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","Parameters":{"x.$":"States.Format('{}', $)"},"End":true}}},"End":true}}}`,
		`{"StartAt":"W","States":{"W":{"Type":"Wait","Timestamp":"2020-01-01T00:00:00Z","End":true}}}`,
		`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:us-east-1:1:activity:a","Retry":[{"ErrorEquals":["States.ALL"]}],"End":true}}}`,
		`{"StartAt":`, `[]`, `{"States":{}}`,
	} {
		f.Add(seed, `{"a":[1,2],"stop":true}`)
	}
	f.Fuzz(func(t *testing.T, def, input string) {
		Validate(def)
		m, err := Parse(def)
		if err != nil {
			return
		}
		m.States()
		x, st, err := m.Start(testContext(input), testEnv(), t0)
		if err != nil {
			return
		}
		// Answer every open task once, by failure, to drive Retry, Catch and aborts too.
		for i := 0; i < 20 && !x.Closed; i++ {
			var in Input = TimedOut{}
			for _, a := range st.Actions {
				switch a := a.(type) {
				case ScheduleActivity:
					in = TaskFailed{TaskID: a.TaskID, Error: s("E")}
				case StartTask:
					in = TaskSucceeded{TaskID: a.TaskID, Output: `{}`}
				case StartTimer:
					if a.TimerID != ExecutionTimeoutTimer {
						in = TimerFired{TimerID: a.TimerID}
					}
				}
			}
			if st, err = m.Apply(x, testEnv(), in, t0); err != nil {
				return
			}
		}
	})
}

// FuzzPath parses and evaluates JSONPaths and intrinsic calls on a document: none may panic.
func FuzzPath(f *testing.F) {
	for _, p := range []string{"$", "$.a", "$..b", "$.a[-1:]", "$.a[?(@.x >= 5 && @.y == 'z')]", "$['a','b']", "$.a[0,1]", `$.a\.b`, "$$.Execution.Id", "$.a[::-1]"} {
		f.Add(p, `{"a":[{"x":5,"y":"z"},{"x":1}],"b":{"b":2}}`)
	}
	f.Add("States.Format('{} {}', $.a, States.Array(1))", `{"a":"s"}`)
	f.Fuzz(func(t *testing.T, path, doc string) {
		v, err := ParseJSON(doc)
		if err != nil {
			v = NewObject()
		}
		if p, err := ParsePath(path); err == nil {
			p.Eval(v)
			if p.IsReference() {
				p.Set(v, num(1))
			}
		}
		if c, err := parseIntrinsic(path); err == nil {
			c.eval(&scope{input: v, ctx: NewObject(), rng: (&Execution{}).rng(&Thread{}, "")})
		}
	})
}
