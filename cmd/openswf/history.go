package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// historyValueWidth is how many characters of a string attribute a history line shows; --output json has
// them whole.
const historyValueWidth = 60

// historyEvent is an event of either API, as the compact lines read it: SWF's eventId, eventTimestamp and
// <type>EventAttributes; Step Functions' id, timestamp and <type>EventDetails.
type historyEvent struct {
	ID    int64
	Time  time.Time
	Type  string
	Attrs json.RawMessage
}

// decodeEvent reads raw, an event of SWF's (sfn false) or Step Functions' history.
func decodeEvent(raw json.RawMessage, sfn bool) (historyEvent, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return historyEvent{}, err
	}
	var e historyEvent
	var ts epoch
	idKey, timeKey, typeKey, attrSuffix := "eventId", "eventTimestamp", "eventType", "EventAttributes"
	if sfn {
		idKey, timeKey, typeKey, attrSuffix = "id", "timestamp", "type", "EventDetails"
	}
	if err := json.Unmarshal(m[idKey], &e.ID); err != nil {
		return e, fmt.Errorf("%s: %w", idKey, err)
	}
	_ = json.Unmarshal(m[timeKey], &ts)
	_ = json.Unmarshal(m[typeKey], &e.Type)
	e.Time = ts.Time()
	for k, v := range m {
		if strings.HasSuffix(k, attrSuffix) {
			e.Attrs = v
		}
	}
	return e, nil
}

// writeHistory writes events one a line, as the tests' golden histories are written, with the time since
// the first event: `5  +0.012s  ActivityTaskScheduled  {"activityId":"a",…}`. Attributes are compact
// JSON, keys sorted, long strings cut.
func writeHistory(w io.Writer, events []historyEvent) error {
	tw := newTable(w)
	var start time.Time
	if len(events) > 0 {
		start = events[0].Time
	}
	for _, e := range events {
		attrs := compactAttrs(e.Attrs)
		fmt.Fprintf(tw, "%d\t+%s\t%s\t%s\n", e.ID, offset(e.Time.Sub(start)), e.Type, attrs)
	}
	return tw.Flush()
}

// offset writes the time since the first event to the millisecond.
func offset(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%.3fs", d.Seconds())
	}
	return d.Round(time.Millisecond).String()
}

// compactAttrs writes an event's attributes as one line of JSON with sorted keys, strings cut at
// historyValueWidth.
func compactAttrs(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return truncate(string(raw), historyValueWidth)
	}
	v = cutStrings(v)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return truncate(string(raw), historyValueWidth)
	}
	s := strings.TrimSpace(buf.String())
	if s == "{}" {
		return ""
	}
	return s
}

func cutStrings(v any) any {
	switch v := v.(type) {
	case string:
		return truncate(v, historyValueWidth)
	case map[string]any:
		for k, x := range v {
			v[k] = cutStrings(x)
		}
	case []any:
		for i, x := range v {
			v[i] = cutStrings(x)
		}
	}
	return v
}

func (in *inspector) history(ctx context.Context, args []string) error {
	fs, g := in.flagSet("history", "history --domain D <workflowId> [runId]\n\n"+
		"Prints a run's history one event a line: id, time since the first event, type, attributes (long strings cut;\n"+
		"--output json has the events whole). Without a run id: the open run, else the closed run that started last.")
	domain := fs.String("domain", "", "the SWF domain (required)")
	pos, err := in.parse(fs, g, args)
	if err != nil {
		return err
	}
	c, run, err := in.runOf(ctx, g, "history", pos, *domain)
	if err != nil {
		return err
	}
	merged, items, err := c.pages(ctx, serviceSWF, "GetWorkflowExecutionHistory",
		map[string]any{"domain": *domain, "execution": run, "maximumPageSize": 1000}, "events", "nextPageToken", 0, nil)
	if err != nil {
		return err
	}
	if g.output == "json" {
		return in.writeJSON(merged)
	}
	return in.writeEvents(items, false)
}

// writeEvents decodes raw events of one API and writes them as compact lines.
func (in *inspector) writeEvents(items []json.RawMessage, sfn bool) error {
	events := make([]historyEvent, 0, len(items))
	for _, raw := range items {
		e, err := decodeEvent(raw, sfn)
		if err != nil {
			return fmt.Errorf("decode an event: %w", err)
		}
		events = append(events, e)
	}
	slices.SortStableFunc(events, func(a, b historyEvent) int { return cmp.Compare(a.ID, b.ID) })
	return writeHistory(in.out, events)
}
