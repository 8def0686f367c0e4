package awsjson

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestServer_ObserveClientClosedRequest checks that Observe reports ClientClosedRequest for a request whose
// client went away before the answer, whether the handler then answered a success (a long poll that ends
// empty) or an error, and the answer's own code otherwise.
func TestServer_ObserveClientClosedRequest(t *testing.T) {
	observed := make(chan string, 10)
	entered := make(chan struct{}, 10)
	s := NewServer(Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Observe: func(op, fault string, _ time.Duration) { observed <- op + " " + fault }})
	wait := func(ctx context.Context) error {
		entered <- struct{}{}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Second):
			return errors.New("the client did not go away")
		}
	}
	err := s.Register(mustSWFModel(t), map[string]Handler{
		// An empty poll: a success, though nobody reads it.
		"PollForActivityTask": func(ctx context.Context, body []byte) (any, error) { _ = wait(ctx); return nil, nil },
		"PollForDecisionTask": func(ctx context.Context, body []byte) (any, error) { return nil, wait(ctx) },
		"ListDomains":         func(ctx context.Context, body []byte) (any, error) { return nil, nil },
		"DescribeDomain": func(ctx context.Context, body []byte) (any, error) {
			return nil, NewFault("com.amazonaws.swf.base.model#UnknownResourceFault", "Unknown domain.")
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	defer hs.Close()
	bodies := map[string]string{
		"PollForActivityTask": `{"domain":"d","taskList":{"name":"t"}}`,
		"PollForDecisionTask": `{"domain":"d","taskList":{"name":"t"}}`,
		"ListDomains":         `{"registrationStatus":"REGISTERED"}`,
		"DescribeDomain":      `{"name":"d"}`,
	}
	send := func(ctx context.Context, op string) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, hs.URL, strings.NewReader(bodies[op]))
		req.Header.Set("X-Amz-Target", swfPrefix+op)
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
		return err
	}
	want := func(what, w string) {
		t.Helper()
		select {
		case got := <-observed:
			if got != w {
				t.Errorf("%s: observed %q, want %q", what, got, w)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: nothing observed", what)
		}
	}
	for _, op := range []string{"PollForActivityTask", "PollForDecisionTask"} {
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		go func() { errc <- send(ctx, op) }()
		select {
		case <-entered:
		case got := <-observed:
			t.Fatalf("%s: answered before its handler ran: %s", op, got)
		}
		cancel()
		if err := <-errc; err == nil {
			t.Fatalf("%s: the request was answered, though its client went away", op)
		}
		want(op+" abandoned", op+" "+clientClosedRequest)
	}
	if err := send(context.Background(), "ListDomains"); err != nil {
		t.Fatal(err)
	}
	want("a success", "ListDomains ")
	if err := send(context.Background(), "DescribeDomain"); err != nil {
		t.Fatal(err)
	}
	want("a fault", "DescribeDomain UnknownResourceFault")
}
