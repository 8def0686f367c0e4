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

// A classified error about one member is worded as Coral words a constraint violation, its path in Coral's
// form (list items counted from 1, each named "member"); other validation errors keep their words.
func TestFaults_ValidationWording(t *testing.T) {
	v := func(s string) *string { return &s }
	for _, tc := range []struct {
		err  error
		want string
	}{
		{openswf.InvalidMember("name", v("a:b"), "Member must not contain ':'"),
			"1 validation error detected: Value 'a:b' at 'name' failed to satisfy constraint: Member must not contain ':'"},
		{openswf.InvalidMember("decisions[0].startTimerDecisionAttributes", nil, "Member must not be null for decision type StartTimer"),
			"1 validation error detected: Value null at 'decisions.1.member.startTimerDecisionAttributes' failed to satisfy constraint: Member must not be null for decision type StartTimer"},
		{openswf.InvalidMember("tags[11].value", v(""), "C"),
			"1 validation error detected: Value '' at 'tags.12.member.value' failed to satisfy constraint: C"},
		{openswf.InvalidMember("a[0][2].b.c[1]", v("it's"), "C"),
			"1 validation error detected: Value 'it's' at 'a.1.member.3.member.b.c.2.member' failed to satisfy constraint: C"},
		{fmt.Errorf("respond decision: %w", openswf.InvalidMember("x[y]", v("1"), "C")),
			"1 validation error detected: Value '1' at 'x[y]' failed to satisfy constraint: C"},
		{openswf.Errorf(openswf.KindValidation, "Invalid nextPageToken"), "Invalid nextPageToken"},
	} {
		var f *awsjson.Fault
		if !errors.As(toFault(tc.err), &f) || f.Type != awsjson.TypeValidation {
			t.Errorf("toFault(%v) = %v, want a ValidationException", tc.err, toFault(tc.err))
			continue
		}
		if f.Message != tc.want {
			t.Errorf("toFault(%v):\n got %q\nwant %q", tc.err, f.Message, tc.want)
		}
	}
}
