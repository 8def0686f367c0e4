package swf

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/openswf/openswf"
)

func TestEpochIn_Decode(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Time
	}{
		{`1735689600`, time.Unix(1735689600, 0)},
		{`1735689600.123`, time.UnixMilli(1735689600123)},
		{`1735689600.1234`, time.UnixMilli(1735689600123)},
		{`1735689600.9999`, time.UnixMilli(1735689601000)},
		{`1.7356896E9`, time.Unix(1735689600, 0)},
		{`0`, time.Unix(0, 0)},
		{`-1.5`, time.UnixMilli(-1500)},
		{`1e300`, time.Unix(1e11, 0)},
		{`-1e300`, time.Unix(-1e11, 0)},
	} {
		var f timeFilter
		if err := json.Unmarshal([]byte(`{"oldestDate":`+tc.in+`}`), &f); err != nil {
			t.Errorf("decode %s: %v", tc.in, err)
			continue
		}
		if got := time.Time(*f.OldestDate); !got.Equal(tc.want) {
			t.Errorf("decode %s: got %v, want %v", tc.in, got, tc.want)
		}
		if f.LatestDate != nil {
			t.Errorf("decode %s: latestDate set", tc.in)
		}
	}
}

func TestVisibilityInput_OpenIgnoresClosedFilters(t *testing.T) {
	var in visibilityInput
	body := `{"domain":"d","startTimeFilter":{"oldestDate":1},"closeTimeFilter":{"oldestDate":2},
		"closeStatusFilter":{"status":"FAILED"},"tagFilter":{"tag":""},"typeFilter":{"name":"wf"}}`
	if err := json.Unmarshal([]byte(body), &in); err != nil {
		t.Fatal(err)
	}
	open := in.engine(true)
	if open.CloseTimeFilter != nil || open.CloseStatusFilter != nil {
		t.Errorf("open: closed-only filters passed on: %+v", open)
	}
	if open.TagFilter == nil || *open.TagFilter != "" || open.TypeFilter == nil || open.TypeFilter.Name != "wf" {
		t.Errorf("open: filters lost: %+v", open)
	}
	closed := in.engine(false)
	if closed.CloseTimeFilter == nil || !closed.CloseTimeFilter.Oldest.Equal(time.Unix(2, 0)) ||
		closed.CloseStatusFilter == nil || *closed.CloseStatusFilter != "FAILED" {
		t.Errorf("closed: filters lost: %+v", closed)
	}
}

func TestService_DomainOfARN(t *testing.T) {
	s := New(nil, Options{Region: "eu-west-1", Account: "123456789012"})
	name, err := s.domainOfARN("arn:aws:swf:eu-west-1:123456789012:/domain/orders")
	if err != nil || name != "orders" {
		t.Errorf("domainOfARN: got %q, %v; want orders", name, err)
	}
	for _, arn := range []string{
		"arn:aws:swf:us-east-1:123456789012:/domain/orders",
		"arn:aws:swf:eu-west-1:000000000000:/domain/orders",
		"arn:aws:swf:eu-west-1:123456789012:/domain/",
		"arn:aws:states:eu-west-1:123456789012:activity:orders",
		"orders",
		"",
	} {
		if _, err := s.domainOfARN(arn); openswf.KindOf(err) != openswf.KindUnknownResource {
			t.Errorf("domainOfARN(%q): got %v, want an unknown resource", arn, err)
		}
	}
}
