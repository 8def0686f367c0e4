package console_test

// The console in a real browser: Debian's Chromium, driven with chromedp (the Chrome DevTools protocol)
// against an in-process server, with the real AWS SDK clients making the data. Each test starts its own
// browser with a fresh profile and records every request the page makes; none may leave the server's
// origin.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's Chromium, which .ci/run installs when it is missing.
const chromiumPath = "/usr/bin/chromium"

// browserTimeout bounds each browser test.
const browserTimeout = 45 * time.Second

// browser is one test's Chromium tab and what it saw.
type browser struct {
	t      *testing.T
	ctx    context.Context
	origin string

	mu       sync.Mutex
	requests []string // every URL the page asked for
	errors   []string // uncaught exceptions and console errors
}

// findChromium returns Chromium's path (OPENSWF_TEST_CHROMIUM, or /usr/bin/chromium, or chromium on PATH),
// skipping the test when there is none, unless CI=true, where the browser tests must run.
func findChromium(t *testing.T) string {
	t.Helper()
	path := os.Getenv("OPENSWF_TEST_CHROMIUM")
	if path == "" {
		path = chromiumPath
		if _, err := os.Stat(path); err != nil {
			if p, err := exec.LookPath("chromium"); err == nil {
				path = p
			}
		}
	}
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not found, and CI=true: the console's browser tests must run in CI (.ci/run installs Debian's chromium)", path)
		}
		t.Skipf("%s not found: the console's browser tests need Chromium (apt-get install chromium, or OPENSWF_TEST_CHROMIUM); skipped", path)
	}
	return path
}

// newBrowser starts Chromium headless on a fresh profile, with a 1280×800 window, and a tab that records
// requests, exceptions and console errors. The browser is closed when the test ends, and the test fails if
// the page asked anything of another origin than origin or threw.
func newBrowser(t *testing.T, origin string) *browser {
	t.Helper()
	path := findChromium(t)
	profile := t.TempDir()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 800),
	)
	base, cancelTimeout := context.WithTimeout(context.Background(), browserTimeout)
	actx, cancelAlloc := chromedp.NewExecAllocator(base, opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	b := &browser{t: t, ctx: ctx, origin: origin}
	// Cleanups run last-in first-out: the browser is gone before the profile directory is removed.
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
		cancelTimeout()
		b.checkRequests()
	})
	err := chromedp.Listen(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			b.requests = append(b.requests, e.Request.URL)
		case *runtime.EventExceptionThrown:
			msg := e.ExceptionDetails.Text
			if e.ExceptionDetails.Exception != nil {
				msg += " " + e.ExceptionDetails.Exception.Description
			}
			b.errors = append(b.errors, msg)
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				var args []string
				for _, a := range e.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				b.errors = append(b.errors, "console.error: "+strings.Join(args, " "))
			}
		}
	})
	if err == nil {
		_, err = chromedp.Call(ctx, network.Enable, network.EnableParams{})
	}
	if err == nil {
		_, err = chromedp.Call(ctx, runtime.Enable, cdp.Empty{})
	}
	if err == nil {
		// The page's size, whatever the window's frame takes: what a laptop shows, and the screenshots' size.
		err = chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800))
	}
	if err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return b
}

// checkRequests fails the test if the page asked anything of another origin, or threw.
func (b *browser) checkRequests() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, u := range b.requests {
		if u != b.origin && !strings.HasPrefix(u, b.origin+"/") && !strings.HasPrefix(u, "data:") {
			b.t.Errorf("the page requested %s, outside the server's origin %s", u, b.origin)
		}
	}
	for _, e := range b.errors {
		b.t.Errorf("the page reported an error: %s", e)
	}
}

// run runs chromedp actions, failing the test on an error.
func (b *browser) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// open navigates to the console's route (a hash, such as "#/swf") and waits for the page's script.
func (b *browser) open(hash string) {
	b.t.Helper()
	b.run("open "+hash, chromedp.Navigate(b.origin+"/ui/"+hash), chromedp.WaitReady(chromedp.CSS("#main")))
}

// eval evaluates a JavaScript expression (awaiting a promise) into out.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// waitJS waits until expr (a JavaScript boolean expression) holds, for up to d; it returns how long that took.
func (b *browser) waitJS(what, expr string, d time.Duration) time.Duration {
	b.t.Helper()
	start := time.Now()
	deadline := start.Add(d)
	for {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool]("!!("+expr+")"))
		if err != nil {
			b.t.Fatalf("wait for %s: %v", what, err)
		}
		if ok {
			return time.Since(start)
		}
		if time.Now().After(deadline) {
			text, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string]("document.getElementById('main').innerText.slice(0, 2000)"))
			b.t.Fatalf("waited %v for %s; the page shows:\n%s", d, what, text)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// text returns the text of the first element matching the CSS selector, "" when none does.
func (b *browser) text(selector string) string {
	b.t.Helper()
	return eval[string](b, fmt.Sprintf("(document.querySelector(%q) || {}).innerText || ''", selector))
}

// click clicks the element matching selector once it is visible.
func (b *browser) click(selector string) {
	b.t.Helper()
	b.run("click "+selector, chromedp.WaitVisible(chromedp.CSS(selector)), chromedp.Click(chromedp.CSS(selector)))
}
