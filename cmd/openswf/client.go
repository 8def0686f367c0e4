package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The services the inspection commands call: the X-Amz-Target prefix and the SigV4 signing name of each.
var (
	serviceSWF     = service{target: "SimpleWorkflowService", signingName: "swf"}
	serviceSFN     = service{target: "AWSStepFunctions", signingName: "states"}
	serviceOpenSWF = service{target: "OpenSWF", signingName: "openswf"}
)

type service struct{ target, signingName string }

// client calls one openswf endpoint over AWS JSON 1.0, signing each request.
type client struct {
	endpoint string
	region   string
	creds    credentials
	http     *http.Client
	now      func() time.Time
	// pageSize, when not zero, replaces the page size every list request asks for (1000 for most): tests
	// set it small to see answers merged across pages.
	pageSize int
}

// maxAnswer bounds an answer's body: a page of history is at most 1,000 events of at most 32 KB each.
const maxAnswer = 64 << 20

// apiError is a fault the server answered.
type apiError struct {
	Code    string // the fault's name: the part of __type after '#', e.g. UnknownResourceFault
	Message string
	Status  int
	// SignedWith says whose credentials signed a request that access control refused, since the usual
	// cause is a key other than the one meant: "access key AKIA… from the environment".
	SignedWith string
}

func (e *apiError) Error() string {
	s := e.Code
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.SignedWith != "" {
		s += " (signed with " + e.SignedWith + ")"
	}
	return s
}

// unreachableError is a request that got no answer: nothing listens, the name does not resolve, the TLS
// handshake failed, the answer did not come in time.
type unreachableError struct {
	endpoint string
	err      error
}

func (e *unreachableError) Error() string {
	return fmt.Sprintf("endpoint %s unreachable: %v", e.endpoint, e.err)
}

func (e *unreachableError) Unwrap() error { return e.err }

// call sends op of svc with the request body in and returns the answer's body.
func (c *client) call(ctx context.Context, svc service, op string, in any) (json.RawMessage, error) {
	body, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", op, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(c.endpoint, "/")+"/", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", svc.target+"."+op)
	signV4(req, body, c.creds, c.region, svc.signingName, c.now())
	res, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &unreachableError{endpoint: c.endpoint, err: err}
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, maxAnswer))
	if err != nil {
		return nil, &unreachableError{endpoint: c.endpoint, err: fmt.Errorf("read the answer to %s: %w", op, err)}
	}
	if res.StatusCode == http.StatusOK {
		if !json.Valid(data) {
			return nil, fmt.Errorf("%s: the answer is not JSON: is %s an openswf endpoint?", op, c.endpoint)
		}
		return data, nil
	}
	err = faultOf(res, data, c.endpoint)
	if f, ok := errorsAsAPI(err); ok && slices.Contains(deniedFaults, f.Code) {
		f.SignedWith = "access key " + c.creds.AccessKeyID + " from " + c.creds.Source
		if c.creds == anonymous {
			f.SignedWith = "anonymous credentials, since none were found: see docs/CLI.md, Credentials"
		}
	}
	return nil, err
}

// faultOf reads an AWS JSON 1.0 fault: {"__type": "namespace#Name", "message": "…"}, the name perhaps only
// in the X-Amzn-ErrorType header.
func faultOf(res *http.Response, data []byte, endpoint string) error {
	var f struct {
		Type     string `json:"__type"`
		Message  string `json:"message"`
		MessageC string `json:"Message"`
	}
	_ = json.Unmarshal(data, &f)
	code := f.Type
	if code == "" {
		code = res.Header.Get("X-Amzn-ErrorType")
	}
	code, _, _ = strings.Cut(code, ":")
	if i := strings.LastIndexByte(code, '#'); i >= 0 {
		code = code[i+1:]
	}
	if code == "" {
		text := strings.TrimSpace(string(data))
		if len(text) > 200 {
			text = text[:200] + "…"
		}
		return fmt.Errorf("HTTP %s from %s, not an AWS fault: %s", res.Status, endpoint, text)
	}
	return &apiError{Code: code, Message: firstOf(f.Message, f.MessageC), Status: res.StatusCode}
}

// pages calls a paged list operation until its last page and merges the answers into one: the first
// page's members, with listKey holding every page's items and no tokenKey. max > 0 stops once that many
// items are in (the answer is then cut to max, and keeps no token). keep, when not nil, drops the items it
// refuses before they count.
func (c *client) pages(ctx context.Context, svc service, op string, in map[string]any, listKey, tokenKey string, max int,
	keep func(json.RawMessage) (bool, error)) (map[string]json.RawMessage, []json.RawMessage, error) {
	var first map[string]json.RawMessage
	var items []json.RawMessage
	if c.pageSize > 0 {
		for _, k := range []string{"maximumPageSize", "maxResults"} {
			if _, ok := in[k]; ok {
				in[k] = c.pageSize
			}
		}
	}
	for {
		data, err := c.call(ctx, svc, op, in)
		if err != nil {
			return nil, nil, err
		}
		var page map[string]json.RawMessage
		if err := json.Unmarshal(data, &page); err != nil {
			return nil, nil, fmt.Errorf("%s: decode the answer: %w", op, err)
		}
		var got []json.RawMessage
		if raw, ok := page[listKey]; ok {
			if err := json.Unmarshal(raw, &got); err != nil {
				return nil, nil, fmt.Errorf("%s: decode %s: %w", op, listKey, err)
			}
		}
		for _, it := range got {
			if keep != nil {
				ok, err := keep(it)
				if err != nil {
					return nil, nil, fmt.Errorf("%s: decode an item of %s: %w", op, listKey, err)
				}
				if !ok {
					continue
				}
			}
			items = append(items, it)
		}
		if first == nil {
			first = page
		}
		var token string
		if raw, ok := page[tokenKey]; ok {
			_ = json.Unmarshal(raw, &token)
		}
		if token == "" || (max > 0 && len(items) >= max) {
			break
		}
		in[tokenKey] = token
	}
	if max > 0 && len(items) > max {
		items = items[:max]
	}
	delete(first, tokenKey)
	if items == nil {
		items = []json.RawMessage{}
	}
	merged, _ := json.Marshal(items)
	first[listKey] = merged
	return first, items, nil
}

// errorsAsAPI reports the fault err carries, if the server answered one.
func errorsAsAPI(err error) (*apiError, bool) {
	var e *apiError
	ok := errors.As(err, &e)
	return e, ok
}
