package awsjson

import (
	"slices"
	"testing"
)

func TestParseAuthorization(t *testing.T) {
	tests := []struct {
		name    string
		h       string
		want    Credential
		wantErr bool
	}{
		{
			name: "botocore",
			h:    "AWS4-HMAC-SHA256 Credential=x/20261121/us-east-1/swf/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=5fe0d61ad96b3849d1197f15ca41da8dca121de74fd7950b21fbcfb60549271e",
			want: Credential{AccessKeyID: "x", Date: "20261121", Region: "us-east-1", Service: "swf",
				SignedHeaders: []string{"content-type", "host", "x-amz-date", "x-amz-target"},
				Signature:     "5fe0d61ad96b3849d1197f15ca41da8dca121de74fd7950b21fbcfb60549271e"},
		},
		{
			name: "no spaces, other order",
			h:    "AWS4-HMAC-SHA256 Signature=AB01,SignedHeaders=host,Credential=AKIDEXAMPLE/20260101/eu-west-1/states/aws4_request",
			want: Credential{AccessKeyID: "AKIDEXAMPLE", Date: "20260101", Region: "eu-west-1", Service: "states",
				SignedHeaders: []string{"host"}, Signature: "AB01"},
		},
		{name: "empty", h: "", wantErr: true},
		{name: "other algorithm", h: "AWS4-HMAC-SHA512 Credential=a/20260101/r/s/aws4_request, SignedHeaders=host, Signature=ab", wantErr: true},
		{name: "basic auth", h: "Basic dXNlcjpwYXNz", wantErr: true},
		{name: "missing signature", h: "AWS4-HMAC-SHA256 Credential=a/20260101/r/s/aws4_request, SignedHeaders=host", wantErr: true},
		{name: "missing credential", h: "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=ab", wantErr: true},
		{name: "short scope", h: "AWS4-HMAC-SHA256 Credential=a/20260101/r/aws4_request, SignedHeaders=host, Signature=ab", wantErr: true},
		{name: "wrong terminator", h: "AWS4-HMAC-SHA256 Credential=a/20260101/r/s/aws5_request, SignedHeaders=host, Signature=ab", wantErr: true},
		{name: "bad date", h: "AWS4-HMAC-SHA256 Credential=a/2026-01-01/r/s/aws4_request, SignedHeaders=host, Signature=ab", wantErr: true},
		{name: "empty key", h: "AWS4-HMAC-SHA256 Credential=/20260101/r/s/aws4_request, SignedHeaders=host, Signature=ab", wantErr: true},
		{name: "non-hex signature", h: "AWS4-HMAC-SHA256 Credential=a/20260101/r/s/aws4_request, SignedHeaders=host, Signature=xyz", wantErr: true},
		{name: "upper-case signed header", h: "AWS4-HMAC-SHA256 Credential=a/20260101/r/s/aws4_request, SignedHeaders=Host, Signature=ab", wantErr: true},
		{name: "empty signed header", h: "AWS4-HMAC-SHA256 Credential=a/20260101/r/s/aws4_request, SignedHeaders=host;;x, Signature=ab", wantErr: true},
		{name: "duplicate component", h: "AWS4-HMAC-SHA256 Credential=a/20260101/r/s/aws4_request, Credential=b/20260101/r/s/aws4_request, SignedHeaders=host, Signature=ab", wantErr: true},
		{name: "unknown component", h: "AWS4-HMAC-SHA256 Credential=a/20260101/r/s/aws4_request, SignedHeaders=host, Signature=ab, Extra=1", wantErr: true},
		{name: "component without =", h: "AWS4-HMAC-SHA256 Credential", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAuthorization(tt.h)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseAuthorization() = %+v, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseAuthorization() error = %v, want nil", err)
			}
			if got.AccessKeyID != tt.want.AccessKeyID || got.Date != tt.want.Date || got.Region != tt.want.Region ||
				got.Service != tt.want.Service || got.Signature != tt.want.Signature || !slices.Equal(got.SignedHeaders, tt.want.SignedHeaders) {
				t.Errorf("ParseAuthorization() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestCredential_Scope(t *testing.T) {
	c := Credential{AccessKeyID: "AKID", Date: "20260101", Region: "us-east-1", Service: "swf"}
	if got, want := c.Scope(), "20260101/us-east-1/swf/aws4_request"; got != want {
		t.Errorf("Scope() = %q, want %q", got, want)
	}
}
