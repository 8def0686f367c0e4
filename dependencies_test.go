package openswf_test

import (
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// serverPlatforms are the platforms the server binary is checked on: the release targets, whose
// dependencies differ (modernc.org/libc pulls some modules on some systems only).
var serverPlatforms = []struct{ goos, goarch string }{
	{"linux", "amd64"}, {"linux", "arm64"}, {"darwin", "arm64"}, {"windows", "amd64"},
}

// serverModules reads the modules that docs/DEPENDENCIES.md says the server binary links: the backquoted
// names in the first column of the table under its heading "## Linked into the server binary".
func serverModules(t *testing.T) []string {
	t.Helper()
	doc, err := os.ReadFile("docs/DEPENDENCIES.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "\n## Linked into the server binary\n")
	if !ok {
		t.Fatal(`docs/DEPENDENCIES.md has no section "## Linked into the server binary"`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	quoted := regexp.MustCompile("`([^`]+)`")
	var mods []string
	for line := range strings.SplitSeq(section, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 3 || strings.TrimSpace(cells[0]) != "" || strings.HasPrefix(strings.TrimSpace(cells[1]), "---") {
			continue
		}
		for _, m := range quoted.FindAllStringSubmatch(cells[1], -1) {
			mods = append(mods, m[1])
		}
	}
	if len(mods) == 0 {
		t.Fatal("docs/DEPENDENCIES.md lists no module under \"## Linked into the server binary\"")
	}
	return mods
}

// TestDependencies_ServerBinary keeps docs/DEPENDENCIES.md true: on each release platform, every module
// that `go list -deps ./cmd/openswf` names (what the openswf binary links) is listed there as linked into
// the server binary, and every module listed there is linked on some platform. The AWS SDK, in
// particular, is for tests and the bench command only.
func TestDependencies_ServerBinary(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH: cannot list the server binary's dependencies")
	}
	listed := serverModules(t)
	linked := map[string]bool{}
	for _, p := range serverPlatforms {
		cmd := exec.Command(goTool, "list", "-deps", "-f", "{{with .Module}}{{.Path}}{{end}}", "./cmd/openswf")
		cmd.Env = append(os.Environ(), "GOOS="+p.goos, "GOARCH="+p.goarch, "CGO_ENABLED=0")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list -deps ./cmd/openswf for %s/%s: %v\n%s", p.goos, p.goarch, err, stderr.Bytes())
		}
		for mod := range strings.FieldsSeq(string(out)) {
			if mod == module || linked[mod] {
				continue
			}
			linked[mod] = true
			if strings.HasPrefix(mod, "github.com/aws/") {
				t.Errorf("the server binary links %s on %s/%s: the AWS SDK is for tests and openswf-bench only", mod, p.goos, p.goarch)
			} else if !slices.Contains(listed, mod) {
				t.Errorf("the server binary links %s on %s/%s, which docs/DEPENDENCIES.md does not list under "+
					"\"Linked into the server binary\": list it there and say why, or drop the import", mod, p.goos, p.goarch)
			}
		}
	}
	for _, mod := range listed {
		if !linked[mod] {
			t.Errorf("docs/DEPENDENCIES.md lists %s as linked into the server binary, but no platform links it", mod)
		}
	}
}

// TestDependencies_ServerLinksNoWorker checks that the server binary does not link package worker, the
// library for users' activity workers.
func TestDependencies_ServerLinksNoWorker(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH: cannot list the server binary's packages")
	}
	out, err := exec.Command(goTool, "list", "-deps", "./cmd/openswf").Output()
	if err != nil {
		t.Fatalf("go list -deps ./cmd/openswf: %v", err)
	}
	for p := range strings.FieldsSeq(string(out)) {
		if p == module+"/worker" || strings.HasPrefix(p, module+"/worker/") {
			t.Errorf("the server binary links %s, a library for users' workers", p)
		}
	}
}
