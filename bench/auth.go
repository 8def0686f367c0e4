package bench

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/openswf/openswf/iam"
)

// The bench's access key. Every SDK client of the bench signs with it: servers without access control accept
// any credentials, and the servers heartbeat-auth starts know it (AuthConfig). A server started by hand for
// heartbeat-auth against --endpoint must be given the same file (openswf-bench --write-auth FILE).
const (
	benchAccessKeyID     = "AKIAOPENSWFBENCH0001"
	benchSecretAccessKey = "openswf-bench-secret-access-key-0001"
	benchRegion          = "us-east-1"
)

// benchCredentials are the bench's access key as the SDK and the v4 signer take it.
var benchCredentials = aws.Credentials{AccessKeyID: benchAccessKeyID, SecretAccessKey: benchSecretAccessKey, Source: "openswf-bench"}

// AuthConfig is the access control file (`openswf serve --auth FILE`) of the servers heartbeat-auth starts:
// one user, holding the bench's access key, allowed every SWF action on every resource. A single Allow on
// `*` is the cheapest policy to evaluate, so the figure is the floor of what access control costs: the
// signature check and one policy evaluation per request.
func AuthConfig() []byte {
	doc := map[string]any{
		"account": "123456789012",
		"users": []any{map[string]any{
			"name":       "openswf-bench",
			"accessKeys": []any{map[string]string{"accessKeyId": benchAccessKeyID, "secretAccessKey": benchSecretAccessKey}},
			"policies": []any{map[string]any{
				"Version":   "2012-10-17",
				"Statement": []any{map[string]any{"Effect": "Allow", "Action": "swf:*", "Resource": "*"}},
			}},
		}},
	}
	b, _ := json.MarshalIndent(doc, "", "  ") // maps of strings cannot fail to marshal
	return append(b, '\n')
}

// writeAuthFile writes AuthConfig to a file in dir and returns its path.
func writeAuthFile(dir string) (string, error) {
	f, err := os.CreateTemp(dir, "auth-*.json")
	if err != nil {
		return "", fmt.Errorf("access control file: %w", err)
	}
	_, err = f.Write(AuthConfig())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("access control file: %w", err)
	}
	return f.Name(), nil
}

// authConfig parses AuthConfig for an in-process server.
func authConfig() (*iam.Config, error) {
	cfg, err := iam.ParseConfig(AuthConfig())
	if err != nil {
		return nil, fmt.Errorf("access control configuration: %w", err)
	}
	return cfg, nil
}

// signedHeartbeat is rawHeartbeat signed with the bench's key, as a real client signs: the body and its
// SHA-256 are computed once, since they do not change; each request gets a fresh header map, the current
// time and its own signature. signer, shared by the workers as an SDK client shares its own, caches the
// derived signing key per key, day, region and service.
func signedHeartbeat(hc *http.Client, signer *v4.Signer, url, target, service, token string) call {
	body, _ := json.Marshal(map[string]string{"taskToken": token}) // a string map cannot fail to marshal
	sum := sha256.Sum256(body)
	payloadHash := hex.EncodeToString(sum[:])
	return func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header = http.Header{
			"Content-Type": {"application/x-amz-json-1.0"},
			"X-Amz-Target": {target},
		}
		if err := signer.SignHTTP(ctx, benchCredentials, req, payloadHash, service, benchRegion, time.Now()); err != nil {
			return fmt.Errorf("sign: %w", err)
		}
		return doRaw(hc, req)
	}
}

// doRaw sends a raw request and reads its answer to the end, so that the connection goes back to the pool.
func doRaw(hc *http.Client, req *http.Request) error {
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		io.Copy(io.Discard, resp.Body)
		return fmt.Errorf("HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(msg))
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}
