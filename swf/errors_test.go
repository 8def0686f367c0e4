package swf

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/awsjson"
)

// TestFaults_EveryModeledFaultIsMapped reads the AWS model and fails if an operation lists a fault that no
// error kind maps to, or if a kind maps to a fault the model does not know.
func TestFaults_EveryModeledFaultIsMapped(t *testing.T) {
	m, err := Model()
	if err != nil {
		t.Fatal(err)
	}
	mapped := map[string]bool{}
	for kind := openswf.KindInternal; kind <= openswf.KindUnavailable; kind++ {
		for _, res := range []string{"domain", "type"} {
			if name := faultName(&openswf.Error{Kind: kind, Resource: res}); name != "" {
				mapped[name] = true
			}
		}
	}
	modeled := map[string]bool{}
	for _, op := range m.Operations() {
		for _, name := range m.Errors(op) {
			modeled[name] = true
			if !mapped[name] {
				t.Errorf("%s lists %s, which no error kind maps to", op, name)
			}
		}
	}
	for name := range mapped {
		if !modeled[name] {
			t.Errorf("error kinds map to %s, which the model does not define", name)
		}
	}
}

func TestFaults_WireTypes(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{openswf.Errorf(openswf.KindUnknownResource, "x"), "com.amazonaws.swf.base.model#UnknownResourceFault"},
		{&openswf.Error{Kind: openswf.KindAlreadyExists, Resource: "domain"}, "com.amazonaws.swf.base.model#DomainAlreadyExistsFault"},
		{&openswf.Error{Kind: openswf.KindAlreadyExists, Resource: "type"}, "com.amazonaws.swf.base.model#TypeAlreadyExistsFault"},
		{openswf.Errorf(openswf.KindValidation, "x"), awsjson.TypeValidation},
	} {
		var f *awsjson.Fault
		if !errors.As(toFault(tc.err), &f) || f.Type != tc.want {
			t.Errorf("toFault(%v) = %v, want type %s", tc.err, toFault(tc.err), tc.want)
		}
	}
	// Internal errors pass through unmapped, so the server answers InternalFailure and logs them.
	plain := errors.New("disk on fire")
	if got := toFault(plain); got != plain {
		t.Errorf("toFault(plain) = %v, want it unchanged", got)
	}
	var f *awsjson.Fault
	if !errors.As(toFault(openswf.ErrConflict), &f) || f.Type != awsjson.TypeServiceUnavailable || f.HTTPStatus() != 503 {
		t.Errorf("conflict surfaced as %v, want a retryable 503, never a ThrottlingException", toFault(openswf.ErrConflict))
	}
}

// A storage fault is a retryable 503 whose message says nothing of the cause.
func TestFaults_StorageUnavailable(t *testing.T) {
	cause := fmt.Errorf("write /var/lib/openswf/openswf.db-hb: %w", syscall.ENOSPC)
	err := fmt.Errorf("record heartbeat: %w", fmt.Errorf("%w: %w", openswf.ErrUnavailable, cause))
	var f *awsjson.Fault
	if !errors.As(toFault(err), &f) {
		t.Fatalf("toFault(%v) = %v, want an awsjson.Fault", err, toFault(err))
	}
	if f.HTTPStatus() != http.StatusServiceUnavailable || f.Type != awsjson.TypeServiceUnavailable {
		t.Errorf("storage fault: got %d %s, want 503 %s", f.HTTPStatus(), f.Type, awsjson.TypeServiceUnavailable)
	}
	if strings.Contains(f.Message, "openswf.db") || strings.Contains(f.Message, "no space") {
		t.Errorf("storage fault message %q tells the client of the cause", f.Message)
	}
	if !errors.Is(toFault(err), syscall.ENOSPC) {
		t.Errorf("toFault(%v) = %v, which lost the cause for the log", err, toFault(err))
	}
}
