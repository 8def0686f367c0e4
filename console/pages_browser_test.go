package console_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/chromedp/chromedp"

	"github.com/openswf/openswf/openswftest"
)

var updateScreenshot = flag.Bool("update-screenshot", false, "rewrite docs/console.png, the README's screenshot")

// Every page once, with data from the SDK clients and a little load for the overview's charts: each page
// renders without an error and asks nothing of another origin; a screenshot of each goes to the
// artefacts directory (OPENSWF_TEST_ARTIFACTS, or a temporary directory, logged).
func TestConsole_PagesAndScreenshots(t *testing.T) {
	w := newWorld(t, openswftest.Options{ConsoleInterval: 200 * time.Millisecond}, "x", "y")
	ctx := t.Context()
	run, token := w.startWithActivity("order-1001")
	for i, id := range []string{"order-1002", "order-1003", "order-1004"} {
		r := w.start(id, "express")
		if i == 0 {
			must(t, "TerminateWorkflowExecution", func() error {
				_, err := w.swf.TerminateWorkflowExecution(ctx, &swf.TerminateWorkflowExecutionInput{Domain: aws.String(domain), WorkflowId: r.WorkflowId, RunId: r.RunId, Reason: aws.String("duplicate")})
				return err
			})
		}
	}
	must(t, "SignalWorkflowExecution", func() error {
		_, err := w.swf.SignalWorkflowExecution(ctx, &swf.SignalWorkflowExecutionInput{Domain: aws.String(domain), WorkflowId: run.WorkflowId, RunId: run.RunId,
			SignalName: aws.String("address-changed"), Input: aws.String(`{"city":"Lyon"}`)})
		return err
	})
	arn, sfnToken := w.sfnExecution("order-A-17")
	// Load for the charts: heartbeats from both workers and some reads, for about two seconds.
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			_, _ = w.swf.RecordActivityTaskHeartbeat(ctx, &swf.RecordActivityTaskHeartbeatInput{TaskToken: token, Details: aws.String(fmt.Sprintf("packed %d items", i))})
			_, _ = w.states.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: sfnToken})
			if i%4 == 0 {
				_, _ = w.swf.ListDomains(ctx, &swf.ListDomainsInput{RegistrationStatus: "REGISTERED"})
			}
			time.Sleep(time.Duration(5+i%7) * time.Millisecond)
		}
	}()
	stopLoad := sync.OnceFunc(func() {
		close(stop)
		wg.Wait()
	})
	defer stopLoad()
	time.Sleep(2 * time.Second)

	dir := artifacts(t)
	t.Logf("screenshots in %s", dir)
	b := newBrowser(t, w.srv.URL)
	for _, p := range []struct{ name, hash, ready string }{
		{"overview", "#/overview", `document.querySelectorAll('svg.chart path.line').length >= 5`},
		{"swf-domains", "#/swf", `document.querySelector('#domains a')`},
		{"swf-executions", "#/swf/" + domain, `document.querySelectorAll('#executions tr.execution-row').length === 3`},
		{"swf-execution", execRoute("order-1001", *run.RunId), `document.querySelector('#live-panel tr.task-row') && document.querySelector('#signals td')`},
		{"sfn", "#/sfn", `document.querySelector('#state-machines a') && document.querySelector('#activities td')`},
		{"sfn-state-machine", "", ""},
		{"sfn-execution", "#/sfn/x/" + url.PathEscape(arn), `document.querySelector('#graph g.status-running') && document.querySelector('#live-panel tr.task-row')`},
	} {
		if p.name == "sfn-state-machine" {
			b.click("#state-machines a")
			p.ready = `document.querySelector('#graph') && document.querySelector('#sfn-executions tr.execution-row')`
		} else {
			b.open(p.hash)
		}
		b.waitJS(p.name+" ready", p.ready, 10*time.Second)
		time.Sleep(150 * time.Millisecond) // the live panel's ages and the fonts settle
		path := b.screenshot(dir, p.name)
		stopLoad() // the overview is taken under load; the other pages hold still
		if *updateScreenshot && p.name == "swf-execution" {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join("..", "docs", "console.png"), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n := b.requestCount(); n < 20 {
		t.Errorf("the pages made %d requests; the recorder saw too few to prove anything", n)
	}
	// Going to a page the console does not have says so.
	b.open("#/nowhere")
	b.waitJS("the no-page message", `document.getElementById('main').innerText.includes('No such page')`, 5*time.Second)
}

// The pure-JavaScript SHA-256 and HMAC, which the console uses where crypto.subtle is missing (plain http
// to a host other than localhost), agree with Go's.
func TestConsole_SHA256Fallback(t *testing.T) {
	w := newWorld(t, openswftest.Options{}, "x", "y")
	b := newBrowser(t, w.srv.URL)
	b.open("#/overview")
	inputs := []string{"", "abc", strings.Repeat("a", 55), strings.Repeat("a", 56), strings.Repeat("a", 64), strings.Repeat("é€😀", 300), strings.Repeat("x", 100000)}
	for _, in := range inputs {
		sum := sha256.Sum256([]byte(in))
		mac := hmac.New(sha256.New, []byte("AWS4"+strings.Repeat("secret", 20)))
		mac.Write([]byte(in))
		want := hex.EncodeToString(sum[:]) + " " + hex.EncodeToString(mac.Sum(nil))
		got := eval[string](b, fmt.Sprintf(`import('/ui/sha256.js').then(m => { const e = new TextEncoder(); const s = %q;
			return m.hex(m.sha256Pure(e.encode(s))) + ' ' + m.hex(m.hmacPure(e.encode('AWS4' + 'secret'.repeat(20)), e.encode(s))); })`, in))
		if got != want {
			t.Errorf("input of %d bytes: JS gives %s, Go %s", len(in), got, want)
		}
	}
}

// screenshot writes the viewport as PNG to dir/name.png.
func (b *browser) screenshot(dir, name string) string {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	p := filepath.Join(dir, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	return p
}

// requestCount returns how many requests the page made so far.
func (b *browser) requestCount() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.requests)
}

// artifacts is the directory screenshots go to: OPENSWF_TEST_ARTIFACTS, or a fresh temporary directory.
func artifacts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("OPENSWF_TEST_ARTIFACTS")
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "openswf-console-"); err != nil {
			t.Fatal(err)
		}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
