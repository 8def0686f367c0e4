package asl

import (
	"strings"
	"testing"
)

func task(extra string) string {
	return `{"Type":"Task","Resource":"` + activityArn + `"` + extra + `}`
}

// TestHistory_Golden runs the sequences of the reference notes (§3.3, §3.4) and the specification's
// examples and compares their histories with testdata/<name>.txt.
func TestHistory_Golden(t *testing.T) {
	for _, tc := range []struct {
		name, def, input string
		inputs           []Input
	}{
		{"activity_success", `{"StartAt":"ActivityTask","States":{"ActivityTask":` + task(`,"End":true`) + `}}`, `{"a":1}`,
			[]Input{TaskStarted{TaskID: "2.0", WorkerName: "worker-1"}, TaskSucceeded{TaskID: "2.0", Output: `{"done": true}`}}},
		{"activity_failure", `{"StartAt":"ActivityTask","States":{"ActivityTask":` + task(`,"End":true`) + `}}`, `{}`,
			[]Input{TaskStarted{TaskID: "2.0"}, TaskFailed{TaskID: "2.0", Error: s("Programmatic Error"), Cause: s("Programmatic failure cause")}}},
		{"activity_timeout", `{"StartAt":"ActivityTask","States":{"ActivityTask":` + task(`,"TimeoutSeconds":5,"End":true`) + `}}`, `{}`,
			[]Input{TaskStarted{TaskID: "2.0"}, TaskTimedOut{TaskID: "2.0"}}},
		{"heartbeat_timeout_caught", `{"StartAt":"T","States":{"T":` + task(`,"HeartbeatSeconds":10,"TimeoutSeconds":60,
			"Catch":[{"ErrorEquals":["States.HeartbeatTimeout"],"ResultPath":"$.error","Next":"Handled"}],"End":true`) + `,
			"Handled":{"Type":"Pass","End":true}}}`, `{"job":7}`,
			[]Input{TaskStarted{TaskID: "2.0", WorkerName: "w"}, TaskTimedOut{TaskID: "2.0", Heartbeat: true}}},
		{"retries", `{"StartAt":"T","States":{"T":` + task(`,"Parameters":{"attempt.$":"$$.State.RetryCount"},
			"Retry":[{"ErrorEquals":["Busy"],"IntervalSeconds":2,"BackoffRate":3,"MaxAttempts":2}],"End":true`) + `}}`, `{}`,
			[]Input{TaskFailed{TaskID: "2.0", Error: s("Busy")}, TimerFired{TimerID: "retry-2.1"},
				TaskFailed{TaskID: "2.1", Error: s("Busy")}, TimerFired{TimerID: "retry-2.2"},
				TaskFailed{TaskID: "2.2", Error: s("Busy"), Cause: s("still busy")}}},
		{"parallel_branch_failure", `{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[
			{"StartAt":"A","States":{"A":` + task(`,"End":true`) + `}},
			{"StartAt":"B","States":{"B":` + task(`,"End":true`) + `}}],
			"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Recover"}],"End":true},
			"Recover":{"Type":"Pass","End":true}}}`, `{"x":1}`,
			[]Input{TaskFailed{TaskID: "4.0", Error: s("Boom"), Cause: s("branch A broke")}}},
		{"parallel_success", `{"StartAt":"P","States":{"P":{"Type":"Parallel","ResultSelector":{"first.$":"$[0]","second.$":"$[1]"},"ResultPath":"$.r","Branches":[
			{"StartAt":"A","States":{"A":{"Type":"Pass","Result":"a","End":true}}},
			{"StartAt":"B","States":{"B":` + task(`,"End":true`) + `}}],"End":true}}}`, `{"x":1}`,
			[]Input{TaskSucceeded{TaskID: "6.0", Output: `"b"`}}},
		{"parallel_retry", `{"StartAt":"P","States":{"P":{"Type":"Parallel","Retry":[{"ErrorEquals":["States.TaskFailed"],"IntervalSeconds":5,"MaxAttempts":1}],
			"Branches":[{"StartAt":"A","States":{"A":{"Type":"Wait","Seconds":10,"End":true}}},{"StartAt":"B","States":{"B":` + task(`,"End":true`) + `}}],"End":true}}}`, `{}`,
			[]Input{TaskFailed{TaskID: "5.0", Error: s("Flaky")}, TimerFired{TimerID: "retry-2.1"}, TimerFired{TimerID: "wait-11"}, TaskSucceeded{TaskID: "12.0", Output: `"ok"`}}},
		{"map_inline", `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":2,
			"ItemSelector":{"index.$":"$$.Map.Item.Index","value.$":"$$.Map.Item.Value","tag.$":"$.tag"},
			"ItemProcessor":{"StartAt":"Work","States":{"Work":` + task(`,"End":true`) + `}},"ResultPath":"$.results","End":true}}}`,
			`{"items":["a","b","c"],"tag":"t"}`,
			[]Input{TaskSucceeded{TaskID: "5.0", Output: `1`}, TaskSucceeded{TaskID: "8.0", Output: `2`}, TaskSucceeded{TaskID: "14.0", Output: `3`}}},
		{"map_failure_aborts", `{"StartAt":"M","States":{"M":{"Type":"Map",
			"Iterator":{"StartAt":"Work","States":{"Work":` + task(`,"End":true`) + `}},"End":true}}}`, `[1,2]`,
			[]Input{TaskFailed{TaskID: "5.0", Error: s("Bad")}}},
		{"map_tolerated", `{"StartAt":"M","States":{"M":{"Type":"Map","ToleratedFailureCount":1,
			"ItemProcessor":{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$","NumericEquals":2,"Next":"F"}],"Default":"S"},
			"F":{"Type":"Fail","Error":"Two"},"S":{"Type":"Succeed"}}},"End":true}}}`, `[1,2,3]`, nil},
		{"map_empty", `{"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`, `[]`, nil},
		{"hello_world", `{"Comment":"A simple minimal example of the States language","StartAt":"Hello World",
			"States":{"Hello World":{"Type":"Pass","Result":"Hello World!","End":true}}}`, `{}`, nil},
		{"choice_wait_succeed", `{"StartAt":"Choose","States":{
			"Choose":{"Type":"Choice","Choices":[{"Not":{"Variable":"$.type","StringEquals":"Private"},"Next":"Public"},
			  {"And":[{"Variable":"$.value","NumericGreaterThanEquals":20},{"Variable":"$.value","NumericLessThan":30}],"Next":"ValueInTwenties"}],"Default":"Fail"},
			"Public":{"Type":"Fail","Error":"Wrong"},
			"ValueInTwenties":{"Type":"Wait","SecondsPath":"$.value","Next":"Done"},
			"Done":{"Type":"Succeed","OutputPath":"$.value"},
			"Fail":{"Type":"Fail","Error":"NoMatch","Cause":"no rule matched"}}}`, `{"type":"Private","value":22}`,
			[]Input{TimerFired{TimerID: "wait-4"}}},
		{"no_choice_matched", `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.a","IsPresent":true,"Next":"S"}]},"S":{"Type":"Succeed"}}}`, `{}`, nil},
		{"stop_while_waiting", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":60,"End":true}}}`, `{}`,
			[]Input{Stop{Error: s("Stopped"), Cause: s("by test")}, TimerFired{TimerID: "wait-2"}}},
		{"failed_from_outside", `{"StartAt":"T","States":{"T":` + task(`,"End":true`) + `}}`, `{}`,
			[]Input{TaskStarted{TaskID: "2.0"}, Fail{Error: s("States.Runtime"), Cause: s("State machine m has been deleted.")}, TaskSucceeded{TaskID: "2.0", Output: "{}"}}},
		{"execution_timeout", `{"TimeoutSeconds":30,"StartAt":"T","States":{"T":` + task(`,"End":true`) + `}}`, `{}`,
			[]Input{TaskStarted{TaskID: "2.0"}, TimerFired{TimerID: ExecutionTimeoutTimer}}},
		{"activity_does_not_exist", `{"StartAt":"ActivityTask","States":{"ActivityTask":{"Type":"Task","Resource":"arn:aws:states:us-east-1:123456789012:activity:gone",
			"Catch":[{"ErrorEquals":["States.ALL"],"Next":"X"}],"End":true},"X":{"Type":"Succeed"}}}`, `{}`, nil},
		{"unsupported_resource", `{"StartAt":"L","States":{"L":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}`, `{}`, nil},
		{"timeout_path_missing", `{"StartAt":"T","States":{"T":` + task(`,"TimeoutSecondsPath":"$.timeout","End":true`) + `}}`, `{}`, nil},
		{"start_execution_sync", `{"StartAt":"Child","States":{"Child":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2",
			"Parameters":{"StateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:child","Input.$":"$"},"HeartbeatSeconds":30,"ResultSelector":{"out.$":"$.Output"},"End":true}}}`, `{"n":1}`,
			[]Input{TaskStarted{TaskID: "2.0"}, TaskSubmitted{TaskID: "2.0", Output: `{"ExecutionArn":"arn:child"}`}, TaskSucceeded{TaskID: "2.0", Output: `{"Output":{"k":2}}`}}},
		{"wait_for_task_token", `{"StartAt":"Cb","States":{"Cb":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:sfn:sendTaskSuccess.waitForTaskToken",
			"Parameters":{"token.$":"$$.Task.Token"},"TimeoutSeconds":100,"Catch":[{"ErrorEquals":["States.Timeout"],"Next":"T"}],"End":true},"T":{"Type":"Pass","End":true}}}`, `{}`,
			[]Input{TaskTimedOut{TaskID: "2.0"}}},
		{"stale_inputs", `{"StartAt":"ActivityTask","States":{"ActivityTask":` + task(`,"End":true`) + `}}`, `{}`,
			[]Input{TaskSucceeded{TaskID: "9.9", Output: `{}`}, TaskStarted{TaskID: "2.0"}, TaskStarted{TaskID: "2.0"},
				TaskSubmitted{TaskID: "2.0", Output: `{}`}, TaskSucceeded{TaskID: "2.0", Output: `not json`},
				TaskSucceeded{TaskID: "2.0", Output: `{}`}, TaskSucceeded{TaskID: "2.0", Output: `{}`}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := history(t, strings.ReplaceAll(tc.def, "\n", ""), tc.input, tc.inputs...)
			golden(t, tc.name, got)
		})
	}
}
