package awsjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Fault types of the generic, non-modeled errors AWS JSON services answer. Modeled faults carry their API's
// namespace (for SWF "com.amazonaws.swf.base.model#UnknownResourceFault") and are built by the API packages.
const (
	// TypeValidation is the __type of a request that breaks a model constraint.
	TypeValidation = "com.amazon.coral.validate#ValidationException"
	// TypeSerialization is the __type of a body that is not JSON or has a member of the wrong JSON type.
	TypeSerialization = "SerializationException"
	// TypeUnknownOperation is the __type of a request whose X-Amz-Target names no registered operation.
	TypeUnknownOperation = "UnknownOperationException"
	// TypeInternalFailure is the __type of a genuine server fault (HTTP 500, retried by every SDK).
	TypeInternalFailure = "InternalFailure"
	// TypeRequestTooLarge is the __type of a body over the server's size limit (HTTP 413).
	TypeRequestTooLarge = "RequestEntityTooLargeException"
	// TypeThrottling is the __type every SDK recognises as retryable throttling.
	TypeThrottling = "com.amazon.coral.availability#ThrottlingException"
	// TypeMethodNotAllowed is the __type of a request that is not a POST (HTTP 405).
	TypeMethodNotAllowed = "MethodNotAllowedException"
	// TypeServiceUnavailable is the __type of a request the server cannot take on now (HTTP 503), the code
	// AWS's list of common errors gives the status.
	TypeServiceUnavailable = "ServiceUnavailable"

	// The authentication faults (HTTP 400) of a Server with Options.Authenticate set. They carry the
	// namespace AWS's JSON 1.0 front end gives them ("com.amazon.coral.service#…", as DynamoDB answers
	// them); every SDK reads the code after '#'.

	// TypeMissingAuthenticationToken is the __type of a request with no signature at all.
	TypeMissingAuthenticationToken = "com.amazon.coral.service#MissingAuthenticationTokenException"
	// TypeIncompleteSignature is the __type of an Authorization header that is not a complete SigV4 one.
	TypeIncompleteSignature = "com.amazon.coral.service#IncompleteSignatureException"
	// TypeUnrecognizedClient is the __type of a signature by an access key the server does not know.
	TypeUnrecognizedClient = "com.amazon.coral.service#UnrecognizedClientException"
	// TypeInvalidSignature is the __type of a signature that does not verify, or is dated too far from the
	// server's clock.
	TypeInvalidSignature = "com.amazon.coral.service#InvalidSignatureException"
)

// ContentType is the media type of every AWS JSON 1.0 response body.
const ContentType = "application/x-amz-json-1.0"

// internalFailureMessage is the only thing a client learns about a server fault; the details go to the log.
const internalFailureMessage = "An internal error occurred while processing the request."

// Fault is an error answered to the client as an AWS JSON error response. Handlers return one (possibly
// wrapped) to choose the fault a client sees; any other error becomes InternalFailure.
type Fault struct {
	// Status is the HTTP status code; 0 means 400.
	Status int
	// Type is the full __type value, e.g. "com.amazonaws.swf.base.model#UnknownResourceFault" or
	// "SerializationException". It must not carry a ":…" suffix (older botocore keeps it in the code).
	Type string
	// Message is the human-readable message, sent as the lower-case "message" member.
	Message string
}

// NewFault returns an HTTP 400 fault of the given full type, the status AWS uses for every modeled fault.
func NewFault(typ, message string) *Fault {
	return &Fault{Status: http.StatusBadRequest, Type: typ, Message: message}
}

// Error returns the fault's code and message.
func (f *Fault) Error() string {
	return f.Code() + ": " + f.Message
}

// Code returns the error code clients match on: the text of Type after '#' (all of Type if it has none).
// It is also the value of the X-Amzn-ErrorType header, which the Go SDK prefers over the body.
func (f *Fault) Code() string {
	if i := strings.LastIndexByte(f.Type, '#'); i >= 0 {
		return f.Type[i+1:]
	}
	return f.Type
}

// HTTPStatus returns Status, or 400 when it is unset.
func (f *Fault) HTTPStatus() int {
	if f.Status == 0 {
		return http.StatusBadRequest
	}
	return f.Status
}

// ValidationError returns a ValidationException (HTTP 400) with the given message.
func ValidationError(msg string) *Fault {
	return NewFault(TypeValidation, msg)
}

// SerializationError returns a SerializationException (HTTP 400) with the given message.
func SerializationError(msg string) *Fault {
	return NewFault(TypeSerialization, msg)
}

// UnknownOperation returns an UnknownOperationException (HTTP 400) for the given X-Amz-Target value.
func UnknownOperation(target string) *Fault {
	if target == "" {
		return NewFault(TypeUnknownOperation, "Missing X-Amz-Target header.")
	}
	return NewFault(TypeUnknownOperation, "Unknown operation "+strconv.Quote(truncateRunes(target, maxValueRunes))+".")
}

// InternalFailure returns the HTTP 500 fault answered for every unexpected error. Its message is generic on
// purpose: clients never see internal details.
func InternalFailure() *Fault {
	return &Fault{Status: http.StatusInternalServerError, Type: TypeInternalFailure, Message: internalFailureMessage}
}

