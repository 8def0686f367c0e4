package openswf

import (
	"encoding/json"
	"strings"
	"time"
)

// RegistrationStatus is the registration state of a domain or type.
type RegistrationStatus string

// The registration states.
const (
	StatusRegistered RegistrationStatus = "REGISTERED"
	StatusDeprecated RegistrationStatus = "DEPRECATED"
)

// Domain is a registered SWF domain.
type Domain struct {
	Name        string             `json:"name,omitempty"`
	Description string             `json:"description,omitempty"`
	Status      RegistrationStatus `json:"status,omitempty"`
	// RetentionDays is workflowExecutionRetentionPeriodInDays as registered ("NONE", "0" … "90").
	RetentionDays string        `json:"retentionDays,omitempty"`
	Tags          []ResourceTag `json:"tags,omitempty"`
	CreatedAt     time.Time     `json:"createdAt,omitempty"`
}

// ResourceTag is a key/value tag on a domain.
type ResourceTag struct {
	Key   string `json:"key"`
	Value string `json:"value,omitempty"`
}

// TypeKind tells activity types from workflow types; both live in one registry.
type TypeKind string

// The two kinds of registered type.
const (
	KindActivityType TypeKind = "activity"
	KindWorkflowType TypeKind = "workflow"
)

// TypeRecord is a registered activity or workflow type with its defaults. The defaults are kept as the
// strings the caller registered ("" when absent), because they are echoed back as such.
type TypeRecord struct {
	Domain          string             `json:"domain,omitempty"`
	Kind            TypeKind           `json:"kind,omitempty"`
	Name            string             `json:"name,omitempty"`
	Version         string             `json:"version,omitempty"`
	Description     string             `json:"description,omitempty"`
	Status          RegistrationStatus `json:"status,omitempty"`
	CreatedAt       time.Time          `json:"createdAt,omitempty"`
	DeprecatedAt    time.Time          `json:"deprecatedAt,omitempty"`
	DefaultTaskList string             `json:"defaultTaskList,omitempty"`
	DefaultPriority string             `json:"defaultPriority,omitempty"`
	// Activity-type defaults.
	DefaultScheduleToStart string `json:"defaultScheduleToStart,omitempty"`
	DefaultScheduleToClose string `json:"defaultScheduleToClose,omitempty"`
	DefaultStartToClose    string `json:"defaultStartToClose,omitempty"`
	DefaultHeartbeat       string `json:"defaultHeartbeat,omitempty"`
	// Workflow-type defaults. DefaultStartToClose above doubles as the decision task start-to-close.
	DefaultExecutionStartToClose string `json:"defaultExecutionStartToClose,omitempty"`
	DefaultChildPolicy           string `json:"defaultChildPolicy,omitempty"`
	DefaultLambdaRole            string `json:"defaultLambdaRole,omitempty"`

	// Tags and Attributes belong to another API's records kept as types (a Step Functions activity or state
	// machine): SWF's types have neither. Attributes are that API's own, opaque to the engine and the store.
	Tags       []ResourceTag   `json:"tags,omitempty"`
	Attributes json.RawMessage `json:"attributes,omitempty"`
}

// TypeListQuery selects registered types for ListActivityTypes / ListWorkflowTypes.
type TypeListQuery struct {
	Domain  string
	Kind    TypeKind
	Status  RegistrationStatus
	Name    string      // exact name filter; "" for all
	After   *TypeRecord // keyset cursor: list past this (name, version) in the requested order
	Limit   int
	Reverse bool
}

// InternalDomain reports whether a domain name is one the server keeps for another API's records (the Step
// Functions executions and activities live in one): a name with a ':' in it, which SWF's rules for domain
// names forbid, so that no SWF domain can ever take it and the SWF API can refuse it on sight.
func InternalDomain(name string) bool {
	return strings.Contains(name, ":")
}
