package awsjson

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"
)

// DefaultMaxBodyBytes is the request body limit when Options.MaxBodyBytes is not set (1 MiB).
const DefaultMaxBodyBytes int64 = 1 << 20

// Handler serves one operation. It receives the request body only after the body passed Model.Validate,
// and only the members the model defines (an empty body arrives as {}; a body with other members arrives
// re-encoded without them); decode it with DecodeInput, which reads member names exactly. It returns the output to marshal with
// encoding/json (nil answers {}), or an error: a *Fault (possibly wrapped) is answered as is, anything else
// is logged and answered as InternalFailure.
type Handler func(ctx context.Context, body []byte) (any, error)

// Options configures a Server.
type Options struct {
	// MaxBodyBytes bounds request bodies; longer ones are answered 413. Zero or less means
	// DefaultMaxBodyBytes. Slow clients are the listener's business (http.Server's ReadTimeout), not this.
	MaxBodyBytes int64
	// Logger receives internal errors and recovered panics (level Error) and the faults answered to clients
	// (level Debug), each with the request id. Nil means slog.Default().
	Logger *slog.Logger
	// Observe, when set, is called once per request after its answer is written (for metrics), with the
	// operation it reached, the fault code answered and the time since ServeHTTP began. op is "" when the
	// target names no operation served here: a label taken from the client's own target text would let
	// clients grow a metric without bound. fault is "" on success, the code otherwise (as Fault.Code,
	// "UnknownResourceFault"), and ClientClosedRequest when the client went away before its answer,
	// whatever that answer was: a long poll it gave up on answers an empty task, a write whose client left
	// may have committed, and nobody reads either. It runs on the request's goroutine and must be cheap.
	Observe func(op, fault string, d time.Duration)
	// ParseCredentials parses each request's Authorization header into its context (CredentialFrom), for
	// access control. Off, the header is not read: nothing would use it. With Authenticate set, handlers
	// get the verified credential whatever this says.
	ParseCredentials bool
	// Authenticate, when set, verifies each request's SigV4 signature before it reaches a handler and
	// answers the authentication faults (MissingAuthenticationTokenException, IncompleteSignatureException,
	// UnrecognizedClientException, InvalidSignatureException) otherwise. Handlers find the signer with
	// PrincipalFrom and its credential with CredentialFrom. Nil accepts every request, signed or not.
	Authenticate *Authenticator
	// RateLimit, when set, bounds each access key's requests (the verified one with Authenticate, else the
	// one the Authorization header claims, "" for none); over it, ThrottlingException.
	RateLimit *RateLimiter
}

// Server is an http.Handler for AWS JSON 1.0 services: it routes POST requests by X-Amz-Target to the
// Handler registered for the operation, after bounding and validating the body. Every other method is
// answered 405; health checks are the node's (node.Node's handler serves GET /healthz before this one).
//
// Register services before serving; Register and ServeHTTP may nonetheless run concurrently.
type Server struct {
	maxBody     int64
	log         *slog.Logger
	observe     func(op, fault string, d time.Duration)
	credentials bool
	auth        *Authenticator
	limit       *RateLimiter

	mu       sync.RWMutex
	services map[string]*service // by target prefix
}

// service is one registered model and its handlers.
type service struct {
	model    *Model
	handlers map[string]Handler
}