// ServiceUnavailable returns the HTTP 503 fault of a request the server cannot serve for now, such as a
// write while its storage is full or a connection over the cap. Every SDK retries a 503 with backoff by its
// status alone (botocore, and the Go, Java and JavaScript SDKs), where a 500 InternalFailure would
// tell the operator of a bug; the message says only that it is worth retrying. A handler that returns it
// wrapped together with the cause (fmt.Errorf("%w: %w", ServiceUnavailable(msg), cause)) has the cause
// logged with the request id, and not answered.
func ServiceUnavailable(msg string) *Fault {
	return &Fault{Status: http.StatusServiceUnavailable, Type: TypeServiceUnavailable, Message: msg}
}

// RequestTooLarge returns the HTTP 413 fault for a request body longer than limit bytes.
func RequestTooLarge(limit int64) *Fault {
	return &Fault{
		Status:  http.StatusRequestEntityTooLarge,
		Type:    TypeRequestTooLarge,
		Message: fmt.Sprintf("Request body exceeds the limit of %d bytes.", limit),
	}
}

// Throttling returns a ThrottlingException (HTTP 400), which every SDK retries with backoff.
func Throttling(msg string) *Fault {
	return NewFault(TypeThrottling, msg)
}

// The authentication faults are answered with HTTP 400, where AWS answers some of them with 403 (the common
// errors page gives MissingAuthenticationToken 403; SQS's JSON front end answers 403 too, DynamoDB's 400).
// Neither status is retried by any SDK, botocore and the Go SDK read the code from the body or
// X-Amzn-ErrorType whatever the status, and 400 is what every fault of these two APIs' models uses. The
// Go SDK retries InvalidSignatureException once after correcting its clock when the response's Date header
// (net/http always sends one) shows a skew, as it does against AWS.

// MissingAuthenticationToken returns the fault of a request that carries no signature.
func MissingAuthenticationToken() *Fault {
	return NewFault(TypeMissingAuthenticationToken, "Request is missing Authentication Token")
}

// IncompleteSignature returns the fault of an Authorization header that is not a complete SigV4 signature.
func IncompleteSignature(msg string) *Fault {
	return NewFault(TypeIncompleteSignature, msg)
}

// UnrecognizedClient returns the fault of a signature by an unknown access key, in AWS's words.
func UnrecognizedClient() *Fault {
	return NewFault(TypeUnrecognizedClient, "The security token included in the request is invalid.")
}

// InvalidSignature returns the fault of a signature that does not verify or is out of date.
func InvalidSignature(msg string) *Fault {
	return NewFault(TypeInvalidSignature, msg)
}

// methodNotAllowed is the HTTP 405 fault for any method but POST.
func methodNotAllowed(method string) *Fault {
	return &Fault{
		Status:  http.StatusMethodNotAllowed,
		Type:    TypeMethodNotAllowed,
		Message: "Method " + strconv.Quote(truncateRunes(method, 32)) + " is not allowed; AWS JSON requests use POST.",
	}
}

// faultBody is the error body: exactly these two members, in this order, and no "code" key (the JS SDK
// would read it before the header).
type faultBody struct {
	Type    string `json:"__type"`
	Message string `json:"message"`
}

// body returns the JSON error body of f.
func (f *Fault) body() []byte {
	b, err := marshalJSON(faultBody{Type: f.Type, Message: f.Message})
	if err != nil {
		// Two strings always marshal; keep a valid body regardless.
		return []byte(`{"__type":"InternalFailure","message":""}`)
	}
	return b
}

// WriteFault answers f on w as an AWS JSON error response with a request id of its own, for answers given
// outside a Server (a connection over the listener's cap, say). Handlers of a Server return their faults
// instead.
func WriteFault(w http.ResponseWriter, f *Fault) {
	// AWS's spelling of the key, as in ServeHTTP.
	w.Header()["x-amzn-RequestId"] = []string{newRequestID()}
	writeFault(w, f)
}

// writeFault writes f as an AWS JSON error response.
func writeFault(w http.ResponseWriter, f *Fault) {
	h := w.Header()
	// Set the key as AWS spells it; http.Header.Set would canonicalise it to X-Amzn-Errortype.
	h["X-Amzn-ErrorType"] = []string{f.Code()}
	writeJSON(w, f.HTTPStatus(), f.body())
}

// writeJSON writes an AWS JSON 1.0 response body with the given status.
func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = contentTypeValue
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	_, _ = w.Write(body) // A write error means the client went away; there is no one left to tell.
}

// RawJSON is a handler's output already encoded as JSON: the server sends it as it is.
type RawJSON []byte

// contentTypeValue is the Content-Type header's value, shared by every response (net/http only reads it).
var contentTypeValue = []string{ContentType}

// marshalJSON is json.Marshal without HTML escaping (AWS does not escape '<', '>' and '&'), and without
// the trailing newline of json.Encoder.
func marshalJSON(v any) ([]byte, error) {
	if raw, ok := v.(RawJSON); ok {
		return raw, nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
