package awsjson

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// authServer is a Server with authentication on, serving the heartbeat of the SWF model.
type authServer struct {
	url string

	mu        sync.Mutex
	principal *Principal  // PrincipalFrom(ctx) as the handler last saw it
	cred      *Credential // CredentialFrom(ctx) as the handler last saw it
	observed  []string    // "op fault" per request, from Options.Observe
}

// newAuthServer starts a Server that authenticates against testKeys on the real clock.
func newAuthServer(t *testing.T) *authServer {
	t.Helper()
	as := &authServer{}
	s := NewServer(Options{
		Logger:       slog.New(slog.NewTextHandler(&lockedBuffer{}, nil)),
		Authenticate: &Authenticator{Keys: testKeys},
		Observe: func(op, fault string, _ time.Duration) {
			as.mu.Lock()
			defer as.mu.Unlock()
			as.observed = append(as.observed, op+" "+fault)
		},
	})
	err := s.Register(mustSWFModel(t), map[string]Handler{
		"RecordActivityTaskHeartbeat": func(ctx context.Context, body []byte) (any, error) {
			as.mu.Lock()
			defer as.mu.Unlock()
			as.principal, as.cred = PrincipalFrom(ctx), CredentialFrom(ctx)
			return map[string]any{"cancelRequested": false}, nil
		},
	})
	if err != nil {
		t.Fatalf("Register() = %v", err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	as.url = hs.URL
	return as
}

// swfClient returns an SDK client for url signing with the given key, without retries.
func swfClient(url, keyID, secret string) *swf.Client {
	return swf.New(swf.Options{
		BaseEndpoint: aws.String(url),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(keyID, secret, ""),
		Retryer:      aws.NopRetryer{},
	})
}

func TestServer_AuthenticatesGoSDK(t *testing.T) {
	as := newAuthServer(t)
	ctx := context.Background()

	t.Run("valid key", func(t *testing.T) {
		out, err := swfClient(as.url, testKeyID, testSecret).RecordActivityTaskHeartbeat(ctx, &swf.RecordActivityTaskHeartbeatInput{
			TaskToken: aws.String("t1"), Details: aws.String("  spaces  and\ttabs  "),
		})
		if err != nil {
			t.Fatalf("RecordActivityTaskHeartbeat() error = %v", err)
		}
		if out.CancelRequested {
			t.Errorf("CancelRequested = true, want false")
		}
		as.mu.Lock()
		defer as.mu.Unlock()
		if as.principal == nil || as.principal.User != testUser || as.principal.AccessKeyID != testKeyID {
			t.Errorf("PrincipalFrom() = %+v, want %s of %s", as.principal, testKeyID, testUser)
		}
		if as.cred == nil || as.cred.AccessKeyID != testKeyID || as.cred.Service != "swf" {
			t.Errorf("CredentialFrom() = %+v, want the verified credential", as.cred)
		}
	})

	for _, tt := range []struct {
		name, keyID, secret, wantCode string
	}{
		{"wrong secret", testKeyID, "not-the-secret", "InvalidSignatureException"},
		{"unknown key", "AKIDUNKNOWN000000000", testSecret, "UnrecognizedClientException"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := swfClient(as.url, tt.keyID, tt.secret).RecordActivityTaskHeartbeat(ctx, &swf.RecordActivityTaskHeartbeatInput{TaskToken: aws.String("t1")})
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) || apiErr.ErrorCode() != tt.wantCode {
				t.Fatalf("RecordActivityTaskHeartbeat() error = %v, want API error %s", err, tt.wantCode)
			}
			var respErr *smithyhttp.ResponseError
			if !errors.As(err, &respErr) || respErr.HTTPStatusCode() != http.StatusBadRequest {
				t.Errorf("status = %v, want 400", err)
			}
		})
	}
}