// NewServer returns a Server with no services registered.
func NewServer(opts Options) *Server {
	s := &Server{
		maxBody: opts.MaxBodyBytes,
		log:     opts.Logger,
		observe: opts.Observe,

		credentials: opts.ParseCredentials,
		auth:        opts.Authenticate,
		limit:       opts.RateLimit,
		services:    make(map[string]*service),
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBodyBytes
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	return s
}

// Register serves the operations of m with the given handlers, keyed by operation name. Operations of m
// without a handler answer UnknownOperationException. It fails if a handler names an operation m lacks, a
// handler is nil, or a service with m's target prefix is already registered.
func (s *Server) Register(m *Model, handlers map[string]Handler) error {
	if m == nil {
		return errors.New("register: nil model")
	}
	hs := make(map[string]Handler, len(handlers))
	for op, h := range handlers {
		if !m.HasOperation(op) {
			return fmt.Errorf("register %s: model has no operation %q", m.TargetPrefix(), op)
		}
		if h == nil {
			return fmt.Errorf("register %s: nil handler for %s", m.TargetPrefix(), op)
		}
		hs[op] = h
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.services[m.TargetPrefix()]; dup {
		return fmt.Errorf("register %s: target prefix already registered", m.TargetPrefix())
	}
	s.services[m.TargetPrefix()] = &service{model: m, handlers: hs}
	return nil
}

// ServeHTTP serves one AWS JSON 1.0 request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var observed string // the operation, once routed to a handler
	if s.observe != nil {
		start := time.Now()
		defer func() { s.observe(observed, answeredFault(w, r), time.Since(start)) }()
	}
	id := newRequestID()
	// Set the key as AWS spells it; http.Header.Set would canonicalise it to X-Amzn-Requestid. Header names
	// are case-insensitive, so clients find either.
	w.Header()["x-amzn-RequestId"] = []string{id}
	ctx := withRequestID(r.Context(), id)

	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeFault(w, methodNotAllowed(r.Method))
		return
	}

	target := r.Header.Get("X-Amz-Target")
	svc, op, h := s.route(target)
	if h == nil && s.auth == nil {
		writeFault(w, UnknownOperation(target))
		return
	}
	if h != nil {
		observed = op
	}

	// The body is read before the signature is checked: its hash is part of what was signed.
	body, f := s.readBody(w, r)
	if f != nil {
		writeFault(w, f)
		return
	}

	if s.auth != nil {
		// A request that fails authentication learns nothing else, not even whether its target exists.
		p, err := s.authenticate(r, body, svc)
		if err != nil {
			s.writeError(ctx, w, target, err)
			return
		}
		ctx = withCredential(withPrincipal(ctx, p), &p.Credential)
		ip, _, _ := net.SplitHostPort(r.RemoteAddr)
		ctx = context.WithValue(ctx, transportKey{}, Transport{SourceIP: ip, Secure: r.TLS != nil})
		if h == nil {
			writeFault(w, UnknownOperation(target))
			return
		}
	} else if s.credentials {
		if cred, err := ParseAuthorization(r.Header.Get("Authorization")); err == nil {
			ctx = withCredential(ctx, &cred)
		}
	}

	if s.limit != nil && !s.limit.Allow(accessKeyOf(ctx, r)) {
		writeFault(w, Throttling("Rate exceeded"))
		return
	}

	pruned, err := svc.model.validate(op, body)
	if err != nil {
		s.writeError(ctx, w, target, err)
		return
	}
	switch {
	case pruned != nil:
		// The handler reads only what was validated: members the model does not define are gone.
		body = pruned
	case len(bytes.TrimSpace(body)) == 0:
		// Validate reads an empty body as {}; hand handlers the same, so that decoding never fails.
		body = []byte("{}")
	}

	out, err := callHandler(ctx, h, body)
	if err != nil {
		s.writeError(ctx, w, target, err)
		return
	}
	b, err := marshalJSON(out)
	if err != nil {
		s.writeError(ctx, w, target, fmt.Errorf("marshal output: %w", err))
		return
	}
	if string(b) == "null" {
		// A nil result, or a nil pointer to an output struct: operations always answer an object.
		b = []byte("{}")
	}
	writeJSON(w, http.StatusOK, b)
}

// authenticate verifies r's signature, and that its credential is scoped to the service its target names
// (a signature for Step Functions does not open SWF), when the target names one.
func (s *Server) authenticate(r *http.Request, body []byte, svc *service) (*Principal, error) {
	p, err := s.auth.Verify(r, body)
	if err != nil {
		return nil, err
	}
	if svc != nil {
		if want := svc.model.SigningName(); want != "" && p.Credential.Service != want {
			return nil, InvalidSignature("Credential should be scoped to correct service: '" + want + "'.")
		}
	}
	return p, nil
}

