package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestRun_Help checks that --help, -h and help succeed and print a usage, on the top level and on every
// command.
func TestRun_Help(t *testing.T) {
	for _, args := range [][]string{
		{"help"}, {"-h"}, {"--help"},
		{"serve", "--help"}, {"serve", "-h"}, {"serve", "--addr", "127.0.0.1:0", "--help"},
		{"rotate-token-key", "--help"}, {"rotate-token-key", "-h"},
		{"version", "--help"}, {"version", "-h"},
		{"domains", "--help"}, {"executions", "--help"}, {"executions", "list", "-h"}, {"history", "--domain", "d", "--help"},
		{"activities", "--help"}, {"sfn", "--help"}, {"sfn", "executions", "describe", "--help"}, {"completion", "--help"},
	} {
		var out bytes.Buffer
		if err := Run(context.Background(), args, &out); err != nil {
			t.Errorf("openswf %s: got %v, want success", strings.Join(args, " "), err)
		}
		if !strings.Contains(out.String(), "usage") {
			t.Errorf("openswf %s printed:\n%s\nwant a usage", strings.Join(args, " "), &out)
		}
	}
}

// TestRun_StrayArgument checks that a word where a command takes only flags is an error naming it, rather
// than the end of the flags read.
func TestRun_StrayArgument(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "extra", "--addr", "127.0.0.1:0", "--db", ":memory:"},
		{"serve", "--addr", "127.0.0.1:0", "--db", ":memory:", "extra"},
		{"rotate-token-key", "extra", "--db", ":memory:"},
		{"version", "extra"},
	} {
		err := Run(context.Background(), args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), `"extra"`) {
			t.Errorf("openswf %s: got %v, want an error naming \"extra\"", strings.Join(args, " "), err)
		}
	}
}

// TestServe_HelpListsEveryEnv checks that serve's help gives every flag its environment variable, and
// offers no storage that is not implemented.
func TestServe_HelpListsEveryEnv(t *testing.T) {
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"serve", "--help"}, &out); err != nil {
		t.Fatal(err)
	}
	help := out.String()
	flags := regexp.MustCompile(`(?m)^  -(\S+)`).FindAllStringSubmatch(help, -1)
	if len(flags) < 14 {
		t.Fatalf("serve --help lists %d flags, want at least 14:\n%s", len(flags), help)
	}
	for _, f := range flags {
		// A flag's help runs from its line to the next flag's.
		_, rest, _ := strings.Cut(help, "  -"+f[1])
		if i := strings.Index(rest, "\n  -"); i >= 0 {
			rest = rest[:i]
		}
		if want := "(env " + envName(f[1]) + ")"; !strings.Contains(rest, want) {
			t.Errorf("serve --help: flag -%s does not say %s:%s", f[1], want, rest)
		}
	}
}

