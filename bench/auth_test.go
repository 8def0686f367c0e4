package bench

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/openswf/openswf/iam"
)

// The access control file of heartbeat-auth parses, holds the bench's key, and allows every SWF action the
// bench calls on any domain.
func TestAuthConfig_AllowsTheBenchKey(t *testing.T) {
	cfg, err := iam.ParseConfig(AuthConfig())
	if err != nil {
		t.Fatalf("ParseConfig(AuthConfig()): %v", err)
	}
	k, ok := cfg.Key(benchAccessKeyID)
	if !ok || k.Secret != benchSecretAccessKey {
		t.Fatalf("key %s: found %v; want the bench's key and secret", benchAccessKeyID, ok)
	}
	for _, action := range []string{"swf:RegisterDomain", "swf:StartWorkflowExecution", "swf:PollForActivityTask", "swf:RecordActivityTaskHeartbeat"} {
		d := iam.Evaluate(k.User.Policies, iam.Request{Action: action, Resource: "arn:aws:swf:us-east-1:123456789012:/domain/bench-x"})
		if !d.Allowed {
			t.Errorf("%s: %+v, want allowed", action, d)
		}
	}
}

// A server the bench starts for heartbeat-auth refuses the raw client's dummy signature and accepts its
// signed requests: the load is really checked.
func TestStartServer_HeartbeatAuthChecksSignatures(t *testing.T) {
	b := &bencher{cfg: Config{Workers: 1}.withDefaults(), tmp: t.TempDir(), start: time.Now()}
	srv, err := b.startServer(t.Context(), WorkloadHeartbeatAuth)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.stop()
	defer b.closeClients()
	hc := b.httpClient(1)
	const target = "SimpleWorkflowService.RecordActivityTaskHeartbeat"
	err = rawHeartbeat(hc, srv.url, target, "swf", "no-such-token")(t.Context())
	if err == nil || !strings.Contains(err.Error(), "UnrecognizedClient") {
		t.Errorf("dummy signature: %v, want UnrecognizedClientException", err)
	}
	// Signed, the request passes access control and fails on its token alone.
	err = signedHeartbeat(hc, v4.NewSigner(), srv.url, target, "swf", "no-such-token")(t.Context())
	if err == nil || !strings.Contains(err.Error(), "UnknownResourceFault") {
		t.Errorf("signed request with a bad token: %v, want UnknownResourceFault (about the token, not about access)", err)
	}
}

// BenchmarkSignedHeartbeat_Sign is the client's share of heartbeat-auth's raw load: building and signing one
// heartbeat request as signedHeartbeat does, without sending it. On a machine whose cores client and server
// share, this CPU is taken from the server, and heartbeat's raw client, which sends a fixed dummy signature,
// does not pay it.
func BenchmarkSignedHeartbeat_Sign(b *testing.B) {
	body := []byte(`{"taskToken":"` + strings.Repeat("t", 200) + `"}`)
	sum := sha256.Sum256(body)
	payloadHash := hex.EncodeToString(sum[:])
	signer := v4.NewSigner()
	b.ReportAllocs()
	for b.Loop() {
		req, err := http.NewRequestWithContext(b.Context(), http.MethodPost, "http://127.0.0.1:7798", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		req.Header = http.Header{"Content-Type": {"application/x-amz-json-1.0"}, "X-Amz-Target": {"SimpleWorkflowService.RecordActivityTaskHeartbeat"}}
		if err := signer.SignHTTP(b.Context(), benchCredentials, req, payloadHash, "swf", benchRegion, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
}
