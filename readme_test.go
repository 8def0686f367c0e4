package openswf_test

import (
	"os"
	"regexp"
	"testing"
)

// TestReadme_GoVersion checks that the Go version README.md asks for is go.mod's `go` line, the oldest
// toolchain that builds the module.
func TestReadme_GoVersion(t *testing.T) {
	mod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(mod)
	if m == nil {
		t.Fatal("go.mod has no go line")
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	stated := regexp.MustCompile(`With Go (\S+) or newer`).FindAllSubmatch(readme, -1)
	if len(stated) == 0 {
		t.Fatal(`README.md states no Go version ("With Go X or newer")`)
	}
	for _, s := range stated {
		if string(s[1]) != string(m[1]) {
			t.Errorf("README.md says Go %s, go.mod's go line says %s", s[1], m[1])
		}
	}
}
