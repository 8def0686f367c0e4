package awsjson

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"testing"
)

func TestFault_Constructors(t *testing.T) {
	tests := []struct {
		name       string
		f          *Fault
		wantStatus int
		wantType   string
		wantCode   string
	}{
		{"validation", ValidationError("m"), 400, "com.amazon.coral.validate#ValidationException", "ValidationException"},
		{"serialization", SerializationError("m"), 400, "SerializationException", "SerializationException"},
		{"unknown operation", UnknownOperation("X.Y"), 400, "UnknownOperationException", "UnknownOperationException"},
		{"internal failure", InternalFailure(), 500, "InternalFailure", "InternalFailure"},
		{"request too large", RequestTooLarge(10), 413, "RequestEntityTooLargeException", "RequestEntityTooLargeException"},
		{"service unavailable", ServiceUnavailable("later"), 503, "ServiceUnavailable", "ServiceUnavailable"},
		{"throttling", Throttling("slow down"), 400, "com.amazon.coral.availability#ThrottlingException", "ThrottlingException"},
		{"modeled", NewFault("com.amazonaws.swf.base.model#UnknownResourceFault", "m"), 400, "com.amazonaws.swf.base.model#UnknownResourceFault", "UnknownResourceFault"},
		{"zero status", &Fault{Type: "X"}, 400, "X", "X"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.f.HTTPStatus(); got != tt.wantStatus {
				t.Errorf("HTTPStatus() = %d, want %d", got, tt.wantStatus)
			}
			if got := tt.f.Type; got != tt.wantType {
				t.Errorf("Type = %q, want %q", got, tt.wantType)
			}
			if got := tt.f.Code(); got != tt.wantCode {
				t.Errorf("Code() = %q, want %q", got, tt.wantCode)
			}
		})
	}
}

func TestFault_Messages(t *testing.T) {
	tests := []struct {
		name string
		f    *Fault
		want string
	}{
		{"unknown operation", UnknownOperation("SimpleWorkflowService.Nope"), `Unknown operation "SimpleWorkflowService.Nope".`},
		{"missing target", UnknownOperation(""), "Missing X-Amz-Target header."},
		{"too large", RequestTooLarge(1048576), "Request body exceeds the limit of 1048576 bytes."},
		{"internal", InternalFailure(), "An internal error occurred while processing the request."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.f.Message; got != tt.want {
				t.Errorf("Message = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFault_ErrorAndAs(t *testing.T) {
	f := NewFault("ns#Thing", "gone")
	if got, want := f.Error(), "Thing: gone"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var got *Fault
	if !errors.As(fmt.Errorf("lookup: %w", f), &got) || got != f {
		t.Errorf("errors.As(wrapped fault) = %v, want the fault", got)
	}
}

func TestWriteFault(t *testing.T) {
	tests := []struct {
		name       string
		f          *Fault
		wantStatus int
		wantBody   string
		wantHeader string
	}{
		{
			name:       "namespaced",
			f:          NewFault("com.amazonaws.swf.base.model#UnknownResourceFault", "Unknown execution: w1"),
			wantStatus: 400,
			wantBody:   `{"__type":"com.amazonaws.swf.base.model#UnknownResourceFault","message":"Unknown execution: w1"}`,
			wantHeader: "UnknownResourceFault",
		},
		{
			name:       "plain",
			f:          SerializationError(`bad "json" <here> & there`),
			wantStatus: 400,
			wantBody:   `{"__type":"SerializationException","message":"bad \"json\" <here> & there"}`,
			wantHeader: "SerializationException",
		},
		{
			name:       "internal",
			f:          InternalFailure(),
			wantStatus: 500,
			wantBody:   `{"__type":"InternalFailure","message":"An internal error occurred while processing the request."}`,
			wantHeader: "InternalFailure",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			writeFault(rec, tt.f)
			res := rec.Result()
			if got := res.StatusCode; got != tt.wantStatus {
				t.Errorf("status = %d, want %d", got, tt.wantStatus)
			}
			if got := rec.Body.String(); got != tt.wantBody {
				t.Errorf("body = %s, want %s", got, tt.wantBody)
			}
			if got := res.Header.Get("Content-Type"); got != "application/x-amz-json-1.0" {
				t.Errorf("Content-Type = %q, want application/x-amz-json-1.0", got)
			}
			// The recorder keeps header keys as written; check AWS's spelling.
			//lint:ignore SA1008 the key as AWS spells it, not canonicalised, is what is checked
			if got := res.Header["X-Amzn-ErrorType"]; len(got) != 1 || got[0] != tt.wantHeader {
				t.Errorf("X-Amzn-ErrorType = %q, want [%q]", got, tt.wantHeader)
			}
			if got, want := res.Header.Get("Content-Length"), fmt.Sprint(len(tt.wantBody)); got != want {
				t.Errorf("Content-Length = %q, want %q", got, want)
			}
		})
	}
}

func TestWriteFault_Exported(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteFault(rec, ServiceUnavailable("Too many connections."))
	res := rec.Result()
	if got, want := res.StatusCode, 503; got != want {
		t.Errorf("status = %d, want %d", got, want)
	}
	if got, want := rec.Body.String(), `{"__type":"ServiceUnavailable","message":"Too many connections."}`; got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
	//lint:ignore SA1008 the key as AWS spells it, not canonicalised, is what is checked
	if got := res.Header["X-Amzn-ErrorType"]; len(got) != 1 || got[0] != "ServiceUnavailable" {
		t.Errorf("X-Amzn-ErrorType = %q, want [\"ServiceUnavailable\"]", got)
	}
	// Outside a Server nobody else gives the answer a request id.
	//lint:ignore SA1008 the key as AWS spells it, not canonicalised, is what is checked
	if got := res.Header["x-amzn-RequestId"]; len(got) != 1 || len(got[0]) != 36 {
		t.Errorf("x-amzn-RequestId = %q, want one UUID", got)
	}
}
