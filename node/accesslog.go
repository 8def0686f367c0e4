package node

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// accessLog wraps next to log one line per request, at info on log: the operation (the X-Amz-Target's
// operation for the APIs, the path otherwise), the HTTP status, the fault answered, the latency and the
// request id, which is what the client's error message quotes. Without an access log (Config.AccessLog
// nil) the node does not wrap its handler, so that the log costs nothing when off.
//
// The wrapper hides the ResponseWriter's unexported methods from net/http: a body over --max-body then no
// longer marks the connection for closing by itself (http.MaxBytesReader), though net/http still closes
// it when the unread rest is large. The answer, 413, is the same.
func accessLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		op := r.URL.Path
		if t := r.Header.Get("X-Amz-Target"); t != "" && r.Method == http.MethodPost {
			op = t[strings.LastIndexByte(t, '.')+1:]
		}
		h := w.Header()
		//lint:ignore SA1008 awsjson sets these keys spelled as AWS spells them, not canonicalised.
		id, fault := h["x-amzn-RequestId"], h["X-Amzn-ErrorType"]
		attrs := make([]slog.Attr, 0, 7)
		attrs = append(attrs, slog.String("op", op), slog.Int("status", sw.status))
		if len(fault) > 0 {
			attrs = append(attrs, slog.String("fault", fault[0]))
		}
		attrs = append(attrs, slog.Duration("latency", time.Since(start)))
		if len(id) > 0 {
			attrs = append(attrs, slog.String("request_id", id[0]))
		}
		attrs = append(attrs, slog.String("remote", r.RemoteAddr))
		log.LogAttrs(context.Background(), slog.LevelInfo, "request", attrs...)
	})
}

// statusWriter records the status of the answer it passes on.
type statusWriter struct {
	http.ResponseWriter
	status int
}

// WriteHeader records code, the first time, and passes it on.
func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write passes b on; a body written without WriteHeader answers 200.
func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap gives http.ResponseController the writer underneath, for its deadlines and flushes.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
