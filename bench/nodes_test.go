package bench

import (
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/openswf/openswf/postgres/pgtest"
)

// Two openswf processes on one PostgreSQL schema serve heartbeat and workflows with the workers spread over
// both, and each node's CPU is reported.
func TestRun_NodesOnPostgres(t *testing.T) {
	db := pgtest.URL(t)
	if testing.Short() {
		t.Skip("builds the openswf binary and runs real load; skipped in -short mode")
	}
	exe := filepath.Join(t.TempDir(), "openswf")
	if out, err := exec.Command("go", "build", "-o", exe, "github.com/openswf/openswf/cmd/openswf").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	results := mustRun(t, Config{
		Workloads: []string{WorkloadHeartbeat, WorkloadWorkflows}, Nodes: 2, DB: db, ServerExec: exe,
		Workers: 4, Duration: 300 * time.Millisecond, Workflows: 20,
	})
	for _, r := range results {
		if r.Ops <= 0 || r.Errors != 0 || r.ServerErrors != 0 {
			t.Errorf("%s: ops %d, errors %d, server errors %d; want ops > 0 and no errors", r.Workload, r.Ops, r.Errors, r.ServerErrors)
		}
		if r.Nodes != 2 || len(r.NodeCPU) != 2 {
			t.Errorf("%s: nodes %d, node CPU %v; want 2 of each", r.Workload, r.Nodes, r.NodeCPU)
		}
	}
}