// TestServe_RefusesBadFlags checks the flags and variables serve refuses before it opens anything, and
// that each refusal names what was wrong.
func TestServe_RefusesBadFlags(t *testing.T) {
	for _, tt := range []struct {
		name      string
		env, val  string
		args      []string
		want      string
		notInside string
	}{
		{name: "negative poll hold", args: []string{"--poll-hold", "-1s"}, want: "--poll-hold"},
		{name: "zero poll hold", args: []string{"--poll-hold", "0"}, want: "--poll-hold"},
		{name: "negative poll hold env", env: "OPENSWF_POLL_HOLD", val: "-5s", want: "OPENSWF_POLL_HOLD"},
		{name: "poll hold env not a duration", env: "OPENSWF_POLL_HOLD", val: "soon", want: "OPENSWF_POLL_HOLD"},
		{name: "negative idle timeout", args: []string{"--idle-timeout", "-1s"}, want: "--idle-timeout"},
		{name: "negative idle timeout env", env: "OPENSWF_IDLE_TIMEOUT", val: "-1m", want: "OPENSWF_IDLE_TIMEOUT"},
		{name: "zero max body", args: []string{"--max-body", "0"}, want: "--max-body"},
		{name: "max body env", env: "OPENSWF_MAX_BODY", val: "-1", want: "OPENSWF_MAX_BODY"},
		// Nothing listens on port 1: the connection is refused at once. The error names the database
		// but not the URL, which holds a password.
		{name: "postgres down", args: []string{"--db", "postgres://u:secret@127.0.0.1:1/openswf"}, want: "connect to 127.0.0.1:1/openswf", notInside: "secret"},
		{name: "postgres down env", env: "OPENSWF_DB", val: "postgresql://u:secret@127.0.0.1:1/openswf", want: "connect to 127.0.0.1:1/openswf", notInside: "secret"},
		{name: "postgres bad URL", args: []string{"--db", "postgres://u:secret@127.0.0.1:notaport/openswf"}, want: "cannot parse the database URL", notInside: "secret"},
		{name: "db pool on sqlite", args: []string{"--db-pool", "4"}, want: "--db-pool"},
		{name: "negative db pool", args: []string{"--db-pool", "-1"}, want: "--db-pool"},
		{name: "log level", args: []string{"--log-level", "loud"}, want: "--log-level"},
		{name: "log level offset", args: []string{"--log-level", "info+2"}, want: "--log-level"},
		{name: "log level env", env: "OPENSWF_LOG_LEVEL", val: "verbose", want: "OPENSWF_LOG_LEVEL"},
		{name: "log format", args: []string{"--log-format", "xml"}, want: "--log-format"},
		{name: "log format env", env: "OPENSWF_LOG_FORMAT", val: "logfmt", want: "OPENSWF_LOG_FORMAT"},
		{name: "access log env", env: "OPENSWF_ACCESS_LOG", val: "sometimes", want: "OPENSWF_ACCESS_LOG"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"serve", "--addr", "127.0.0.1:0"}
			if tt.env != "OPENSWF_DB" {
				args = append(args, "--db", ":memory:")
			}
			if tt.env != "" {
				t.Setenv(tt.env, tt.val)
			}
			err := Run(context.Background(), append(args, tt.args...), io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) || (tt.notInside != "" && strings.Contains(err.Error(), tt.notInside)) {
				t.Errorf("got %v, want an error saying %q", err, tt.want)
			}
		})
	}
}

// syncBuffer is a bytes.Buffer that serve may write while a test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// jsonListening finds the address in serve's listening line under --log-format json.
var jsonListening = regexp.MustCompile(`"msg":"openswf listening","addr":"([^"]+)"`)

// serveLog runs `openswf serve` on a loopback port and an in-memory database until it logs that it
// listens, and returns its address and its log so far; it stops when the test ends.
func serveLog(t *testing.T, args ...string) (addr string, log *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	log = &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", ":memory:"}, args...), log)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := listening.FindStringSubmatch(log.String()); m != nil {
			return m[1], log
		}
		if m := jsonListening.FindStringSubmatch(log.String()); m != nil {
			return m[1], log
		}
		select {
		case err := <-done:
			done <- err
			t.Fatalf("serve stopped before listening: %v\n%s", err, log)
		default:
		}
	}
	t.Fatalf("serve logged no listening line within 30 s:\n%s", log)
	return "", nil
}

