package e2e

import (
	"flag"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"

	"github.com/openswf/openswf/openswftest"
	"github.com/openswf/openswf/postgres/pgtest"
)

// matchRounds is how many tasks TestCluster_TaskScheduledOnOneNodeReachesPollerOnAnother hands across:
// more give its logged p99 meaning (go test ./e2e -run TaskScheduledOnOneNode -match-rounds 300 -v).
var matchRounds = flag.Int("match-rounds", 20, "tasks handed from one node to a poller on another in the cross-node matching test")

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

	rounds := *matchRounds
	var lat []time.Duration
	for i := range rounds {
		id := fmt.Sprintf("match-%03d", i)
		got := make(chan time.Time, 1)
		errc := make(chan error, 1)
		go func() {
			out, err := cb.PollForDecisionTask(t.Context(), &swf.PollForDecisionTaskInput{Domain: aws.String(clusterDomain),
				TaskList: &types.TaskList{Name: aws.String(clusterDecisions)}})
			at := time.Now()
			switch {
			case err != nil:
				errc <- err
			case aws.ToString(out.TaskToken) == "":
				errc <- fmt.Errorf("poll on node B answered empty")
			case aws.ToString(out.WorkflowExecution.WorkflowId) != id:
				errc <- fmt.Errorf("poll on node B got %s's task, want %s's", aws.ToString(out.WorkflowExecution.WorkflowId), id)
			default:
				// Closed at once, so that no decision task of this run comes back later.
				_, err = cb.RespondDecisionTaskCompleted(t.Context(), &swf.RespondDecisionTaskCompletedInput{TaskToken: out.TaskToken,
					Decisions: []types.Decision{{DecisionType: types.DecisionTypeCompleteWorkflowExecution}}})
				if err != nil {
					errc <- err
					return
				}
				got <- at
			}
		}()
		time.Sleep(100 * time.Millisecond) // the poll is parked on B, its list empty
		sent := time.Now()
		clusterStart(t, ca, id)
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
	t.Logf("start through A to task on B: p50 %v, p99 %v, max %v over %d rounds", lat[len(lat)/2], lat[len(lat)*99/100],
		lat[len(lat)-1], rounds)
}

// TestCluster_RegistryChangeReachesOtherNode deprecates a domain and a workflow type through node A after
// node B has read (and cached) them, and checks that node B refuses starts a moment later, well before its
// registry cache would have expired (2 s): the change's notice dropped B's copy.
func TestCluster_RegistryChangeReachesOtherNode(t *testing.T) {
	db := pgtest.Schema(t)
	a := openswftest.New(t, openswftest.Options{DB: db})
	b := openswftest.New(t, openswftest.Options{DB: db})
	ca, cb := newClient(a.URL), newClient(b.URL)
	clusterRegister(t, ca)
	clusterStart(t, cb, "warm-1") // B reads and caches the domain and the type

	if _, err := ca.DeprecateWorkflowType(t.Context(), &swf.DeprecateWorkflowTypeInput{Domain: aws.String(clusterDomain),
		WorkflowType: &types.WorkflowType{Name: aws.String(clusterWFType), Version: aws.String("1")}}); err != nil {
		t.Fatalf("DeprecateWorkflowType through A: %v", err)
	}
	time.Sleep(200 * time.Millisecond)
	_, err := cb.StartWorkflowExecution(t.Context(), &swf.StartWorkflowExecutionInput{Domain: aws.String(clusterDomain),
		WorkflowId: aws.String("after-type"), WorkflowType: &types.WorkflowType{Name: aws.String(clusterWFType), Version: aws.String("1")}})
	wantAPIError(t, "StartWorkflowExecution through B of a type deprecated through A", err, "TypeDeprecatedFault")

	if _, err := ca.DeprecateDomain(t.Context(), &swf.DeprecateDomainInput{Name: aws.String(clusterDomain)}); err != nil {
		t.Fatalf("DeprecateDomain through A: %v", err)
	}
	time.Sleep(200 * time.Millisecond)
	_, err = cb.RegisterActivityType(t.Context(), &swf.RegisterActivityTypeInput{Domain: aws.String(clusterDomain),
		Name: aws.String("late"), Version: aws.String("1")})
	ae := wantAPIError(t, "RegisterActivityType through B in a domain deprecated through A", err, "UnknownResourceFault")
	if !strings.Contains(ae.ErrorMessage(), "deprecated") {
		t.Errorf("RegisterActivityType through B in a domain deprecated through A: %q, want it to say the domain is deprecated", ae.ErrorMessage())
	}
}