func TestServer_AuthenticationFaults(t *testing.T) {
	as := newAuthServer(t)
	ts := &testServer{url: as.url}

	t.Run("unsigned", func(t *testing.T) {
		wantFault(t, ts.post(t, "RecordActivityTaskHeartbeat", `{"taskToken":"t"}`), 400, TypeMissingAuthenticationToken)
	})
	t.Run("unsigned, unknown target", func(t *testing.T) {
		// An unauthenticated caller does not learn which operations exist.
		wantFault(t, ts.post(t, "NoSuchOperation", `{}`), 400, TypeMissingAuthenticationToken)
	})
	t.Run("malformed", func(t *testing.T) {
		r := ts.do(t, http.MethodPost, "/", map[string]string{
			"X-Amz-Target": swfPrefix + "RecordActivityTaskHeartbeat", "Authorization": "AWS4-HMAC-SHA256 Credential=x",
		}, strings.NewReader(`{}`))
		wantFault(t, r, 400, TypeIncompleteSignature)
	})

	// sendSigned signs a request with the Go SDK's signer for service at the real time, and sends it.
	sendSigned := func(t *testing.T, target, service, body string) response {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, as.url+"/", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Amz-Target", target)
		req.Header.Set("Content-Type", ContentType)
		signGo(t, req, []byte(body), testKeyID, testSecret, service, time.Now())
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var b bytes.Buffer
		if _, err := b.ReadFrom(res.Body); err != nil {
			t.Fatal(err)
		}
		return response{status: res.StatusCode, header: res.Header, body: b.String()}
	}
	t.Run("signed, unknown target", func(t *testing.T) {
		wantFault(t, sendSigned(t, swfPrefix+"NoSuchOperation", "swf", `{}`), 400, TypeUnknownOperation)
	})
	t.Run("signed for another service", func(t *testing.T) {
		r := sendSigned(t, swfPrefix+"RecordActivityTaskHeartbeat", "states", `{"taskToken":"t"}`)
		wantFault(t, r, 400, TypeInvalidSignature)
		if !strings.Contains(r.body, "Credential should be scoped to correct service: 'swf'.") {
			t.Errorf("body = %s, want the service named", r.body)
		}
	})
	t.Run("signed, with content-length", func(t *testing.T) {
		// http.NewRequest sets ContentLength, which the Go signer signs as content-length.
		if r := sendSigned(t, swfPrefix+"RecordActivityTaskHeartbeat", "swf", `{"taskToken":"t"}`); r.status != http.StatusOK {
			t.Errorf("status = %d (%s), want 200", r.status, r.body)
		}
	})

	as.mu.Lock()
	defer as.mu.Unlock()
	want := []string{
		"RecordActivityTaskHeartbeat MissingAuthenticationTokenException",
		" MissingAuthenticationTokenException",
		"RecordActivityTaskHeartbeat IncompleteSignatureException",
		" UnknownOperationException",
		"RecordActivityTaskHeartbeat InvalidSignatureException",
		"RecordActivityTaskHeartbeat ",
	}
	if strings.Join(as.observed, "|") != strings.Join(want, "|") {
		t.Errorf("observed = %q, want %q", as.observed, want)
	}
}

// botocoreScript signs requests of many shapes with botocore's SigV4Auth and prints them as JSON lines
// ("sign" mode), or calls a server through boto3's SWF client ("call" mode) and prints what the client saw.
const botocoreScript = `
import base64, json, sys
import boto3, botocore
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

mode = sys.argv[1]
if mode == "sign":
    creds = Credentials(sys.argv[2], sys.argv[3])
    shapes = [
        ("POST", "http://localhost:7000/", [("X-Amz-Target", "SimpleWorkflowService.RecordActivityTaskHeartbeat"), ("Content-Type", "application/x-amz-json-1.0")], b'{"taskToken":"t","details":"50%"}'),
        ("POST", "http://localhost/", [("X-Custom", "  a   b\t\tc  ")], b"{}"),
        ("POST", "http://localhost/", [("X-Multi", "one"), ("X-Multi", " two  2 "), ("X-Multi", "three")], b"{}"),
        ("POST", "http://localhost/", [], b""),
        ("POST", "http://localhost/a%20b/c", [], b"{}"),
        ("POST", "http://localhost/a//b/./c/../d/", [], b"{}"),
        ("GET", "http://localhost/?b=2&a=1&a=0&c=x%20y&e=~", [], b""),
        ("POST", "http://127.0.0.1:49152/", [("Content-Type", "application/x-amz-json-1.0")], "{\"d\":\"\u00e9\"}".encode()),
    ]
    for method, url, headers, body in shapes:
        req = AWSRequest(method=method, url=url, data=body)
        for k, v in headers:
            req.headers[k] = v
        SigV4Auth(creds, "swf", "us-east-1").add_auth(req)
        print(json.dumps({"method": method, "url": url, "headers": list(req.headers.items()), "body": base64.b64encode(body).decode()}))
else:
    url, key, secret = sys.argv[2:5]
    c = boto3.client("swf", endpoint_url=url, region_name="us-east-1", aws_access_key_id=key,
                     aws_secret_access_key=secret, config=Config(retries={"total_max_attempts": 1}))
    try:
        out = c.record_activity_task_heartbeat(taskToken="t1", details="botocore")
        print(json.dumps({"cancelRequested": out["cancelRequested"]}))
    except ClientError as e:
        print(json.dumps({"code": e.response["Error"]["Code"], "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}))
`

