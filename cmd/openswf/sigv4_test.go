package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// TestSignV4_MatchesTheSDK signs the same requests with signV4 and with the AWS SDK for Go v2's signer and
// wants the same Authorization header, with and without a session token and a body.
func TestSignV4_MatchesTheSDK(t *testing.T) {
	at := time.Date(2026, 12, 2, 22, 30, 5, 0, time.UTC)
	for _, tc := range []struct {
		name, endpoint, service, token, body string
	}{
		{"swf", "http://127.0.0.1:7740/", "swf", "", `{"registrationStatus":"REGISTERED"}`},
		{"states with a session token", "https://openswf.example:8443/", "states", "session-token", `{"maxResults":1000}`},
		{"openswf, empty body", "http://localhost:7740/", "openswf", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			creds := credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", SessionToken: tc.token}
			newReq := func() *http.Request {
				req, err := http.NewRequest(http.MethodPost, tc.endpoint, bytes.NewReader([]byte(tc.body)))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Content-Type", "application/x-amz-json-1.0")
				req.Header.Set("X-Amz-Target", "X.Op")
				return req
			}
			ours := newReq()
			signV4(ours, []byte(tc.body), creds, "eu-west-1", tc.service, at)

			sdk := newReq()
			sum := sha256.Sum256([]byte(tc.body))
			if tc.token != "" {
				// The SDK signs X-Amz-Security-Token as it finds it set by its middleware.
				sdk.Header.Set("X-Amz-Security-Token", tc.token)
			}
			err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: creds.AccessKeyID,
				SecretAccessKey: creds.SecretAccessKey, SessionToken: tc.token}, sdk, hex.EncodeToString(sum[:]), tc.service, "eu-west-1", at)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := ours.Header.Get("Authorization"), sdk.Header.Get("Authorization"); got != want {
				t.Errorf("Authorization:\n got %s\nwant %s", got, want)
			}
			if got, want := ours.Header.Get("X-Amz-Date"), sdk.Header.Get("X-Amz-Date"); got != want {
				t.Errorf("X-Amz-Date = %q, want %q", got, want)
			}
		})
	}
}
