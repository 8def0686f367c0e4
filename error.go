package openswf

import (
	"errors"
	"fmt"
	"strconv"
)

// ErrorKind classifies an Error once, so that each API can map it to its own fault without looking at text.
type ErrorKind int

// The kinds of error the engine and stores report.
const (
	// KindInternal is a genuine server fault; clients see a generic InternalFailure.
	KindInternal ErrorKind = iota
	// KindValidation is input that breaks a rule the model's constraints cannot express.
	KindValidation
	// KindUnknownResource is a domain, type, execution or task that does not exist or is closed.
	KindUnknownResource
	// KindAlreadyExists is a resource that is already registered (domain, type).
	KindAlreadyExists
	// KindDeprecated is a deprecated domain or type used where a registered one is needed.
	KindDeprecated
	// KindNotDeprecated is a delete of a type that is not deprecated.
	KindNotDeprecated
	// KindExecutionAlreadyStarted is a start of a workflow id that has an open run.
	KindExecutionAlreadyStarted
	// KindDefaultUndefined is a start whose settings resolve neither from the call nor the type.
	KindDefaultUndefined
	// KindLimitExceeded is a documented limit reached.
	KindLimitExceeded
	// KindOperationNotPermitted is an action the caller may not take.
	KindOperationNotPermitted
	// KindTooManyTags is a resource given more tags than allowed.
	KindTooManyTags
	// KindConflict is a lost optimistic-concurrency race; the engine retries it and clients never see it.
	KindConflict
	// KindUnavailable is a write the storage could not take for now (a full disk or quota, an I/O
	// error): nothing of it was acknowledged, and the client should retry later.
	KindUnavailable
)

// Error is openswf's classified error.
type Error struct {
	Kind ErrorKind
	// Message is the error in plain words. An API may show it as it is, except for an error about one
	// member (Member is set), whose message each API words itself from Member, Constraint and Value.
	Message string
	// Resource names the kind of thing a KindAlreadyExists or KindDeprecated error is about ("domain",
	// "type"), so that an API can pick the fault that names it.
	Resource string

	// Member is set on a KindValidation error about one member of a request: its path from the request,
	// as member names joined by dots, with a list item's zero-based index in brackets after the list's
	// name: "decisions[1].startTimerDecisionAttributes.startToFireTimeout", "tags[0].key". The names
	// are those of the root package's vocabulary (which spells members as SWF does); an API words the
	// path its own way (SWF's "decisions.2.member.…").
	Member string
	// Constraint is the rule the member broke, in words: "Member must be a number of seconds".
	Constraint string
	// Value is what the member held, as given; nil when it was absent (null).
	Value *string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error of the given kind.
func Errorf(kind ErrorKind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// InvalidMember returns a KindValidation error about one member of a request (see Error.Member for the
// path's form): value, or its absence when value is nil, breaks constraint.
func InvalidMember(member string, value *string, constraint string) *Error {
	shown := "null"
	if value != nil {
		shown = strconv.Quote(*value)
	}
	return &Error{Kind: KindValidation, Member: member, Constraint: constraint, Value: value,
		Message: fmt.Sprintf("invalid %s %s: %s", member, shown, constraint)}
}

// KindOf reports the kind of err: the Kind of the first *Error in its chain, else KindInternal.
func KindOf(err error) ErrorKind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// ErrConflict is what Store.Apply reports when the execution's version moved under the transition.
var ErrConflict = &Error{Kind: KindConflict, Message: "execution changed concurrently"}

// ErrNotFound is what stores report when a looked-up record does not exist.
var ErrNotFound = &Error{Kind: KindUnknownResource, Message: "not found"}

// ErrExists is what stores report when a created record already exists.
var ErrExists = &Error{Kind: KindAlreadyExists, Message: "already exists"}

// ErrFenced is what Store.Apply reports for a transition whose Fence no longer holds: another node took
// the timer lease. Nothing was stored; the deadline is the new owner's to act on.
var ErrFenced = &Error{Kind: KindUnavailable, Message: "timer lease lost to another node"}

// ErrUnavailable is what stores wrap a storage fault in (fmt.Errorf("%w: %w", ErrUnavailable, err)), so
// that the APIs answer a retryable fault while the cause stays in the chain for the log.
var ErrUnavailable = &Error{Kind: KindUnavailable, Message: "storage unavailable"}