// python returns Debian's python3 with boto3, or skips the test.
func python(t *testing.T) string {
	t.Helper()
	const py = "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Skip("no /usr/bin/python3: botocore's signatures are checked where Debian's python3-boto3 is installed")
	}
	if err := exec.Command(py, "-c", "import boto3").Run(); err != nil {
		t.Skip("python3 has no boto3 (install python3-boto3): botocore's signatures are not checked")
	}
	return py
}

func TestAuthenticator_VerifiesBotocoreSignatures(t *testing.T) {
	py := python(t)
	out, err := exec.Command(py, "-c", botocoreScript, "sign", testKeyID, testSecret).Output()
	if err != nil {
		t.Fatalf("botocore signing script: %v", err)
	}
	verifySignedLines(t, out, 8)
}

// smithyScript signs requests of many shapes with the JavaScript SDK v3's signer (@smithy/signature-v4)
// and prints them as JSON lines, as botocoreScript does.
const smithyScript = `
const { SignatureV4 } = require("@smithy/signature-v4");
const { Sha256 } = require("@aws-crypto/sha256-js");
const { HttpRequest } = require("@smithy/protocol-http");
(async () => {
  const [keyID, secret] = process.argv.slice(1);
  const signer = new SignatureV4({ credentials: { accessKeyId: keyID, secretAccessKey: secret }, region: "us-east-1", service: "swf", sha256: Sha256 });
  const shapes = [
    ["POST", "localhost", 7000, "/", {}, { "x-amz-target": "SimpleWorkflowService.RecordActivityTaskHeartbeat", "content-type": "application/x-amz-json-1.0" }, '{"taskToken":"t","details":"50%"}'],
    ["POST", "localhost", undefined, "/", {}, { "x-custom": "  a   b\t\tc  " }, "{}"],
    ["POST", "localhost", undefined, "/a//b/./c/../d/", {}, {}, "{}"],
    ["POST", "localhost", undefined, "/a%20b/c%2Fd", {}, {}, "{}"],
    ["GET", "localhost", undefined, "/", { b: "2", a: ["1", "0"], c: "x y", e: "~" }, {}, ""],
    ["POST", "127.0.0.1", 49152, "/", {}, { "content-type": "application/x-amz-json-1.0" }, '{"d":"\u00e9"}'],
  ];
  for (const [method, hostname, port, path, query, headers, body] of shapes) {
    const host = port ? hostname + ":" + port : hostname;
    const req = new HttpRequest({ method, protocol: "http:", hostname, port, path, query, headers: { host, ...headers }, body });
    const s = await signer.sign(req);
    const qs = Object.entries(query).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => encodeURIComponent(k) + "=" + encodeURIComponent(x))).join("&");
    const url = "http://" + host + path + (qs ? "?" + qs : "");
    console.log(JSON.stringify({ method, url, headers: Object.entries(s.headers), body: Buffer.from(body).toString("base64") }));
  }
})();
`

func TestAuthenticator_VerifiesJavaScriptSDKSignatures(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node: the JavaScript SDK's signatures are not checked")
	}
	if err := exec.Command(node, "-e", `require("@smithy/signature-v4"); require("@aws-crypto/sha256-js"); require("@smithy/protocol-http")`).Run(); err != nil {
		t.Skip("node cannot load @smithy/signature-v4, @aws-crypto/sha256-js and @smithy/protocol-http " +
			"(npm install them in a folder and set NODE_PATH to its node_modules): the JavaScript SDK's signatures are not checked")
	}
	out, err := exec.Command(node, "-e", smithyScript, testKeyID, testSecret).Output()
	if err != nil {
		t.Fatalf("JavaScript signing script: %v", err)
	}
	verifySignedLines(t, out, 6)
}

