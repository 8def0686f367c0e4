package awsjson

import (
	"testing"
	"time"
)

func TestRateLimiter(t *testing.T) {
	now := time.Unix(1000, 0)
	l := NewRateLimiter(10, func() time.Time { return now })
	for i := range 10 {
		if !l.Allow("a") {
			t.Fatalf("request %d of the first second refused", i+1)
		}
	}
	if l.Allow("a") {
		t.Fatal("the 11th request of a second at 10/s was allowed")
	}
	if !l.Allow("b") {
		t.Fatal("another key shares a's bucket")
	}
	now = now.Add(100 * time.Millisecond) // one token back
	if !l.Allow("a") || l.Allow("a") {
		t.Fatal("after 100 ms at 10/s, exactly one more request is allowed")
	}
	now = now.Add(time.Hour) // the bucket refills to its burst, no more
	n := 0
	for l.Allow("a") {
		n++
	}
	if n != 10 {
		t.Fatalf("after a long pause %d requests were allowed, want the burst of 10", n)
	}
}
