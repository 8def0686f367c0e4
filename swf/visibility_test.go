package swf

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/openswf/openswf/awsjson"
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

func TestVisibilityInput_ClosedFiltersReachTheEngine(t *testing.T) {
	var in listClosedInput
	body := `{"domain":"d","startTimeFilter":{"oldestDate":1},"closeTimeFilter":{"oldestDate":2},
		"closeStatusFilter":{"status":"FAILED"},"tagFilter":{"tag":""},"typeFilter":{"name":"wf"},
		"maximumPageSize":7,"reverseOrder":true,"nextPageToken":"p"}`
	if err := awsjson.DecodeInput([]byte(body), &in); err != nil {
		t.Fatal(err)
	}
	got := in.page(in.engine())
	if got.TagFilter == nil || *got.TagFilter != "" || got.TypeFilter == nil || got.TypeFilter.Name != "wf" ||
		got.StartTimeFilter == nil || !got.StartTimeFilter.Oldest.Equal(time.Unix(1, 0)) {
		t.Errorf("filters lost: %+v", got)
	}
	if got.CloseTimeFilter == nil || !got.CloseTimeFilter.Oldest.Equal(time.Unix(2, 0)) ||
		got.CloseStatusFilter == nil || *got.CloseStatusFilter != "FAILED" {
		t.Errorf("closed filters lost: %+v", got)
	}
	if got.PageSize != 7 || !got.Reverse || got.NextPageToken != "p" {
		t.Errorf("paging lost: %+v", got)
	}
}
