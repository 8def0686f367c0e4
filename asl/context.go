package asl

import "time"

// Context is what the interpreter knows of the execution from outside; it feeds the context object ($$).
// Input is the execution's input as the JSON text StartExecution received.
type Context struct {
	ExecutionArn     string    `json:"executionArn"`
	Name             string    `json:"name"`
	RoleArn          string    `json:"roleArn"`
	StateMachineArn  string    `json:"stateMachineArn"`
	StateMachineName string    `json:"stateMachineName"`
	StartTime        time.Time `json:"startTime"`
	Input            string    `json:"input"`
}
