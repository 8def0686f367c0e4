package e2e

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"
)

// catalogueCase is one row of the fault catalogue in docs/SECURITY.md: a kind of bad input, sent over the
// wire, and what it must get.
type catalogueCase struct {
	name    string // the row's name in docs/SECURITY.md
	target  string // X-Amz-Target; "" sends none
	method  string // POST unless set
	body    []byte
	chunked bool // send the body without a Content-Length
	status  int
	typ     string // the fault's __type; "" for a success
}

// catalogueCases are the rows of the catalogue that one request shows. token is a live activity task's.
func catalogueCases(domain, token string) []catalogueCase {
	describe := swfTarget("DescribeDomain")
	start := swfTarget("StartWorkflowExecution")
	heartbeat := swfTarget("RecordActivityTaskHeartbeat")
	startBody := func(extra string) []byte {
		return []byte(`{"domain":"` + domain + `","workflowId":"cat","workflowType":{"name":"wf","version":"1"}` + extra + `}`)
	}
	altered := []byte(token)
	if altered[len(altered)/2] == 'A' {
		altered[len(altered)/2] = 'B'
	} else {
		altered[len(altered)/2] = 'A'
	}
	const ser = "SerializationException"
	return []catalogueCase{
		{name: "malformed JSON", target: describe, body: []byte(`{"name":`), status: 400, typ: ser},
		{name: "body not an object", target: describe, body: []byte(`["name"]`), status: 400, typ: ser},
		{name: "data after the JSON value", target: describe, body: []byte(`{"name":"x"} {}`), status: 400, typ: ser},
		{name: "wrong JSON type", target: describe, body: []byte(`{"name":42}`), status: 400, typ: ser},
		{name: "fractional integer", target: swfTarget("ListDomains"),
			body: []byte(`{"registrationStatus":"REGISTERED","maximumPageSize":1.5}`), status: 400, typ: ser},
		{name: "constraint violated", target: start, body: startBody(`,"childPolicy":"BOGUS"`), status: 400,
			typ: "com.amazon.coral.validate#ValidationException"},
		{name: "member name in another case", target: start,
			body: startBody(`,"ChildPolicy":"BOGUS","TagList":["1","2","3","4","5","6","7"],"WorkflowId":"` + strings.Repeat("w", 300) + `"`), status: 200},
		{name: "unknown member", target: describe, body: []byte(`{"name":"` + domain + `","noSuchMember":[1,{"a":2}]}`), status: 200},
		{name: "member named twice", target: describe, body: []byte(`{"name":"` + domain + `","name":"` + domain + `"}`), status: 400, typ: ser},
		{name: "invalid UTF-8", target: heartbeat, body: []byte("{\"taskToken\":\"" + token + "\",\"details\":\"" + strings.Repeat("\xff", 1000) + "\"}"),
			status: 400, typ: ser},
		{name: "unpaired surrogate escape", target: heartbeat, body: []byte(`{"taskToken":"` + token + `","details":"\udc00"}`), status: 400, typ: ser},
		{name: "nesting deeper than 64", target: describe, body: []byte(`{"name":"x","a":` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + `}`),
			status: 400, typ: ser},
		{name: "body over the size limit", target: describe, body: bigBody(), status: 413, typ: "RequestEntityTooLargeException"},
		{name: "chunked body over the size limit", target: describe, body: bigBody(), chunked: true, status: 413, typ: "RequestEntityTooLargeException"},
		{name: "chunked body", target: describe, body: []byte(`{"name":"` + domain + `"}`), chunked: true, status: 200},
		{name: "unknown target", target: swfTarget("NoSuchOperation"), body: []byte(`{}`), status: 400, typ: "UnknownOperationException"},
		{name: "no target", body: []byte(`{}`), status: 400, typ: "UnknownOperationException"},
		{name: "not a POST", target: describe, method: http.MethodPut, body: []byte(`{}`), status: 405, typ: "MethodNotAllowedException"},
		{name: "altered task token", target: heartbeat, body: []byte(`{"taskToken":"` + string(altered) + `"}`), status: 400,
			typ: "com.amazonaws.swf.base.model#UnknownResourceFault"},
		{name: "random task token", target: heartbeat, body: []byte(`{"taskToken":"` + strings.Repeat("QUJD", 40) + `"}`), status: 400,
			typ: "com.amazonaws.swf.base.model#UnknownResourceFault"},
	}
}

func bigBody() []byte {
	return append(append([]byte(`{"name":"`), bytes.Repeat([]byte("x"), 2<<20)...), `"}`...)
}

