package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/swf"
)

// httpClient returns a keep-alive HTTP/1.1 client that keeps up to conns idle connections to one host, so
// that no worker ever waits for a connection another worker holds. Its connections are closed at the end of
// the run.
func (b *bencher) httpClient(conns int) *http.Client {
	hc := &http.Client{Transport: &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     90 * time.Second,
	}}
	b.mu.Lock()
	b.clients = append(b.clients, hc)
	b.mu.Unlock()
	return hc
}

// closeClients closes the idle connections of the run's clients and forgets them.
func (b *bencher) closeClients() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, hc := range b.clients {
		hc.CloseIdleConnections()
	}
	b.clients = nil
}

// newSDKClient returns the AWS SDK for Go v2 SWF client for url. attempts 0 keeps the SDK's default retries
// (setup, which should succeed); 1 turns them off (load, whose errors must be counted, not hidden).
func newSDKClient(url string, hc *http.Client, attempts int) *swf.Client {
	return swf.New(swf.Options{
		BaseEndpoint:     aws.String(url),
		Region:           benchRegion,
		Credentials:      credentials.NewStaticCredentialsProvider(benchAccessKeyID, benchSecretAccessKey, ""),
		HTTPClient:       hc,
		RetryMaxAttempts: attempts,
	})
}

// setupClient is the SDK client of a run's setup and bookkeeping.
func (b *bencher) setupClient(url string) *swf.Client {
	return newSDKClient(url, b.httpClient(b.cfg.Workers+64), 0)
}

// loadClient is the SDK client of a run's load: no retries.
func (b *bencher) loadClient(url string) *swf.Client {
	return newSDKClient(url, b.httpClient(b.cfg.Workers+64), 1)
}

// loadClients are the load's SDK clients, one per node of srv, first node first.
func (b *bencher) loadClients(srv *server) []*swf.Client {
	cs := make([]*swf.Client, len(srv.urls))
	for i, url := range srv.urls {
		cs[i] = b.loadClient(url)
	}
	return cs
}

// A call is one operation of one worker; drive calls it in a loop.
type call func(ctx context.Context) error

// heartbeatAPI says which API's heartbeat a call records.
type heartbeatAPI int

const (
	// apiSWF is SWF's RecordActivityTaskHeartbeat.
	apiSWF heartbeatAPI = iota
	// apiSFN is Step Functions' SendTaskHeartbeat.
	apiSFN
)

// heartbeatCalls returns, for each task token, a call recording a heartbeat with the configured client,
// through SWF's RecordActivityTaskHeartbeat: the i-th on urls[i % len(urls)].
func (b *bencher) heartbeatCalls(urls []string, tokens []string) []call {
	return b.apiHeartbeatCalls(apiSWF, urls, tokens)
}

// signedHeartbeatCalls is heartbeatCalls for a server with access control: the SDK client signs as it always
// does; the raw client signs each request (signedHeartbeat) instead of sending a dummy signature.
func (b *bencher) signedHeartbeatCalls(urls []string, tokens []string) []call {
	if b.cfg.Client == ClientSDK {
		return b.heartbeatCalls(urls, tokens)
	}
	hc := b.httpClient(b.cfg.Workers + 64)
	signer := v4.NewSigner()
	calls := make([]call, len(tokens))
	for i, tok := range tokens {
		calls[i] = signedHeartbeat(hc, signer, urls[i%len(urls)], "SimpleWorkflowService.RecordActivityTaskHeartbeat", "swf", tok)
	}
	return calls
}

// apiHeartbeatCalls returns, for each task token, a call recording a heartbeat through api with the
// configured client: the i-th on urls[i % len(urls)], so that workers are bound to nodes round-robin.
func (b *bencher) apiHeartbeatCalls(api heartbeatAPI, urls []string, tokens []string) []call {
	calls := make([]call, len(tokens))
	switch {
	case b.cfg.Client == ClientSDK && api == apiSFN:
		c := b.sfnLoadClient(urls[0]) // sfn-heartbeat runs on one node (Config.validateNodes)
		for i, tok := range tokens {
			in := &sfn.SendTaskHeartbeatInput{TaskToken: aws.String(tok)}
			calls[i] = func(ctx context.Context) error {
				_, err := c.SendTaskHeartbeat(ctx, in)
				return err
			}
		}
	case b.cfg.Client == ClientSDK:
		cs := make([]*swf.Client, len(urls))
		for i, url := range urls {
			cs[i] = b.loadClient(url)
		}
		for i, tok := range tokens {
			c := cs[i%len(cs)]
			in := &swf.RecordActivityTaskHeartbeatInput{TaskToken: aws.String(tok)}
			calls[i] = func(ctx context.Context) error {
				_, err := c.RecordActivityTaskHeartbeat(ctx, in)
				return err
			}
		}
	default:
		hc := b.httpClient(b.cfg.Workers + 64)
		target, service := "SimpleWorkflowService.RecordActivityTaskHeartbeat", "swf"
		if api == apiSFN {
			target, service = "AWSStepFunctions.SendTaskHeartbeat", "states"
		}
		for i, tok := range tokens {
			calls[i] = rawHeartbeat(hc, urls[i%len(urls)], target, service, tok)
		}
	}
	return calls
}

// rawAuthorization is a well-formed SigV4 Authorization header for service with a dummy signature: servers
// that only parse it accept it, as they accept any credentials.
func rawAuthorization(service string) string {
	return "AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/" + service + "/aws4_request, " +
		"SignedHeaders=content-type;host;x-amz-date;x-amz-target, " +
		"Signature=0000000000000000000000000000000000000000000000000000000000000000"
}

// rawHeartbeat returns a call that posts a pre-built heartbeat request (X-Amz-Target target, signed for
// service) for token. The header map is built once and reused: a worker has one request in flight at a
// time, and the transport only reads it.
func rawHeartbeat(hc *http.Client, url, target, service, token string) call {
	body, _ := json.Marshal(map[string]string{"taskToken": token}) // a string map cannot fail to marshal
	hdr := http.Header{
		"Content-Type":  {"application/x-amz-json-1.0"},
		"X-Amz-Target":  {target},
		"X-Amz-Date":    {"20260101T000000Z"},
		"Authorization": {rawAuthorization(service)},
	}
	return func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header = hdr
		return doRaw(hc, req)
	}
}
