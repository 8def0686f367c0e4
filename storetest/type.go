package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/openswf/openswf"
)

func testTypes(t *testing.T, newStore func(t *testing.T) openswf.Store) {
	t.Run("CreateGet", func(t *testing.T) {
		s := newStore(t)
		for _, want := range []*openswf.TypeRecord{
			newType("d1", openswf.KindActivityType, "work", "1"),
			newType("d1", openswf.KindWorkflowType, "flow", "1"),
		} {
			if err := s.CreateType(t.Context(), want); err != nil {
				t.Fatalf("CreateType(%s): %v", want.Kind, err)
			}
			got, err := s.GetType(t.Context(), want.Domain, want.Kind, want.Name, want.Version)
			if err != nil {
				t.Fatalf("GetType(%s): %v", want.Kind, err)
			}
			if d := diff(want, got); d != "" {
				t.Errorf("GetType(%s) (-want +got):\n%s", want.Kind, d)
			}
		}
	})

	t.Run("CreateTwice", func(t *testing.T) {
		s := newStore(t)
		mustCreateType(t, s, newType("d1", openswf.KindActivityType, "work", "1"))
		err := s.CreateType(t.Context(), newType("d1", openswf.KindActivityType, "work", "1"))
		wantErr(t, "CreateType again", err, openswf.ErrExists)
	})

	t.Run("GetMissing", func(t *testing.T) {
		s := newStore(t)
		mustCreateType(t, s, newType("d1", openswf.KindActivityType, "work", "1"))
		for _, k := range []struct {
			domain  string
			kind    openswf.TypeKind
			name    string
			version string
		}{
			{"d2", openswf.KindActivityType, "work", "1"},
			{"d1", openswf.KindWorkflowType, "work", "1"},
			{"d1", openswf.KindActivityType, "other", "1"},
			{"d1", openswf.KindActivityType, "work", "2"},
		} {
			_, err := s.GetType(t.Context(), k.domain, k.kind, k.name, k.version)
			wantErr(t, fmt.Sprintf("GetType(%s, %s, %s, %s)", k.domain, k.kind, k.name, k.version), err, openswf.ErrNotFound)
		}
	})

	t.Run("Update", func(t *testing.T) {
		s := newStore(t)
		mustCreateType(t, s, newType("d1", openswf.KindActivityType, "work", "1"))
		want := newType("d1", openswf.KindActivityType, "work", "1")
		want.Status = openswf.StatusDeprecated
		want.DeprecatedAt = at(2 * time.Hour)
		if err := s.UpdateType(t.Context(), want); err != nil {
			t.Fatalf("UpdateType: %v", err)
		}
		got, err := s.GetType(t.Context(), "d1", openswf.KindActivityType, "work", "1")
		if err != nil {
			t.Fatalf("GetType: %v", err)
		}
		if d := diff(want, got); d != "" {
			t.Errorf("GetType after update (-want +got):\n%s", d)
		}
	})

	t.Run("UpdateMissing", func(t *testing.T) {
		s := newStore(t)
		mustCreateType(t, s, newType("d1", openswf.KindActivityType, "work", "1"))
		err := s.UpdateType(t.Context(), newType("d1", openswf.KindWorkflowType, "work", "1"))
		wantErr(t, "UpdateType of an unregistered type", err, openswf.ErrNotFound)
		_, err = s.GetType(t.Context(), "d1", openswf.KindWorkflowType, "work", "1")
		wantErr(t, "GetType after a failed update", err, openswf.ErrNotFound)
	})

	t.Run("Delete", func(t *testing.T) {
		s := newStore(t)
		mustCreateType(t, s, newType("d1", openswf.KindActivityType, "work", "1"))
		mustCreateType(t, s, newType("d1", openswf.KindActivityType, "work", "2"))
		if err := s.DeleteType(t.Context(), "d1", openswf.KindActivityType, "work", "1"); err != nil {
			t.Fatalf("DeleteType: %v", err)
		}
		_, err := s.GetType(t.Context(), "d1", openswf.KindActivityType, "work", "1")
		wantErr(t, "GetType of a deleted type", err, openswf.ErrNotFound)
		if _, err := s.GetType(t.Context(), "d1", openswf.KindActivityType, "work", "2"); err != nil {
			t.Errorf("GetType of the other version: %v", err)
		}
		err = s.DeleteType(t.Context(), "d1", openswf.KindActivityType, "work", "1")
		wantErr(t, "DeleteType again", err, openswf.ErrNotFound)
		// Deleted, the name can be registered anew.
		mustCreateType(t, s, newType("d1", openswf.KindActivityType, "work", "1"))
	})

	t.Run("KindSeparation", func(t *testing.T) {
		s := newStore(t)
		mustCreateType(t, s, newType("d1", openswf.KindActivityType, "same", "1"))
		mustCreateType(t, s, newType("d1", openswf.KindWorkflowType, "same", "1"))
		mustCreateType(t, s, newType("d1", openswf.KindWorkflowType, "flow", "1"))
		mustCreateType(t, s, newType("d2", openswf.KindActivityType, "elsewhere", "1"))
		for _, tc := range []struct {
			kind openswf.TypeKind
			want []string
		}{
			{openswf.KindActivityType, []string{"activity same/1"}},
			{openswf.KindWorkflowType, []string{"workflow flow/1", "workflow same/1"}},
		} {
			ts, err := s.ListTypes(t.Context(), openswf.TypeListQuery{Domain: "d1", Kind: tc.kind, Status: openswf.StatusRegistered, Limit: 100})
			if err != nil {
				t.Fatalf("ListTypes(%s): %v", tc.kind, err)
			}
			if d := diff(tc.want, typeKeys(ts)); d != "" {
				t.Errorf("ListTypes(%s) (-want +got):\n%s", tc.kind, d)
			}
		}
		if err := s.DeleteType(t.Context(), "d1", openswf.KindWorkflowType, "same", "1"); err != nil {
			t.Fatalf("DeleteType(workflow): %v", err)
		}
		if _, err := s.GetType(t.Context(), "d1", openswf.KindActivityType, "same", "1"); err != nil {
			t.Errorf("GetType(activity) after deleting the workflow type of the same name: %v", err)
		}
	})

	t.Run("ListRecords", func(t *testing.T) {
		s := newStore(t)
		want := newType("d1", openswf.KindActivityType, "work", "1")
		mustCreateType(t, s, want)
		ts, err := s.ListTypes(t.Context(), openswf.TypeListQuery{Domain: "d1", Kind: openswf.KindActivityType, Status: openswf.StatusRegistered, Limit: 10})
		if err != nil {
			t.Fatalf("ListTypes: %v", err)
		}
		if d := diff([]*openswf.TypeRecord{want}, ts); d != "" {
			t.Errorf("ListTypes (-want +got):\n%s", d)
		}
	})

	t.Run("ListFilters", func(t *testing.T) {
		s := newStore(t)
		for _, nv := range [][2]string{{"b", "1"}, {"a", "2"}, {"a", "1"}, {"c", "1"}, {"b", "2"}} {
			mustCreateType(t, s, newType("d1", openswf.KindActivityType, nv[0], nv[1]))
		}
		dep := newType("d1", openswf.KindActivityType, "b", "3")
		dep.Status = openswf.StatusDeprecated
		mustCreateType(t, s, dep)
		for _, tc := range []struct {
			name   string
			status openswf.RegistrationStatus
			want   []string
		}{
			{"", openswf.StatusRegistered, []string{"activity a/1", "activity a/2", "activity b/1", "activity b/2", "activity c/1"}},
			{"b", openswf.StatusRegistered, []string{"activity b/1", "activity b/2"}},
			{"b", openswf.StatusDeprecated, []string{"activity b/3"}},
			{"", openswf.StatusDeprecated, []string{"activity b/3"}},
			{"z", openswf.StatusRegistered, nil},
		} {
			q := openswf.TypeListQuery{Domain: "d1", Kind: openswf.KindActivityType, Status: tc.status, Name: tc.name, Limit: 100}
			ts, err := s.ListTypes(t.Context(), q)
			if err != nil {
				t.Fatalf("ListTypes(name %q, %s): %v", tc.name, tc.status, err)
			}
			if d := diff(tc.want, typeKeys(ts)); d != "" {
				t.Errorf("ListTypes(name %q, %s) (-want +got):\n%s", tc.name, tc.status, d)
			}
		}
	})

	t.Run("ListPaging", func(t *testing.T) {
		s := newStore(t)
		for _, nv := range [][2]string{{"b", "1"}, {"a", "2"}, {"a", "1"}, {"c", "1"}, {"b", "2"}} {
			mustCreateType(t, s, newType("d1", openswf.KindWorkflowType, nv[0], nv[1]))
		}
		cursor := func(name, version string) *openswf.TypeRecord {
			return &openswf.TypeRecord{Domain: "d1", Kind: openswf.KindWorkflowType, Name: name, Version: version}
		}
		for _, tc := range []struct {
			name    string
			after   *openswf.TypeRecord
			limit   int
			reverse bool
			want    []string
		}{
			{"", nil, 2, false, []string{"workflow a/1", "workflow a/2"}},
			{"", cursor("a", "2"), 2, false, []string{"workflow b/1", "workflow b/2"}},
			{"", cursor("a", "1"), 2, false, []string{"workflow a/2", "workflow b/1"}},
			{"", cursor("b", "2"), 2, false, []string{"workflow c/1"}},
			{"", cursor("c", "1"), 2, false, nil},
			{"", nil, 2, true, []string{"workflow c/1", "workflow b/2"}},
			{"", cursor("b", "2"), 2, true, []string{"workflow b/1", "workflow a/2"}},
			{"", cursor("b", "1"), 2, true, []string{"workflow a/2", "workflow a/1"}},
			{"", cursor("a", "1"), 2, true, nil},
			{"b", nil, 1, false, []string{"workflow b/1"}},
			{"b", cursor("b", "1"), 1, false, []string{"workflow b/2"}},
			{"b", cursor("b", "2"), 1, true, []string{"workflow b/1"}},
		} {
			q := openswf.TypeListQuery{Domain: "d1", Kind: openswf.KindWorkflowType, Status: openswf.StatusRegistered,
				Name: tc.name, After: tc.after, Limit: tc.limit, Reverse: tc.reverse}
			ts, err := s.ListTypes(t.Context(), q)
			what := fmt.Sprintf("ListTypes(name %q, after %s, limit %d, reverse %v)", tc.name, typeKey(tc.after), tc.limit, tc.reverse)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if d := diff(tc.want, typeKeys(ts)); d != "" {
				t.Errorf("%s (-want +got):\n%s", what, d)
			}
		}
	})
}

