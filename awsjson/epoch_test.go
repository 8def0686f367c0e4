package awsjson

import (
	"testing"
	"time"
)

func TestAppendEpoch(t *testing.T) {
	for _, tc := range []struct {
		ms   int64
		want string
	}{
		{0, "0"}, {1000, "1"}, {1500, "1.5"}, {1050, "1.05"}, {1001, "1.001"}, {1230, "1.23"},
		{1764689000123, "1764689000.123"}, {-1, "-0.001"}, {-1500, "-1.5"},
	} {
		if got := string(AppendEpoch(nil, time.UnixMilli(tc.ms))); got != tc.want {
			t.Errorf("AppendEpoch(%d ms) = %s, want %s", tc.ms, got, tc.want)
		}
	}
}
