package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The inspection commands sign their requests with AWS Signature Version 4 themselves, with the standard
// library: the server binary links no AWS SDK (docs/DEPENDENCIES.md, dependencies_test.go), and a POST of
// a JSON body needs only the plain form of the algorithm. sigv4_test.go checks it against the AWS SDK for
// Go v2's signer, header for header.

const (
	amzDateFormat = "20060102T150405Z"
	emptyPayload  = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" // sha256 of ""
)

// signV4 signs req, whose body is body, for service in region at now: it sets X-Amz-Date,
// X-Amz-Security-Token (with a session token) and Authorization. It signs Host, Content-Type, X-Amz-Date,
// X-Amz-Target, X-Amz-Security-Token and Content-Length, as the AWS SDK for Go v2 does.
func signV4(req *http.Request, body []byte, creds credentials, region, service string, now time.Time) {
	now = now.UTC()
	date := now.Format(amzDateFormat)
	req.Header.Set("X-Amz-Date", date)
	if creds.SessionToken != "" {
		req.Header.Set("X-Amz-Security-Token", creds.SessionToken)
	}
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	headers := map[string]string{"host": host}
	if req.ContentLength > 0 {
		headers["content-length"] = strconv.FormatInt(req.ContentLength, 10)
	}
	for name, vs := range req.Header {
		lower := strings.ToLower(name)
		switch lower {
		case "content-type", "x-amz-date", "x-amz-target", "x-amz-security-token":
			headers[lower] = strings.Join(vs, ",")
		}
	}
	names := make([]string, 0, len(headers))
	for name := range headers {
		names = append(names, name)
	}
	sort.Strings(names)
	var canonHeaders strings.Builder
	for _, name := range names {
		canonHeaders.WriteString(name + ":" + strings.Join(strings.Fields(headers[name]), " ") + "\n")
	}
	signed := strings.Join(names, ";")
	payload := emptyPayload
	if len(body) > 0 {
		sum := sha256.Sum256(body)
		payload = hex.EncodeToString(sum[:])
	}
	path := req.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	canonical := strings.Join([]string{req.Method, path, req.URL.RawQuery, canonHeaders.String(), signed, payload}, "\n")
	day := date[:8]
	scope := day + "/" + region + "/" + service + "/aws4_request"
	sum := sha256.Sum256([]byte(canonical))
	toSign := "AWS4-HMAC-SHA256\n" + date + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
	key := hmacSHA256([]byte("AWS4"+creds.SecretAccessKey), day)
	key = hmacSHA256(key, region)
	key = hmacSHA256(key, service)
	key = hmacSHA256(key, "aws4_request")
	sig := hex.EncodeToString(hmacSHA256(key, toSign))
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+creds.AccessKeyID+"/"+scope+
		", SignedHeaders="+signed+", Signature="+sig)
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}