// newType is a type record with every field set.
func newType(domain string, kind openswf.TypeKind, name, version string) *openswf.TypeRecord {
	return &openswf.TypeRecord{
		Domain:                       domain,
		Kind:                         kind,
		Name:                         name,
		Version:                      version,
		Description:                  "type " + name,
		Status:                       openswf.StatusRegistered,
		CreatedAt:                    at(time.Hour),
		DefaultTaskList:              "tl",
		DefaultPriority:              "2",
		DefaultScheduleToStart:       "60",
		DefaultScheduleToClose:       "NONE",
		DefaultStartToClose:          "300",
		DefaultHeartbeat:             "30",
		DefaultExecutionStartToClose: "3600",
		DefaultChildPolicy:           "ABANDON",
		DefaultLambdaRole:            "arn:aws:iam::123456789012:role/x",
	}
}

func mustCreateType(t testing.TB, s openswf.Store, tr *openswf.TypeRecord) {
	t.Helper()
	if err := s.CreateType(t.Context(), tr); err != nil {
		t.Fatalf("CreateType(%s %s/%s): %v", tr.Kind, tr.Name, tr.Version, err)
	}
}

func typeKey(tr *openswf.TypeRecord) string {
	if tr == nil {
		return "nil"
	}
	return string(tr.Kind) + " " + tr.Name + "/" + tr.Version
}

func typeKeys(ts []*openswf.TypeRecord) []string {
	var keys []string
	for _, tr := range ts {
		keys = append(keys, typeKey(tr))
	}
	return keys
}