// route finds the service and handler for an X-Amz-Target value "<prefix>.<Operation>". The handler is nil
// when the target names no registered operation.
func (s *Server) route(target string) (*service, string, Handler) {
	i := strings.LastIndexByte(target, '.')
	if i < 0 {
		return nil, "", nil
	}
	prefix, op := target[:i], target[i+1:]
	s.mu.RLock()
	svc := s.services[prefix]
	s.mu.RUnlock()
	if svc == nil {
		return nil, "", nil
	}
	return svc, op, svc.handlers[op]
}

// readBody reads the request body, at most s.maxBody bytes.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, *Fault) {
	if r.ContentLength > s.maxBody {
		return nil, RequestTooLarge(s.maxBody)
	}
	// MaxBytesReader also tells the server to close the connection once the limit is hit, so a client that
	// keeps sending cannot hold it.
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, RequestTooLarge(s.maxBody)
		}
		return nil, SerializationError("The request body could not be read.")
	}
	return body, nil
}

// writeError answers err: a *Fault in its chain as is, anything else as InternalFailure after logging it.
// A fault of the server's own (5xx, such as ServiceUnavailable) is logged too, with the rest of err's chain,
// where a handler keeps the cause the client is not told of.
func (s *Server) writeError(ctx context.Context, w http.ResponseWriter, target string, err error) {
	var f *Fault
	if errors.As(err, &f) && f != nil {
		if f.HTTPStatus() >= http.StatusInternalServerError {
			s.log.WarnContext(ctx, "server fault", "request_id", RequestID(ctx), "target", target, "type", f.Type, "error", err)
		} else if s.log.Enabled(ctx, slog.LevelDebug) {
			s.log.DebugContext(ctx, "fault", "request_id", RequestID(ctx), "target", target, "type", f.Type, "message", f.Message)
		}
		writeFault(w, f)
		return
	}
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		// The client went away (a long poll it gave up on, say): nothing failed here and nobody reads
		// the answer.
		s.log.DebugContext(ctx, "request abandoned by client", "request_id", RequestID(ctx), "target", target)
		writeFault(w, InternalFailure())
		return
	}
	attrs := []any{"request_id", RequestID(ctx), "target", target, "error", err}
	var p *panicError
	if errors.As(err, &p) {
		attrs = append(attrs, "stack", string(p.stack))
	}
	s.log.ErrorContext(ctx, "internal failure", attrs...)
	writeFault(w, InternalFailure())
}

// clientClosedRequest is the fault code Options.Observe reports for a request whose client went away
// before its answer (after nginx's 499): no client sees it.
const clientClosedRequest = "ClientClosedRequest"

// answeredFault is the code of the fault answered on w, "" for a success, or clientClosedRequest when the
// client went away first: net/http cancels the request's context when it finds the connection closed, and
// ServeHTTP has not returned yet, which would cancel it too. Every fault answer goes through writeFault,
// which sets X-Amzn-ErrorType to the code; reading it back here lets Observe learn the fault in one place
// rather than at each of ServeHTTP's exits.
func answeredFault(w http.ResponseWriter, r *http.Request) string {
	if r.Context().Err() != nil {
		return clientClosedRequest
	}
	//lint:ignore SA1008 writeFault sets the key spelled as AWS spells it, not canonicalised.
	code := w.Header()["X-Amzn-ErrorType"]
	if len(code) == 0 {
		return ""
	}
	return code[0]
}

// panicError is a panic recovered from a handler.
type panicError struct {
	value any
	stack []byte
}

// Error describes the panic value.
func (p *panicError) Error() string { return fmt.Sprintf("handler panic: %v", p.value) }

// callHandler calls h, turning a panic into a *panicError. http.ErrAbortHandler is re-raised: it is how a
// handler asks net/http to abort the response.
func callHandler(ctx context.Context, h Handler, body []byte) (out any, err error) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			out, err = nil, &panicError{value: v, stack: debug.Stack()}
		}
	}()
	return h(ctx, body)
}

// accessKeyOf is the access key a request counts against for rate limiting: the verified one, else the one
// its Authorization header claims, else "".
func accessKeyOf(ctx context.Context, r *http.Request) string {
	if p := PrincipalFrom(ctx); p != nil {
		return p.AccessKeyID
	}
	if c, err := ParseAuthorization(r.Header.Get("Authorization")); err == nil {
		return c.AccessKeyID
	}
	return ""
}
