package worker_test

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openswf/openswf/openswftest"
)

// The Go examples, built and run against an in-process server as a user runs them against
// `openswf serve`: each exits 0 and prints its workflow's result.
func TestExamples(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH: cannot build the examples")
	}
	srv := openswftest.New(t, openswftest.Options{PollHold: 2 * time.Second})
	for _, ex := range []struct{ dir, want string }{
		{"go-swf", "Hello, world!\n"},
		{"go-sfn", `{"name":"world","greeting":{"text":"Hello, world!"}}` + "\n"},
	} {
		t.Run(ex.dir, func(t *testing.T) {
			t.Parallel()
			bin := filepath.Join(t.TempDir(), ex.dir)
			if out, err := exec.Command(goTool, "build", "-o", bin, "../examples/"+ex.dir).CombinedOutput(); err != nil {
				t.Fatalf("go build ./examples/%s: %v\n%s", ex.dir, err, out)
			}
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, "-endpoint", srv.URL)
			cmd.Env = append(cmd.Environ(), "AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("%s: %v\n%s", ex.dir, err, stderr.Bytes())
			}
			if got := stdout.String(); got != ex.want {
				t.Fatalf("%s printed %q, want %q\n%s", ex.dir, got, ex.want, strings.TrimSpace(stderr.String()))
			}
		})
	}
}
