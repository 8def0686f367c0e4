package engine

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"github.com/openswf/openswf"
)

// purposeVisibility seals the page tokens of ListOpen/ListClosedWorkflowExecutions.
const purposeVisibility byte = 'v'

const (
	// maxCount is the most executions Count*WorkflowExecutions counts before it answers truncated: SWF's
	// quota of open executions per domain, so that open counts are never truncated.
	maxCount = 100000
	// pageTokenLifetime is how long a page token of an execution list stays valid, as SWF documents.
	pageTokenLifetime = 24 * time.Hour
)

// TimeFilter is an ExecutionTimeFilter: runs whose start or close time lies between Oldest and Latest,
// both inclusive; a zero Latest leaves the range open. Times compare to the millisecond, the precision
// of the wire.
type TimeFilter struct {
	Oldest time.Time
	Latest time.Time
}

// VisibilityInput is the input of ListOpenWorkflowExecutions, ListClosedWorkflowExecutions and their Count
// counterparts. A nil filter is absent.
type VisibilityInput struct {
	Domain          string
	StartTimeFilter *TimeFilter
	// CloseTimeFilter and CloseStatusFilter are for closed executions only.
	CloseTimeFilter *TimeFilter
	// ExecutionFilter is the workflow id of executionFilter.
	ExecutionFilter *string
	// TypeFilter selects a workflow type; an empty Version selects every version.
	TypeFilter *openswf.WorkflowType
	// TagFilter is the tag of tagFilter.
	TagFilter         *string
	CloseStatusFilter *string
	// Paging, for the lists only.
	NextPageToken string
	PageSize      int
	Reverse       bool
}

// closeStatuses are the values of closeStatusFilter.status.
var closeStatuses = map[string]bool{
	openswf.CloseCompleted: true, openswf.CloseFailed: true, openswf.CloseCanceled: true,
	openswf.CloseTerminated: true, openswf.CloseContinuedAsNew: true, openswf.CloseTimedOut: true,
}

// ListExecutions lists the open (or closed) executions of a domain that the filters select, a page at a
// time, newest first unless in.Reverse: by start time, or, for closed executions listed with a
// closeTimeFilter, by close time.
func (e *Engine) ListExecutions(ctx context.Context, open bool, in VisibilityInput) ([]*openswf.Execution, string, error) {
	q, err := e.executionQuery(ctx, open, in)
	if err != nil {
		return nil, "", err
	}
	q.Reverse = in.Reverse
	digest := queryDigest(q)
	if in.NextPageToken != "" {
		after, err := e.openVisibilityToken(in.NextPageToken, digest)
		if err != nil {
			return nil, "", err
		}
		q.After = after
	}
	limit := pageSize(in.PageSize)
	q.Limit = limit + 1
	xs, err := e.store.ListExecutions(ctx, q)
	if err != nil {
		return nil, "", fmt.Errorf("list executions: %w", err)
	}
	next := ""
	if len(xs) > limit {
		xs = xs[:limit]
		last := xs[limit-1]
		at := last.StartedAt
		if q.ByCloseTime {
			at = last.ClosedAt
		}
		next = e.sealVisibilityToken(digest, openswf.ExecutionCursor{Time: at, RunID: last.RunID})
	}
	return xs, next, nil
}

// CountExecutions counts the open (or closed) executions of a domain that the filters select; truncated
// reports that there were more than it counts. The paging members of in are ignored.
func (e *Engine) CountExecutions(ctx context.Context, open bool, in VisibilityInput) (count int, truncated bool, err error) {
	q, err := e.executionQuery(ctx, open, in)
	if err != nil {
		return 0, false, err
	}
	q.Limit = maxCount + 1
	n, err := e.store.CountExecutions(ctx, q)
	if err != nil {
		return 0, false, fmt.Errorf("count executions: %w", err)
	}
	if n > maxCount {
		return maxCount, true, nil
	}
	return n, false, nil
}

