package sfn

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

// Every fault the package answers by name is one the Step Functions model defines: a misspelt name would
// reach clients as a fault their SDK does not know.
func TestFaults_NamesAreModeled(t *testing.T) {
	m, err := Model()
	if err != nil {
		t.Fatal(err)
	}
	shapes := m.ErrorShapes()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	used := regexp.MustCompile(`fault\("([A-Za-z]+)"`)
	n := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, match := range used.FindAllStringSubmatch(string(src), -1) {
			n++
			if !slices.Contains(shapes, match[1]) {
				t.Errorf("%s answers fault %q, which the model does not define", f, match[1])
			}
		}
	}
	if n < 10 {
		t.Fatalf("found only %d named faults; the pattern no longer matches the code", n)
	}
}
