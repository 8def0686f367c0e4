package openswf_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// docs/COMPATIBILITY.md keeps one row per operation of each service model, under the service's section:
// an operation added to a model, or served without a row, fails here.
func TestCompatibility_OneRowPerOperation(t *testing.T) {
	doc, err := os.ReadFile("docs/COMPATIBILITY.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, svc := range []struct{ model, section string }{
		{"swf/model/swf-2012-01-25.json", "## SWF operations"},
		{"sfn/model/states-2016-11-23.json", "## Step Functions operations"},
	} {
		raw, err := os.ReadFile(svc.model)
		if err != nil {
			t.Fatal(err)
		}
		var m struct {
			Operations map[string]json.RawMessage `json:"operations"`
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s: %v", svc.model, err)
		}
		_, section, ok := strings.Cut(string(doc), svc.section+"\n")
		if !ok {
			t.Fatalf("docs/COMPATIBILITY.md has no section %q", svc.section)
		}
		if i := strings.Index(section, "\n## "); i >= 0 {
			section = section[:i]
		}
		rows := map[string]int{}
		for _, line := range strings.Split(section, "\n") {
			if cells := strings.Split(line, "|"); len(cells) > 3 && strings.HasPrefix(line, "| ") {
				rows[strings.TrimSpace(cells[1])]++
			}
		}
		for op := range m.Operations {
			if rows[op] != 1 {
				t.Errorf("%s: operation %s has %d rows, want 1", svc.section, op, rows[op])
			}
		}
	}
}