// executionQuery checks the filters as SWF's model documents them and turns them into a store query
// without paging.
func (e *Engine) executionQuery(ctx context.Context, open bool, in VisibilityInput) (openswf.ExecutionQuery, error) {
	q := openswf.ExecutionQuery{Domain: in.Domain, Open: open}
	switch {
	case open && in.StartTimeFilter == nil:
		return q, absent("startTimeFilter", "Member must not be null")
	case open && in.CloseTimeFilter != nil:
		return q, validation("closeTimeFilter applies to closed executions only")
	case open && in.CloseStatusFilter != nil:
		return q, validation("closeStatusFilter applies to closed executions only")
	case !open && in.StartTimeFilter != nil && in.CloseTimeFilter != nil:
		return q, validation("startTimeFilter and closeTimeFilter are mutually exclusive: specify one of them, not both")
	case !open && in.StartTimeFilter == nil && in.CloseTimeFilter == nil:
		return q, validation("Either startTimeFilter or closeTimeFilter must be specified")
	}
	var set []string
	if in.ExecutionFilter != nil {
		set = append(set, "executionFilter")
	}
	if in.TypeFilter != nil {
		set = append(set, "typeFilter")
	}
	if in.TagFilter != nil {
		set = append(set, "tagFilter")
	}
	if in.CloseStatusFilter != nil {
		set = append(set, "closeStatusFilter")
	}
	if len(set) > 1 {
		all := "executionFilter, typeFilter and tagFilter"
		if !open {
			all = "closeStatusFilter, executionFilter, typeFilter and tagFilter"
		}
		return q, validation("%s are mutually exclusive: specify at most one of them (got %s)", all, strings.Join(set, " and "))
	}

	if f := in.StartTimeFilter; f != nil {
		q.StartTime = timeRange(f)
	}
	if f := in.CloseTimeFilter; f != nil {
		q.CloseTime = timeRange(f)
		q.ByCloseTime = true
	}
	if in.ExecutionFilter != nil {
		if *in.ExecutionFilter == "" {
			return q, invalid("executionFilter.workflowId", "", "Member must have length greater than or equal to 1")
		}
		q.WorkflowID = *in.ExecutionFilter
	}
	if f := in.TypeFilter; f != nil {
		if f.Name == "" {
			return q, invalid("typeFilter.name", "", "Member must have length greater than or equal to 1")
		}
		q.TypeName, q.TypeVersion = f.Name, f.Version
	}
	if in.TagFilter != nil {
		tag := *in.TagFilter
		q.Tag = &tag
	}
	if in.CloseStatusFilter != nil {
		if !closeStatuses[*in.CloseStatusFilter] {
			return q, invalid("closeStatusFilter.status", *in.CloseStatusFilter,
				"Member must satisfy enum value set: [COMPLETED, FAILED, CANCELED, TERMINATED, CONTINUED_AS_NEW, TIMED_OUT]")
		}
		q.CloseStatus = *in.CloseStatusFilter
	}
	if _, err := e.DescribeDomain(ctx, in.Domain); err != nil {
		return q, err
	}
	return q, nil
}

// timeRange turns a filter into the store's range at millisecond precision: from the start of Oldest's
// millisecond to the end of Latest's.
func timeRange(f *TimeFilter) openswf.TimeRange {
	r := openswf.TimeRange{Oldest: f.Oldest.Truncate(time.Millisecond)}
	if !f.Latest.IsZero() {
		r.Latest = f.Latest.Truncate(time.Millisecond).Add(time.Millisecond - time.Nanosecond)
	}
	return r
}

