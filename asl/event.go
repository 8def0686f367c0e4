package asl

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Event is one Step Functions history event (the model's HistoryEvent). Details points to the model's
// *EventDetails shape for the type, or is nil for types without details (e.g. TaskStateAborted). Its JSON
// form is the wire form: timestamp in epoch seconds, and the details under their member name
// ("stateEnteredEventDetails", "activityScheduledEventDetails", …).
type Event struct {
	ID              int64
	PreviousEventID int64
	Timestamp       time.Time
	Type            string
	Details         any
}

// DetailsMember is the HistoryEvent member that holds the event's details, "" when it has none.
func (e Event) DetailsMember() string {
	if e.Details == nil {
		return ""
	}
	switch {
	case strings.HasSuffix(e.Type, "StateEntered"):
		return "stateEnteredEventDetails"
	case strings.HasSuffix(e.Type, "StateExited"):
		return "stateExitedEventDetails"
	}
	return strings.ToLower(e.Type[:1]) + e.Type[1:] + "EventDetails"
}

// MarshalJSON writes the event as GetExecutionHistory returns it.
func (e Event) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"timestamp":`)
	b.WriteString(strconv.FormatFloat(float64(e.Timestamp.UnixMilli())/1000, 'f', -1, 64))
	b.WriteString(`,"type":`)
	t, _ := json.Marshal(e.Type)
	b.Write(t)
	b.WriteString(`,"id":` + strconv.FormatInt(e.ID, 10))
	b.WriteString(`,"previousEventId":` + strconv.FormatInt(e.PreviousEventID, 10))
	if m := e.DetailsMember(); m != "" {
		d, err := json.Marshal(e.Details)
		if err != nil {
			return nil, err
		}
		b.WriteString(`,"` + m + `":`)
		b.Write(d)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// HistoryEventExecutionDataDetails says whether an input or output was truncated; this package never
// truncates (it fails with States.DataLimitExceeded instead).
type HistoryEventExecutionDataDetails struct {
	Truncated bool `json:"truncated"`
}

// ExecutionStartedEventDetails are the details of ExecutionStarted.
type ExecutionStartedEventDetails struct {
	Input        string                           `json:"input"`
	InputDetails HistoryEventExecutionDataDetails `json:"inputDetails"`
	RoleArn      string                           `json:"roleArn,omitempty"`
}

// OutputEventDetails is the shape of ExecutionSucceeded, ActivitySucceeded (and the model's other
// output-only details): an output and its details.
type OutputEventDetails struct {
	Output        string                           `json:"output"`
	OutputDetails HistoryEventExecutionDataDetails `json:"outputDetails"`
}

// ErrorEventDetails is the shape of ExecutionFailed, ExecutionAborted, ExecutionTimedOut,
// ActivityFailed and ActivityTimedOut: an optional error and cause, absent keys when unset.
type ErrorEventDetails struct {
	Error *string `json:"error,omitempty"`
	Cause *string `json:"cause,omitempty"`
}

// StateEnteredEventDetails are the details of every *StateEntered event.
type StateEnteredEventDetails struct {
	Name         string                           `json:"name"`
	Input        string                           `json:"input"`
	InputDetails HistoryEventExecutionDataDetails `json:"inputDetails"`
}

// StateExitedEventDetails are the details of every *StateExited event.
type StateExitedEventDetails struct {
	Name          string                           `json:"name"`
	Output        string                           `json:"output"`
	OutputDetails HistoryEventExecutionDataDetails `json:"outputDetails"`
}

// ActivityScheduledEventDetails are the details of ActivityScheduled; the timeouts appear only when
// the state set them (AWS's recordings).
type ActivityScheduledEventDetails struct {
	Resource           string                           `json:"resource"`
	Input              string                           `json:"input"`
	InputDetails       HistoryEventExecutionDataDetails `json:"inputDetails"`
	TimeoutInSeconds   *int64                           `json:"timeoutInSeconds,omitempty"`
	HeartbeatInSeconds *int64                           `json:"heartbeatInSeconds,omitempty"`
}

// ActivityStartedEventDetails are the details of ActivityStarted: the worker's name if it gave one.
type ActivityStartedEventDetails struct {
	WorkerName string `json:"workerName,omitempty"`
}

// TaskScheduledEventDetails are the details of TaskScheduled.
type TaskScheduledEventDetails struct {
	ResourceType       string `json:"resourceType"`
	Resource           string `json:"resource"`
	Region             string `json:"region"`
	Parameters         string `json:"parameters"`
	TimeoutInSeconds   *int64 `json:"timeoutInSeconds,omitempty"`
	HeartbeatInSeconds *int64 `json:"heartbeatInSeconds,omitempty"`
}

// TaskStartedEventDetails are the details of TaskStarted.
type TaskStartedEventDetails struct {
	ResourceType string `json:"resourceType"`
	Resource     string `json:"resource"`
}

// TaskOutputEventDetails is the shape of TaskSubmitted and TaskSucceeded.
type TaskOutputEventDetails struct {
	ResourceType  string                           `json:"resourceType"`
	Resource      string                           `json:"resource"`
	Output        string                           `json:"output"`
	OutputDetails HistoryEventExecutionDataDetails `json:"outputDetails"`
}

// TaskErrorEventDetails is the shape of TaskFailed and TaskTimedOut.
type TaskErrorEventDetails struct {
	ResourceType string  `json:"resourceType"`
	Resource     string  `json:"resource"`
	Error        *string `json:"error,omitempty"`
	Cause        *string `json:"cause,omitempty"`
}

// MapStateStartedEventDetails are the details of MapStateStarted: the number of items.
type MapStateStartedEventDetails struct {
	Length int `json:"length"`
}

// MapIterationEventDetails are the details of the MapIteration* events: the Map state's name and the
// item's index.
type MapIterationEventDetails struct {
	Name  string `json:"name"`
	Index int    `json:"index"`
}