// verifySignedLines verifies each request a signing script printed, one JSON object a line: method, url,
// headers as [name, value] pairs, body in base64. It expects at least want of them.
func verifySignedLines(t *testing.T, out []byte, want int) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < want {
		t.Fatalf("the script signed %d requests, want %d:\n%s", len(lines), want, out)
	}
	for _, line := range lines {
		var signed struct {
			Method  string      `json:"method"`
			URL     string      `json:"url"`
			Headers [][2]string `json:"headers"`
			Body    []byte      `json:"body"`
		}
		if err := json.Unmarshal([]byte(line), &signed); err != nil {
			t.Fatalf("decode %s: %v", line, err)
		}
		t.Run(signed.Method+" "+signed.URL, func(t *testing.T) {
			r := httptest.NewRequest(signed.Method, signed.URL, bytes.NewReader(signed.Body))
			for _, h := range signed.Headers {
				if strings.EqualFold(h[0], "host") {
					r.Host = h[1]
					continue
				}
				r.Header.Add(h[0], h[1])
			}
			// Verify at the instant of signing: the script signed on its own clock.
			now, err := time.Parse(amzDateFormat, r.Header.Get("X-Amz-Date"))
			if err != nil {
				t.Fatalf("X-Amz-Date: %v", err)
			}
			p, err := newTestAuthenticator(&now).Verify(r, signed.Body)
			if err != nil {
				t.Fatalf("Verify(%v) error = %v", signed.Headers, err)
			}
			if p.User != testUser {
				t.Errorf("Verify() user = %q, want %q", p.User, testUser)
			}
		})
	}
}

func TestServer_AuthenticatesBoto3(t *testing.T) {
	py := python(t)
	as := newAuthServer(t)
	tests := []struct {
		name, keyID, secret, want string
	}{
		{"valid key", testKeyID, testSecret, `{"cancelRequested": false}`},
		{"wrong secret", testKeyID, "not-the-secret", `{"code": "InvalidSignatureException", "status": 400}`},
		{"unknown key", "AKIDUNKNOWN000000000", testSecret, `{"code": "UnrecognizedClientException", "status": 400}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := exec.Command(py, "-c", botocoreScript, "call", as.url, tt.keyID, tt.secret).CombinedOutput()
			if err != nil {
				t.Fatalf("boto3: %v\n%s", err, out)
			}
			if got := strings.TrimSpace(string(out)); got != tt.want {
				t.Errorf("boto3 saw %s, want %s", got, tt.want)
			}
		})
	}
}

func TestServer_AuthenticatesAWSCLI(t *testing.T) {
	aws, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("no aws CLI on PATH: its signatures are checked where it is installed (CI installs it)")
	}
	as := newAuthServer(t)
	tests := []struct {
		name, keyID, secret, want string
	}{
		{"valid key", testKeyID, testSecret, `"cancelRequested": false`},
		{"wrong secret", testKeyID, "not-the-secret", "(InvalidSignatureException)"},
		{"unknown key", "AKIDUNKNOWN000000000", testSecret, "(UnrecognizedClientException)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(aws, "swf", "record-activity-task-heartbeat", "--task-token", "t1", "--details", "aws  cli",
				"--endpoint-url", as.url, "--region", "us-east-1", "--output", "json")
			// Only these credentials and settings: none of the environment's AWS_* variables or files.
			for _, kv := range os.Environ() {
				if !strings.HasPrefix(kv, "AWS_") {
					cmd.Env = append(cmd.Env, kv)
				}
			}
			cmd.Env = append(cmd.Env, "AWS_ACCESS_KEY_ID="+tt.keyID, "AWS_SECRET_ACCESS_KEY="+tt.secret,
				"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_MAX_ATTEMPTS=1", "AWS_PAGER=")
			out, _ := cmd.CombinedOutput()
			if !strings.Contains(string(out), tt.want) {
				t.Errorf("aws CLI printed %s, want %s", out, tt.want)
			}
		})
	}
}