// TestSecurity_FaultCatalogue sends each kind of bad input of docs/SECURITY.md's catalogue and checks the
// answer the catalogue gives it, then checks that the server still serves.
func TestSecurity_FaultCatalogue(t *testing.T) {
	e := newEnv(t, "catalogue", defaultHold)
	_, at := e.startActivity("catalogue-1")
	hc := &http.Client{Timeout: waitFor}
	for _, tc := range catalogueCases(e.domain, aws.ToString(at.TaskToken)) {
		t.Run(tc.name, func(t *testing.T) {
			var rd io.Reader = bytes.NewReader(tc.body)
			if tc.chunked {
				rd = io.MultiReader(rd) // hides the length from net/http
			}
			method := tc.method
			if method == "" {
				method = http.MethodPost
			}
			req, err := http.NewRequestWithContext(t.Context(), method, e.srv.URL, rd)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-amz-json-1.0")
			if tc.target != "" {
				req.Header.Set("X-Amz-Target", tc.target)
			}
			begin := time.Now()
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatalf("request: %v", err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Fatalf("status = %d %s, want %d", resp.StatusCode, raw, tc.status)
			}
			if tc.typ != "" && !bytes.Contains(raw, []byte(`"__type":"`+tc.typ+`"`)) {
				t.Errorf("body = %s, want __type %s", raw, tc.typ)
			}
			if took := time.Since(begin); took > 5*time.Second {
				t.Errorf("answered after %v, want promptly", took)
			}
		})
	}
	// Nothing above hurt the server or the task: the worker heartbeats on.
	e.heartbeat(at.TaskToken, "still here")
	// The start with case-variant members ran with the type's defaults and no tags.
	open, err := e.c.ListOpenWorkflowExecutions(t.Context(), &swf.ListOpenWorkflowExecutionsInput{
		Domain: aws.String(e.domain), ExecutionFilter: &types.WorkflowExecutionFilter{WorkflowId: aws.String("cat")},
		StartTimeFilter: &types.ExecutionTimeFilter{OldestDate: aws.Time(time.Unix(0, 0))},
	})
	if err != nil || len(open.ExecutionInfos) != 1 {
		t.Fatalf("ListOpenWorkflowExecutions(cat) = %v, %v; want one run", open, err)
	}
	info := open.ExecutionInfos[0]
	equal(t, "tags of the case-variant start", len(info.TagList), 0)
	d := e.describe(info.Execution)
	equal(t, "child policy of the case-variant start", d.ExecutionConfiguration.ChildPolicy, types.ChildPolicyTerminate)
}

// catalogueRow matches a row of the catalogue table in docs/SECURITY.md: | input | answer | `test` |.
var catalogueRow = regexp.MustCompile("^\\|([^|]+)\\|[^|]+\\|\\s*`([^`]+)`\\s*\\|\\s*$")

// TestSecurity_CatalogueIsTested keeps docs/SECURITY.md's catalogue true: every row names a test that
// exists (a TestSecurity_FaultCatalogue case by its row name, or a test function in a package), and every
// case of TestSecurity_FaultCatalogue has its row.
func TestSecurity_CatalogueIsTested(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "SECURITY.md"))
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]bool{}
	for _, c := range catalogueCases("d", "token") {
		cases[c.name] = false
	}
	rows := 0
	for _, line := range strings.Split(string(doc), "\n") {
		m := catalogueRow.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		rows++
		row, test := strings.TrimSpace(m[1]), m[2]
		if sub, ok := strings.CutPrefix(test, "e2e.TestSecurity_FaultCatalogue/"); ok {
			if _, known := cases[sub]; !known {
				t.Errorf("row %q names case %q, which TestSecurity_FaultCatalogue does not have", row, sub)
			}
			cases[sub] = true
			continue
		}
		pkg, name, ok := strings.Cut(test, ".")
		if !ok {
			t.Errorf("row %q: test %q is not package.TestName", row, test)
			continue
		}
		name, _, _ = strings.Cut(name, "/")
		if !testExists(t, filepath.Join("..", pkg), name) {
			t.Errorf("row %q names %s, which package %s does not define", row, name, pkg)
		}
	}
	if rows < len(cases) {
		t.Errorf("found %d catalogue rows in docs/SECURITY.md, want at least %d", rows, len(cases))
	}
	for name, listed := range cases {
		if !listed {
			t.Errorf("TestSecurity_FaultCatalogue case %q has no row in docs/SECURITY.md", name)
		}
	}
}

// testExists reports whether a _test.go file in dir defines func name(.
func testExists(t *testing.T, dir, name string) bool {
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte("func "+name+"(")) {
			return true
		}
	}
	return false
}
