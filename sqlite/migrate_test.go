package sqlite_test

import (
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/sqlite"
)

// TestStore_MigrateVisibility opens a database written under the first schema only and checks that the
// visibility migration fills its columns and tags in from the runs already stored.
func TestStore_MigrateVisibility(t *testing.T) {
	path := filepath.Join(t.TempDir(), "openswf.db")
	schema, err := os.ReadFile("migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	mustExec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	mustExec("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL)")
	mustExec(string(schema))
	mustExec("INSERT INTO schema_version (version, name) VALUES (1, '0001_init.sql')")
	insert := func(x *openswf.Execution) {
		t.Helper()
		state, err := json.Marshal(x)
		if err != nil {
			t.Fatal(err)
		}
		var closed any
		if !x.ClosedAt.IsZero() {
			closed = x.ClosedAt.UnixNano()
		}
		mustExec(`INSERT INTO executions (run_id, domain, workflow_id, open, version, start_time, close_time, state)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, x.RunID, x.Domain, x.WorkflowID, x.Open, x.Version, x.StartedAt.UnixNano(), closed, string(state))
	}
	insert(&openswf.Execution{Domain: "d1", WorkflowID: "wf1", RunID: "run1", Version: 3, StartedAt: t0,
		Type: openswf.WorkflowType{Name: "order", Version: "1"}, TagList: []string{"x", "y"},
		CloseStatus: openswf.CloseFailed, ClosedAt: t0.Add(time.Minute)})
	insert(&openswf.Execution{Domain: "d1", WorkflowID: "wf2", RunID: "run2", Version: 1, Open: true, StartedAt: t0,
		Type: openswf.WorkflowType{Name: "order", Version: "2"}, TagList: []string{"y"}})
	db.Close()

	s := mustOpen(t, path, sqlite.Options{})
	tag := "y"
	for _, tc := range []struct {
		name string
		q    openswf.ExecutionQuery
		want []string
	}{
		{"ClosedByStatus", openswf.ExecutionQuery{Domain: "d1", CloseStatus: openswf.CloseFailed}, []string{"run1"}},
		{"ClosedByCloseTime", openswf.ExecutionQuery{Domain: "d1", ByCloseTime: true}, []string{"run1"}},
		{"ClosedByTag", openswf.ExecutionQuery{Domain: "d1", Tag: &tag}, []string{"run1"}},
		{"OpenByTag", openswf.ExecutionQuery{Domain: "d1", Open: true, Tag: &tag}, []string{"run2"}},
		{"OpenByType", openswf.ExecutionQuery{Domain: "d1", Open: true, TypeName: "order", TypeVersion: "2"}, []string{"run2"}},
	} {
		xs, err := s.ListExecutions(t.Context(), tc.q)
		if err != nil {
			t.Fatalf("%s: ListExecutions: %v", tc.name, err)
		}
		var got []string
		for _, x := range xs {
			got = append(got, x.RunID)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}
