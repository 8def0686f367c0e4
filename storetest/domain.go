package storetest

import (
	"testing"
	"time"

	"github.com/openswf/openswf"
)

func testDomains(t *testing.T, newStore func(t *testing.T) openswf.Store) {
	t.Run("CreateGet", func(t *testing.T) {
		s := newStore(t)
		want := newDomain("d1", openswf.StatusRegistered)
		if err := s.CreateDomain(t.Context(), want); err != nil {
			t.Fatalf("CreateDomain: %v", err)
		}
		got, err := s.GetDomain(t.Context(), "d1")
		if err != nil {
			t.Fatalf("GetDomain: %v", err)
		}
		if d := diff(want, got); d != "" {
			t.Errorf("GetDomain (-want +got):\n%s", d)
		}
	})

	t.Run("CreateTwice", func(t *testing.T) {
		s := newStore(t)
		mustCreateDomain(t, s, newDomain("d1", openswf.StatusRegistered))
		err := s.CreateDomain(t.Context(), newDomain("d1", openswf.StatusRegistered))
		wantErr(t, "CreateDomain of a registered name", err, openswf.ErrExists)

		// A deprecated domain keeps its name.
		d := newDomain("d1", openswf.StatusDeprecated)
		if err := s.UpdateDomain(t.Context(), d); err != nil {
			t.Fatalf("UpdateDomain: %v", err)
		}
		err = s.CreateDomain(t.Context(), newDomain("d1", openswf.StatusRegistered))
		wantErr(t, "CreateDomain of a deprecated name", err, openswf.ErrExists)
		got, err := s.GetDomain(t.Context(), "d1")
		if err != nil {
			t.Fatalf("GetDomain: %v", err)
		}
		if got.Status != openswf.StatusDeprecated {
			t.Errorf("status after failed create: got %s, want %s", got.Status, openswf.StatusDeprecated)
		}
	})

	t.Run("GetMissing", func(t *testing.T) {
		s := newStore(t)
		_, err := s.GetDomain(t.Context(), "nope")
		wantErr(t, "GetDomain", err, openswf.ErrNotFound)
	})

	t.Run("Update", func(t *testing.T) {
		s := newStore(t)
		mustCreateDomain(t, s, newDomain("d1", openswf.StatusRegistered))
		want := newDomain("d1", openswf.StatusDeprecated)
		want.Description = "changed"
		want.Tags = append(want.Tags, openswf.ResourceTag{Key: "k2"})
		if err := s.UpdateDomain(t.Context(), want); err != nil {
			t.Fatalf("UpdateDomain: %v", err)
		}
		got, err := s.GetDomain(t.Context(), "d1")
		if err != nil {
			t.Fatalf("GetDomain: %v", err)
		}
		if d := diff(want, got); d != "" {
			t.Errorf("GetDomain after update (-want +got):\n%s", d)
		}
	})

	t.Run("UpdateMissing", func(t *testing.T) {
		s := newStore(t)
		err := s.UpdateDomain(t.Context(), newDomain("nope", openswf.StatusDeprecated))
		wantErr(t, "UpdateDomain", err, openswf.ErrNotFound)
		_, err = s.GetDomain(t.Context(), "nope")
		wantErr(t, "GetDomain after a failed update", err, openswf.ErrNotFound)
	})

	t.Run("ListByStatus", func(t *testing.T) {
		s := newStore(t)
		for _, name := range []string{"c", "a", "b"} {
			mustCreateDomain(t, s, newDomain(name, openswf.StatusRegistered))
		}
		for _, name := range []string{"ab", "bb"} {
			mustCreateDomain(t, s, newDomain(name, openswf.StatusDeprecated))
		}
		for _, tc := range []struct {
			status openswf.RegistrationStatus
			want   []string
		}{
			{openswf.StatusRegistered, []string{"a", "b", "c"}},
			{openswf.StatusDeprecated, []string{"ab", "bb"}},
		} {
			ds, err := s.ListDomains(t.Context(), tc.status, "", 100, false)
			if err != nil {
				t.Fatalf("ListDomains(%s): %v", tc.status, err)
			}
			if d := diff(tc.want, domainNames(ds)); d != "" {
				t.Errorf("ListDomains(%s) (-want +got):\n%s", tc.status, d)
			}
		}
		// The records come back whole.
		ds, err := s.ListDomains(t.Context(), openswf.StatusRegistered, "", 1, false)
		if err != nil {
			t.Fatalf("ListDomains: %v", err)
		}
		if d := diff([]*openswf.Domain{newDomain("a", openswf.StatusRegistered)}, ds); d != "" {
			t.Errorf("ListDomains records (-want +got):\n%s", d)
		}
	})

	t.Run("ListPaging", func(t *testing.T) {
		s := newStore(t)
		for _, name := range []string{"d3", "d5", "d1", "d4", "d2"} {
			mustCreateDomain(t, s, newDomain(name, openswf.StatusRegistered))
		}
		mustCreateDomain(t, s, newDomain("d25", openswf.StatusDeprecated))
		for _, tc := range []struct {
			after   string
			limit   int
			reverse bool
			want    []string
		}{
			{"", 2, false, []string{"d1", "d2"}},
			{"d2", 2, false, []string{"d3", "d4"}},
			{"d4", 2, false, []string{"d5"}},
			{"d5", 2, false, nil},
			{"d25", 2, false, []string{"d3", "d4"}}, // the cursor need not be a listed name
			{"", 2, true, []string{"d5", "d4"}},
			{"d4", 2, true, []string{"d3", "d2"}},
			{"d2", 2, true, []string{"d1"}},
			{"d1", 2, true, nil},
			{"", 10, false, []string{"d1", "d2", "d3", "d4", "d5"}},
			{"", 10, true, []string{"d5", "d4", "d3", "d2", "d1"}},
		} {
			ds, err := s.ListDomains(t.Context(), openswf.StatusRegistered, tc.after, tc.limit, tc.reverse)
			if err != nil {
				t.Fatalf("ListDomains(after %q, limit %d, reverse %v): %v", tc.after, tc.limit, tc.reverse, err)
			}
			if d := diff(tc.want, domainNames(ds)); d != "" {
				t.Errorf("ListDomains(after %q, limit %d, reverse %v) (-want +got):\n%s", tc.after, tc.limit, tc.reverse, d)
			}
		}
	})
}

// newDomain is a domain record with every field set.
func newDomain(name string, status openswf.RegistrationStatus) *openswf.Domain {
	return &openswf.Domain{
		Name:          name,
		Description:   "domain " + name,
		Status:        status,
		RetentionDays: "7",
		Tags:          []openswf.ResourceTag{{Key: "team", Value: "core"}},
		CreatedAt:     at(time.Hour),
	}
}

func mustCreateDomain(t testing.TB, s openswf.Store, d *openswf.Domain) {
	t.Helper()
	if err := s.CreateDomain(t.Context(), d); err != nil {
		t.Fatalf("CreateDomain(%s): %v", d.Name, err)
	}
}

func domainNames(ds []*openswf.Domain) []string {
	var names []string
	for _, d := range ds {
		names = append(names, d.Name)
	}
	return names
}
