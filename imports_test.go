package openswf_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/openswf/openswf"

// allowedImports lists, for each package of the module (by its directory), the packages of the module
// its non-test code may import: the layering of docs/ARCHITECTURE.md. The root package is the vocabulary
// and imports only the standard library; the engine imports only the root; stores and the wire plumbing
// know nothing of each other; an API package drives the engine over awsjson; node assembles them all.
// Exceptions, each for a reason:
//   - bench starts an in-process node when asked to measure one without a child process, and parses with
//     iam the access control file it gives that node for heartbeat-auth (node.Config.Auth takes an
//     *iam.Config);
//   - the bench command (cmd/openswf-bench) is apart from the server binary, which links no AWS SDK;
//   - worker is a library for users' activity workers, over the AWS SDK alone: it imports nothing of the
//     module, and only the examples import it (TestImports_WorkerIsForUsers).
var allowedImports = map[string][]string{
	".":                 {},
	"awsjson":           {},
	"asl":               {},
	"iam":               {},
	"engine":            {"."},
	"sqlite":            {"."},
	"postgres":          {"."},
	"postgres/pgtest":   {},
	"storetest":         {"."},
	"metrics":           {"."},
	"console":           {},
	"swf":               {".", "awsjson", "engine"},
	"sfn":               {".", "asl", "awsjson", "engine"},
	"openswfapi":        {".", "awsjson", "engine", "sfn"},
	"node":              {".", "awsjson", "console", "engine", "iam", "metrics", "openswfapi", "postgres", "sfn", "sqlite", "swf"},
	"openswftest":       {"iam", "node", "postgres/pgtest"},
	"bench":             {"iam", "node"},
	"cmd/openswf":       {"iam", "node"},
	"cmd/openswf-bench": {"bench"},
	"e2e":               {},
	"conformance":       {},
	"docs":              {},
	"engine/testdata":   {},
	"worker":            {},
	"examples/go-swf":   {"worker"},
	"examples/go-sfn":   {"worker"},
}

// thirdParty lists the modules outside the standard library each package's non-test code may import
// (docs/DEPENDENCIES.md says why each is there).
var thirdParty = map[string][]string{
	"awsjson":         {"github.com/go-json-experiment/json"},
	"sqlite":          {"modernc.org/sqlite", "golang.org/x/sys"},
	"postgres":        {"github.com/jackc/pgx/v5"},
	"postgres/pgtest": {"github.com/jackc/pgx/v5"},
	"storetest":       {"github.com/google/go-cmp"},
	"bench":           {"github.com/aws/aws-sdk-go-v2", "github.com/aws/smithy-go", "github.com/jackc/pgx/v5"},
	"worker":          {"github.com/aws/aws-sdk-go-v2", "github.com/aws/smithy-go"},
	"examples/go-swf": {"github.com/aws/aws-sdk-go-v2", "github.com/aws/smithy-go"},
	"examples/go-sfn": {"github.com/aws/aws-sdk-go-v2", "github.com/aws/smithy-go"},
}

// TestImports_FollowTheLayers reads the imports of every non-test Go file of the module and fails on any
// that the layering does not allow, or on a package the table does not know.
func TestImports_FollowTheLayers(t *testing.T) {
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); p != "." && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		dir := filepath.ToSlash(filepath.Dir(p))
		allowed, known := allowedImports[dir]
		if !known {
			t.Errorf("package %s is not in allowedImports: add it with the module packages it may import", dir)
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, src, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			ip, _ := strconv.Unquote(imp.Path.Value)
			switch {
			case ip == module || strings.HasPrefix(ip, module+"/"):
				target := strings.TrimPrefix(strings.TrimPrefix(ip, module), "/")
				if target == "" {
					target = "."
				}
				if !slices.Contains(allowed, target) {
					t.Errorf("%s imports %s; package %s may import only %v of the module", p, ip, dir, allowed)
				}
			case strings.Contains(strings.Split(ip, "/")[0], "."):
				if !slices.ContainsFunc(thirdParty[dir], func(m string) bool { return ip == m || strings.HasPrefix(ip, m+"/") }) {
					t.Errorf("%s imports %s, a module package %s may not use (docs/DEPENDENCIES.md)", p, ip, dir)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestImports_WorkerIsForUsers keeps package worker out of the server: no package of the module but the
// examples may import it, so that the server never links it and it never depends on the server's code.
func TestImports_WorkerIsForUsers(t *testing.T) {
	for dir, allowed := range allowedImports {
		if slices.Contains(allowed, "worker") && !strings.HasPrefix(dir, "examples/") {
			t.Errorf("allowedImports lets %s import worker; only the examples may", dir)
		}
	}
	if len(allowedImports["worker"]) != 0 {
		t.Errorf("allowedImports lets worker import %v of the module; it uses the AWS SDK alone", allowedImports["worker"])
	}
}