// TestServe_EnvSetsEveryFlag checks that the variables of the flags that had none before are read, that a
// flag wins over its variable, and that a poll hold the AWS clients do not wait out is warned about.
func TestServe_EnvSetsEveryFlag(t *testing.T) {
	t.Run("env", func(t *testing.T) {
		t.Setenv("OPENSWF_POLL_HOLD", "2m")
		t.Setenv("OPENSWF_MAX_BODY", "2048")
		t.Setenv("OPENSWF_IDLE_TIMEOUT", "3s")
		t.Setenv("OPENSWF_ADDR", "256.0.0.1:1") // --addr wins
		cpu := filepath.Join(t.TempDir(), "cpu.pprof")
		t.Setenv("OPENSWF_CPUPROFILE", cpu)
		_, log := serveLog(t)
		if got := log.String(); !strings.Contains(got, "level=WARN") || !strings.Contains(got, "poll_hold=2m0s") {
			t.Errorf("serve with OPENSWF_POLL_HOLD=2m logged:\n%s\nwant a warning about the clients' 60 s read timeout", got)
		}
		if _, err := os.Stat(cpu); err != nil {
			t.Errorf("OPENSWF_CPUPROFILE=%s: no profile file: %v", cpu, err)
		}
	})
	t.Run("flag over env", func(t *testing.T) {
		t.Setenv("OPENSWF_POLL_HOLD", "2m")
		_, log := serveLog(t, "--poll-hold", "59s")
		if got := log.String(); strings.Contains(got, "--poll-hold is not under") {
			t.Errorf("serve --poll-hold 59s with OPENSWF_POLL_HOLD=2m warned:\n%s", got)
		}
	})
}

// TestServe_BuildInfo checks that the listening line and GET /metrics say what the server was built from.
func TestServe_BuildInfo(t *testing.T) {
	addr, log := serveLog(t)
	b := readBuildInfo()
	line := listening.FindString(log.String())
	if !strings.Contains(log.String(), "version="+b.Version) || !strings.Contains(log.String(), "commit="+b.Commit) {
		t.Errorf("listening line %q: want version=%s commit=%s", line, b.Version, b.Commit)
	}
	res, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if want := `openswf_build_info{version="` + b.Version + `",commit="` + b.Commit + `",`; !strings.Contains(string(body), want) {
		t.Errorf("GET /metrics: no %s… in:\n%s", want, body)
	}
}

// TestServe_Console checks that the console is on by default, and that --console=false and
// OPENSWF_CONSOLE=false turn it off.
func TestServe_Console(t *testing.T) {
	status := func(addr, path string) int {
		res, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	t.Run("default", func(t *testing.T) {
		addr, log := serveLog(t)
		if got := status(addr, "/ui/"); got != http.StatusOK {
			t.Errorf("GET /ui/: got %d, want 200", got)
		}
		if !strings.Contains(log.String(), "console=true") {
			t.Errorf("the listening line does not say console=true:\n%s", log)
		}
		if want := "url=http://" + addr + "/ui/"; !strings.Contains(log.String(), want) {
			t.Errorf("the log does not give the console's address (%s):\n%s", want, log)
		}
	})
	t.Run("flag", func(t *testing.T) {
		addr, _ := serveLog(t, "--console=false")
		if got := status(addr, "/ui/"); got != http.StatusNotFound {
			t.Errorf("--console=false: GET /ui/ got %d, want 404", got)
		}
	})
	t.Run("env", func(t *testing.T) {
		t.Setenv("OPENSWF_CONSOLE", "false")
		addr, _ := serveLog(t)
		if got := status(addr, "/ui/"); got != http.StatusNotFound {
			t.Errorf("OPENSWF_CONSOLE=false: GET /ui/ got %d, want 404", got)
		}
	})
}

// The console's address in the log is one a browser on the machine can open.
func TestConsoleURL(t *testing.T) {
	for _, tc := range []struct {
		scheme, addr, want string
	}{
		{"http", "127.0.0.1:7740", "http://127.0.0.1:7740/ui/"},
		{"https", "0.0.0.0:7740", "https://127.0.0.1:7740/ui/"},
		{"http", "[::]:7740", "http://127.0.0.1:7740/ui/"},
		{"http", "[::1]:7740", "http://[::1]:7740/ui/"},
		{"http", "10.1.2.3:80", "http://10.1.2.3:80/ui/"},
	} {
		addr, err := net.ResolveTCPAddr("tcp", tc.addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := consoleURL(tc.scheme, addr); got != tc.want {
			t.Errorf("consoleURL(%s, %s) = %s, want %s", tc.scheme, tc.addr, got, tc.want)
		}
	}
}
