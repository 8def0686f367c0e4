package e2e

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"

	"github.com/openswf/openswf/openswftest"
	"github.com/openswf/openswf/postgres/pgtest"
)

// TestCluster_TaskScheduledOnOneNodeReachesPollerOnAnother runs two in-process nodes on one PostgreSQL
// database, parks a decider's long poll on node B, starts a run through node A, and checks that the
// decision task reaches the poller on B at once: the poll hold is 20 s, so a poller that heard nothing
// would answer empty after it. The latencies are logged; their p99 is measured by the bench.
func TestCluster_TaskScheduledOnOneNodeReachesPollerOnAnother(t *testing.T) {
	db := pgtest.Schema(t)
	a := openswftest.New(t, openswftest.Options{DB: db, PollHold: 20 * time.Second})
	b := openswftest.New(t, openswftest.Options{DB: db, PollHold: 20 * time.Second})
	ca, cb := newClient(a.URL), newClient(b.URL)
	clusterRegister(t, ca)

	const rounds = 20
	var lat []time.Duration
	for i := range rounds {
		got := make(chan time.Time, 1)
		errc := make(chan error, 1)
		go func() {
			out, err := cb.PollForDecisionTask(t.Context(), &swf.PollForDecisionTaskInput{Domain: aws.String(clusterDomain),
				TaskList: &types.TaskList{Name: aws.String(clusterDecisions)}})
			if err != nil {
				errc <- err
				return
			}
			if aws.ToString(out.TaskToken) == "" {
				errc <- fmt.Errorf("poll on node B answered empty")
				return
			}
			got <- time.Now()
		}()
		time.Sleep(200 * time.Millisecond) // the poll is parked on B, its list empty
		sent := time.Now()
		clusterStart(t, ca, fmt.Sprintf("match-%02d", i))
		select {
		case at := <-got:
			lat = append(lat, at.Sub(sent))
		case err := <-errc:
			t.Fatalf("round %d: %v", i, err)
		case <-time.After(5 * time.Second):
			t.Fatalf("round %d: the decision task scheduled through node A did not reach the poller on node B in 5 s", i)
		}
	}
	slices.Sort(lat)
	t.Logf("start through A to task on B: p50 %v, max %v over %d rounds", lat[len(lat)/2], lat[len(lat)-1], rounds)
}
