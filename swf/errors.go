package swf

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/awsjson"
)

// namespace is the prefix of SWF's fault types on the wire.
const namespace = "com.amazonaws.swf.base.model#"

// faultName maps a classified error to the name of SWF's modeled fault ("" for the generic ones).
func faultName(e *openswf.Error) string {
	switch e.Kind {
	case openswf.KindUnknownResource:
		return "UnknownResourceFault"
	case openswf.KindAlreadyExists:
		if e.Resource == "domain" {
			return "DomainAlreadyExistsFault"
		}
		return "TypeAlreadyExistsFault"
	case openswf.KindDeprecated:
		if e.Resource == "domain" {
			return "DomainDeprecatedFault"
		}
		return "TypeDeprecatedFault"
	case openswf.KindNotDeprecated:
		return "TypeNotDeprecatedFault"
	case openswf.KindExecutionAlreadyStarted:
		return "WorkflowExecutionAlreadyStartedFault"
	case openswf.KindDefaultUndefined:
		return "DefaultUndefinedFault"
	case openswf.KindLimitExceeded:
		return "LimitExceededFault"
	case openswf.KindOperationNotPermitted:
		return "OperationNotPermittedFault"
	case openswf.KindTooManyTags:
		return "TooManyTagsFault"
	}
	return ""
}

// unavailableMessage is all a client learns of a storage fault.
const unavailableMessage = "Storage is unavailable: retry later"

// toFault turns an engine error into what the client sees. Unclassified errors pass through, so that the
// server logs them and answers InternalFailure.
func toFault(err error) error {
	var e *openswf.Error
	if !errors.As(err, &e) {
		return err
	}
	switch e.Kind {
	case openswf.KindValidation:
		if e.Member != "" {
			return awsjson.ValidationError(validationMessage(e))
		}
		return awsjson.ValidationError(e.Message)
	case openswf.KindConflict:
		// The engine retried a conflict between nodes (within one node a run's transitions queue and never
		// conflict) and still lost: the server could not serve this now. A 503, which every SDK retries, and
		// not ThrottlingException, which AWS keeps for its documented rate limits.
		return awsjson.ServiceUnavailable("The workflow execution is changing on another node; retry")
	case openswf.KindUnavailable:
		// A storage fault (a full disk, an I/O error): the client retries, and learns nothing of the cause,
		// which stays in the chain for the server's log.
		return fmt.Errorf("%w: %w", awsjson.ServiceUnavailable(unavailableMessage), err)
	}
	if name := faultName(e); name != "" {
		return awsjson.NewFault(namespace+name, e.Message)
	}
	return err
}

// validationMessage words an error about one member as Coral words the violations of the model's
// constraints (awsjson's validation), so that a rule the engine enforces reads like one the model does:
// "1 validation error detected: Value 'x' at 'decisions.1.member.startTimerDecisionAttributes.timerId'
// failed to satisfy constraint: Member must …". The value is shown as given, unescaped, as AWS does.
func validationMessage(e *openswf.Error) string {
	shown := "null"
	if e.Value != nil {
		shown = "'" + *e.Value + "'"
	}
	return "1 validation error detected: Value " + shown + " at '" + coralPath(e.Member) +
		"' failed to satisfy constraint: " + e.Constraint
}

// coralPath turns the engine's path of a member ("decisions[0].startTimerDecisionAttributes", see
// openswf.Error.Member) into Coral's, which counts list items from 1 and names each "member":
// "decisions.1.member.startTimerDecisionAttributes".
func coralPath(p string) string {
	var b strings.Builder
	for i, seg := range strings.Split(p, ".") {
		if i > 0 {
			b.WriteByte('.')
		}
		name, rest, _ := strings.Cut(seg, "[")
		b.WriteString(name)
		for rest != "" {
			idx, after, ok := strings.Cut(rest, "]")
			n, err := strconv.Atoi(idx)
			if !ok || err != nil || n < 0 {
				// Not a path the engine writes: show it as it is rather than guess.
				b.WriteString("[" + rest)
				break
			}
			b.WriteString("." + strconv.Itoa(n+1) + ".member")
			rest = strings.TrimPrefix(after, "[")
		}
	}
	return b.String()
}