// queryDigest fingerprints everything of a list query but its cursor and limit, so that a page token
// only continues the list it came from.
func queryDigest(q openswf.ExecutionQuery) []byte {
	h := sha256.New()
	var b []byte
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	flag := func(v bool) {
		if v {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	}
	tm := func(t time.Time) {
		flag(t.IsZero())
		b = binary.BigEndian.AppendUint64(b, uint64(t.UnixNano()))
	}
	str(q.Domain)
	flag(q.Open)
	flag(q.ByCloseTime)
	flag(q.Reverse)
	tm(q.StartTime.Oldest)
	tm(q.StartTime.Latest)
	tm(q.CloseTime.Oldest)
	tm(q.CloseTime.Latest)
	str(q.WorkflowID)
	str(q.TypeName)
	str(q.TypeVersion)
	flag(q.Tag != nil)
	if q.Tag != nil {
		str(*q.Tag)
	}
	str(q.CloseStatus)
	h.Write(b)
	return h.Sum(nil)[:8]
}

// A visibility page token's payload: issued (Unix seconds, 8 bytes) | query digest (8) | cursor time
// (Unix nanoseconds, 8) | cursor run id.
func (e *Engine) sealVisibilityToken(digest []byte, c openswf.ExecutionCursor) string {
	p := make([]byte, 0, 24+len(c.RunID))
	p = binary.BigEndian.AppendUint64(p, uint64(e.clock.Now().Unix()))
	p = append(p, digest...)
	p = binary.BigEndian.AppendUint64(p, uint64(c.Time.UnixNano()))
	p = append(p, c.RunID...)
	return e.tokens.seal(purposeVisibility, p)
}

func (e *Engine) openVisibilityToken(token string, digest []byte) (*openswf.ExecutionCursor, error) {
	p, err := e.tokens.open(purposeVisibility, token)
	if err != nil || len(p) <= 24 || string(p[8:16]) != string(digest) {
		return nil, validation("Invalid nextPageToken: it was altered, or was returned for a request with other arguments")
	}
	issued := time.Unix(int64(binary.BigEndian.Uint64(p[:8])), 0)
	if e.clock.Now().Sub(issued) > pageTokenLifetime {
		return nil, validation("Specified token has exceeded its maximum lifetime")
	}
	at := time.Unix(0, int64(binary.BigEndian.Uint64(p[16:24])))
	return &openswf.ExecutionCursor{Time: at, RunID: string(p[24:])}, nil
}

// ListAllExecutions lists the open and the closed executions the filters select as one list, by start time
// then run id, newest first unless in.Reverse, a page at a time (Step Functions lists a state machine's
// executions so). The filters of closed executions (close time, close status) do not apply. Both lists are
// read from one keyset cursor, which orders them the same way, and merged.
func (e *Engine) ListAllExecutions(ctx context.Context, in VisibilityInput) ([]*openswf.Execution, string, error) {
	if in.CloseTimeFilter != nil || in.CloseStatusFilter != nil {
		return nil, "", validation("closeTimeFilter and closeStatusFilter apply to closed executions only")
	}
	qo, err := e.executionQuery(ctx, true, in)
	if err != nil {
		return nil, "", err
	}
	qc, err := e.executionQuery(ctx, false, in)
	if err != nil {
		return nil, "", err
	}
	qo.Reverse, qc.Reverse = in.Reverse, in.Reverse
	// The digest of the open query, marked, so that a token of one kind of list opens no other.
	sum := sha256.Sum256(append(queryDigest(qo), "all"...))
	digest := sum[:8]
	if in.NextPageToken != "" {
		after, err := e.openVisibilityToken(in.NextPageToken, digest)
		if err != nil {
			return nil, "", err
		}
		qo.After, qc.After = after, after
	}
	limit := pageSize(in.PageSize)
	qo.Limit, qc.Limit = limit+1, limit+1
	open, err := e.store.ListExecutions(ctx, qo)
	if err != nil {
		return nil, "", fmt.Errorf("list open executions: %w", err)
	}
	closed, err := e.store.ListExecutions(ctx, qc)
	if err != nil {
		return nil, "", fmt.Errorf("list closed executions: %w", err)
	}
	// first reports whether a comes before b in the list's order.
	first := func(a, b *openswf.Execution) bool {
		ta, tb := a.StartedAt.UnixNano(), b.StartedAt.UnixNano()
		if ta != tb {
			return (ta > tb) != in.Reverse
		}
		return (a.RunID > b.RunID) != in.Reverse
	}
	xs := make([]*openswf.Execution, 0, min(limit+1, len(open)+len(closed)))
	for len(xs) <= limit && (len(open) > 0 || len(closed) > 0) {
		if len(closed) == 0 || (len(open) > 0 && first(open[0], closed[0])) {
			xs, open = append(xs, open[0]), open[1:]
		} else {
			xs, closed = append(xs, closed[0]), closed[1:]
		}
	}
	next := ""
	if len(xs) > limit {
		xs = xs[:limit]
		last := xs[limit-1]
		next = e.sealVisibilityToken(digest, openswf.ExecutionCursor{Time: last.StartedAt, RunID: last.RunID})
	}
	return xs, next, nil
}
