package e2e

import (
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"
)

// visEnv is an env with runs to list: open-0 … open-4 (wf/1; the even ones tagged "even", open-1 also
// "one"), open-v2 (wf/2, tagged "v2"), done-c (completed), done-t1 and done-t2 (terminated).
type visEnv struct {
	*env
	since time.Time
	runs  map[string]string // workflow id → run id
}

func newVisEnv(t *testing.T, domain string) *visEnv {
	t.Helper()
	e := &visEnv{env: newEnv(t, domain, defaultHold), since: time.Now().Add(-time.Minute), runs: map[string]string{}}
	ctx := t.Context()
	if _, err := e.c.RegisterWorkflowType(ctx, &swf.RegisterWorkflowTypeInput{
		Domain: aws.String(domain), Name: aws.String("wf"), Version: aws.String("2"),
		DefaultTaskList:                     &types.TaskList{Name: aws.String(decisionList)},
		DefaultExecutionStartToCloseTimeout: aws.String("300"),
		DefaultTaskStartToCloseTimeout:      aws.String("30"),
		DefaultChildPolicy:                  types.ChildPolicyTerminate,
	}); err != nil {
		t.Fatalf("RegisterWorkflowType(wf/2): %v", err)
	}
	// The run to complete goes first, alone on the decision task list, so that the decider takes its task.
	done := e.start("done-c")
	e.decide(e.pollDecision().TaskToken, types.Decision{DecisionType: types.DecisionTypeCompleteWorkflowExecution,
		CompleteWorkflowExecutionDecisionAttributes: &types.CompleteWorkflowExecutionDecisionAttributes{}})
	e.runs["done-c"] = aws.ToString(done.RunId)
	for _, id := range []string{"done-t1", "done-t2"} {
		x := e.start(id)
		if _, err := e.c.TerminateWorkflowExecution(ctx, &swf.TerminateWorkflowExecutionInput{
			Domain: aws.String(domain), WorkflowId: aws.String(id), Reason: aws.String("test"),
		}); err != nil {
			t.Fatalf("TerminateWorkflowExecution(%s): %v", id, err)
		}
		e.runs[id] = aws.ToString(x.RunId)
	}
	for i := range 5 {
		id := fmt.Sprintf("open-%d", i)
		x := e.start(id, func(in *swf.StartWorkflowExecutionInput) {
			if i%2 == 0 {
				in.TagList = append(in.TagList, "even")
			}
			if i == 1 {
				in.TagList = append(in.TagList, "one")
			}
		})
		e.runs[id] = aws.ToString(x.RunId)
	}
	x := e.start("open-v2", func(in *swf.StartWorkflowExecutionInput) {
		in.WorkflowType = &types.WorkflowType{Name: aws.String("wf"), Version: aws.String("2")}
		in.TagList = []string{"v2"}
	})
	e.runs["open-v2"] = aws.ToString(x.RunId)
	return e
}

func (e *visEnv) window() *types.ExecutionTimeFilter {
	return &types.ExecutionTimeFilter{OldestDate: aws.Time(e.since), LatestDate: aws.Time(time.Now().Add(time.Minute))}
}

// ids checks the infos against the runs started and returns their workflow ids, sorted.
func (e *visEnv) ids(infos []types.WorkflowExecutionInfo) []string {
	e.t.Helper()
	var out []string
	for _, in := range infos {
		id := aws.ToString(in.Execution.WorkflowId)
		if e.runs[id] != aws.ToString(in.Execution.RunId) {
			e.t.Fatalf("listed run %s/%s was not started by the test", id, aws.ToString(in.Execution.RunId))
		}
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// wantOrdered fails unless infos are in descending (or, when ascending, ascending) order of the time key
// picks.
func wantOrdered(t *testing.T, what string, infos []types.WorkflowExecutionInfo, key func(types.WorkflowExecutionInfo) time.Time, ascending bool) {
	t.Helper()
	for i := 1; i < len(infos); i++ {
		a, b := key(infos[i-1]), key(infos[i])
		if (ascending && a.After(b)) || (!ascending && a.Before(b)) {
			t.Errorf("%s: %s at %v listed before %s at %v", what, aws.ToString(infos[i-1].Execution.WorkflowId), a,
				aws.ToString(infos[i].Execution.WorkflowId), b)
		}
	}
}

func startKey(in types.WorkflowExecutionInfo) time.Time { return aws.ToTime(in.StartTimestamp) }
func closeKey(in types.WorkflowExecutionInfo) time.Time { return aws.ToTime(in.CloseTimestamp) }

func TestSWF_ListOpenWorkflowExecutions(t *testing.T) {
	t.Parallel()
	e := newVisEnv(t, "e2e-visibility-open")
	ctx := t.Context()
	allOpen := []string{"open-0", "open-1", "open-2", "open-3", "open-4", "open-v2"}

	for _, tc := range []struct {
		name string
		set  func(*swf.ListOpenWorkflowExecutionsInput)
		want []string
	}{
		{"All", nil, allOpen},
		{"Execution", func(in *swf.ListOpenWorkflowExecutionsInput) {
			in.ExecutionFilter = &types.WorkflowExecutionFilter{WorkflowId: aws.String("open-3")}
		}, []string{"open-3"}},
		{"ExecutionOfClosedRun", func(in *swf.ListOpenWorkflowExecutionsInput) {
			in.ExecutionFilter = &types.WorkflowExecutionFilter{WorkflowId: aws.String("done-c")}
		}, nil},
		{"TypeName", func(in *swf.ListOpenWorkflowExecutionsInput) {
			in.TypeFilter = &types.WorkflowTypeFilter{Name: aws.String("wf")}
		}, allOpen},
		{"TypeVersion", func(in *swf.ListOpenWorkflowExecutionsInput) {
			in.TypeFilter = &types.WorkflowTypeFilter{Name: aws.String("wf"), Version: aws.String("2")}
		}, []string{"open-v2"}},
		{"Tag", func(in *swf.ListOpenWorkflowExecutionsInput) {
			in.TagFilter = &types.TagFilter{Tag: aws.String("even")}
		}, []string{"open-0", "open-2", "open-4"}},
		{"FutureWindow", func(in *swf.ListOpenWorkflowExecutionsInput) {
			in.StartTimeFilter = &types.ExecutionTimeFilter{OldestDate: aws.Time(time.Now().Add(time.Hour))}
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := &swf.ListOpenWorkflowExecutionsInput{Domain: aws.String(e.domain), StartTimeFilter: e.window()}
			if tc.set != nil {
				tc.set(in)
			}
			out, err := e.c.ListOpenWorkflowExecutions(ctx, in)
			if err != nil {
				t.Fatalf("ListOpenWorkflowExecutions: %v", err)
			}
			if got := e.ids(out.ExecutionInfos); !slices.Equal(got, tc.want) {
				t.Errorf("ListOpenWorkflowExecutions: got %v, want %v", got, tc.want)
			}
			if out.NextPageToken != nil {
				t.Errorf("ListOpenWorkflowExecutions: a next page token on the only page")
			}
			wantOrdered(t, "default order", out.ExecutionInfos, startKey, false)
			for _, info := range out.ExecutionInfos {
				equal(t, "executionStatus", info.ExecutionStatus, types.ExecutionStatusOpen)
				if info.CloseTimestamp != nil {
					t.Errorf("open run %s has a closeTimestamp", aws.ToString(info.Execution.WorkflowId))
				}
			}

			cin := &swf.CountOpenWorkflowExecutionsInput{Domain: in.Domain, StartTimeFilter: in.StartTimeFilter,
				ExecutionFilter: in.ExecutionFilter, TypeFilter: in.TypeFilter, TagFilter: in.TagFilter}
			count, err := e.c.CountOpenWorkflowExecutions(ctx, cin)
			if err != nil {
				t.Fatalf("CountOpenWorkflowExecutions: %v", err)
			}
			equal(t, "count", count.Count, int32(len(tc.want)))
			equal(t, "truncated", count.Truncated, false)
		})
	}

	// What a listed run carries.
	out, err := e.c.ListOpenWorkflowExecutions(ctx, &swf.ListOpenWorkflowExecutionsInput{Domain: aws.String(e.domain),
		StartTimeFilter: e.window(), TagFilter: &types.TagFilter{Tag: aws.String("one")}})
	if err != nil {
		t.Fatalf("ListOpenWorkflowExecutions: %v", err)
	}
	if len(out.ExecutionInfos) != 1 {
		t.Fatalf("ListOpenWorkflowExecutions(tag one): got %d runs", len(out.ExecutionInfos))
	}
	info := out.ExecutionInfos[0]
	equal(t, "workflowType.name", aws.ToString(info.WorkflowType.Name), "wf")
	equal(t, "workflowType.version", aws.ToString(info.WorkflowType.Version), "1")
	if !slices.Equal(info.TagList, []string{"one"}) {
		t.Errorf("tagList: got %v, want [one]", info.TagList)
	}
	if ts := aws.ToTime(info.StartTimestamp); ts.Before(e.since) || ts.After(time.Now()) {
		t.Errorf("startTimestamp: got %v", ts)
	}

	// Pagination through the SDK's paginator, both ways.
	for _, reverse := range []bool{false, true} {
		p := swf.NewListOpenWorkflowExecutionsPaginator(e.c, &swf.ListOpenWorkflowExecutionsInput{
			Domain: aws.String(e.domain), StartTimeFilter: e.window(), ReverseOrder: reverse,
		}, func(o *swf.ListOpenWorkflowExecutionsPaginatorOptions) { o.Limit = 4 })
		var all []types.WorkflowExecutionInfo
		pages := 0
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatalf("NextPage: %v", err)
			}
			if len(page.ExecutionInfos) > 4 {
				t.Errorf("page of %d, want at most 4", len(page.ExecutionInfos))
			}
			pages++
			all = append(all, page.ExecutionInfos...)
		}
		equal(t, fmt.Sprintf("pages (reverse %v)", reverse), pages, 2)
		if got := e.ids(all); !slices.Equal(got, allOpen) {
			t.Errorf("paginated (reverse %v): got %v, want %v", reverse, got, allOpen)
		}
		wantOrdered(t, fmt.Sprintf("paginated order (reverse %v)", reverse), all, startKey, reverse)
	}
}

func TestSWF_ListClosedWorkflowExecutions(t *testing.T) {
	t.Parallel()
	e := newVisEnv(t, "e2e-visibility-closed")
	ctx := t.Context()
	allClosed := []string{"done-c", "done-t1", "done-t2"}

	for _, tc := range []struct {
		name    string
		byClose bool
		set     func(*swf.ListClosedWorkflowExecutionsInput)
		want    []string
	}{
		{"ByStart", false, nil, allClosed},
		{"ByClose", true, nil, allClosed},
		{"Execution", true, func(in *swf.ListClosedWorkflowExecutionsInput) {
			in.ExecutionFilter = &types.WorkflowExecutionFilter{WorkflowId: aws.String("done-t2")}
		}, []string{"done-t2"}},
		{"Completed", false, func(in *swf.ListClosedWorkflowExecutionsInput) {
			in.CloseStatusFilter = &types.CloseStatusFilter{Status: types.CloseStatusCompleted}
		}, []string{"done-c"}},
		{"Terminated", true, func(in *swf.ListClosedWorkflowExecutionsInput) {
			in.CloseStatusFilter = &types.CloseStatusFilter{Status: types.CloseStatusTerminated}
		}, []string{"done-t1", "done-t2"}},
		{"TimedOut", true, func(in *swf.ListClosedWorkflowExecutionsInput) {
			in.CloseStatusFilter = &types.CloseStatusFilter{Status: types.CloseStatusTimedOut}
		}, nil},
		{"Type", false, func(in *swf.ListClosedWorkflowExecutionsInput) {
			in.TypeFilter = &types.WorkflowTypeFilter{Name: aws.String("wf"), Version: aws.String("1")}
		}, allClosed},
		{"OtherType", false, func(in *swf.ListClosedWorkflowExecutionsInput) {
			in.TypeFilter = &types.WorkflowTypeFilter{Name: aws.String("wf"), Version: aws.String("2")}
		}, nil},
		{"Tag", false, func(in *swf.ListClosedWorkflowExecutionsInput) {
			in.TagFilter = &types.TagFilter{Tag: aws.String("even")}
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := &swf.ListClosedWorkflowExecutionsInput{Domain: aws.String(e.domain)}
			key := startKey
			if tc.byClose {
				in.CloseTimeFilter = e.window()
				key = closeKey
			} else {
				in.StartTimeFilter = e.window()
			}
			if tc.set != nil {
				tc.set(in)
			}
			out, err := e.c.ListClosedWorkflowExecutions(ctx, in)
			if err != nil {
				t.Fatalf("ListClosedWorkflowExecutions: %v", err)
			}
			if got := e.ids(out.ExecutionInfos); !slices.Equal(got, tc.want) {
				t.Errorf("ListClosedWorkflowExecutions: got %v, want %v", got, tc.want)
			}
			wantOrdered(t, "default order", out.ExecutionInfos, key, false)
			for _, info := range out.ExecutionInfos {
				equal(t, "executionStatus", info.ExecutionStatus, types.ExecutionStatusClosed)
				if info.CloseTimestamp == nil || info.CloseStatus == "" {
					t.Errorf("closed run %s: closeTimestamp %v, closeStatus %q", aws.ToString(info.Execution.WorkflowId),
						info.CloseTimestamp, info.CloseStatus)
				}
			}
			count, err := e.c.CountClosedWorkflowExecutions(ctx, &swf.CountClosedWorkflowExecutionsInput{
				Domain: in.Domain, StartTimeFilter: in.StartTimeFilter, CloseTimeFilter: in.CloseTimeFilter,
				ExecutionFilter: in.ExecutionFilter, TypeFilter: in.TypeFilter, TagFilter: in.TagFilter,
				CloseStatusFilter: in.CloseStatusFilter,
			})
			if err != nil {
				t.Fatalf("CountClosedWorkflowExecutions: %v", err)
			}
			equal(t, "count", count.Count, int32(len(tc.want)))
		})
	}

	p := swf.NewListClosedWorkflowExecutionsPaginator(e.c, &swf.ListClosedWorkflowExecutionsInput{
		Domain: aws.String(e.domain), CloseTimeFilter: e.window(), ReverseOrder: true,
	}, func(o *swf.ListClosedWorkflowExecutionsPaginatorOptions) { o.Limit = 1 })
	var all []types.WorkflowExecutionInfo
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("NextPage: %v", err)
		}
		all = append(all, page.ExecutionInfos...)
	}
	if got := e.ids(all); !slices.Equal(got, allClosed) {
		t.Errorf("paginated: got %v, want %v", got, allClosed)
	}
	wantOrdered(t, "paginated, reversed", all, closeKey, true)
}

func TestSWF_VisibilityFaults(t *testing.T) {
	t.Parallel()
	e := newVisEnv(t, "e2e-visibility-faults")
	ctx := t.Context()

	_, err := e.c.ListOpenWorkflowExecutions(ctx, &swf.ListOpenWorkflowExecutionsInput{
		Domain: aws.String("e2e-no-such-domain"), StartTimeFilter: e.window()})
	wantFault[*types.UnknownResourceFault](t, "ListOpenWorkflowExecutions in an unknown domain", err)
	_, err = e.c.CountClosedWorkflowExecutions(ctx, &swf.CountClosedWorkflowExecutionsInput{
		Domain: aws.String("e2e-no-such-domain"), StartTimeFilter: e.window()})
	wantFault[*types.UnknownResourceFault](t, "CountClosedWorkflowExecutions in an unknown domain", err)

	_, err = e.c.ListClosedWorkflowExecutions(ctx, &swf.ListClosedWorkflowExecutionsInput{
		Domain: aws.String(e.domain), StartTimeFilter: e.window(), CloseTimeFilter: e.window()})
	wantAPIError(t, "ListClosedWorkflowExecutions with both time filters", err, "ValidationException")
	_, err = e.c.ListClosedWorkflowExecutions(ctx, &swf.ListClosedWorkflowExecutionsInput{Domain: aws.String(e.domain)})
	wantAPIError(t, "ListClosedWorkflowExecutions without a time filter", err, "ValidationException")
	_, err = e.c.CountClosedWorkflowExecutions(ctx, &swf.CountClosedWorkflowExecutionsInput{Domain: aws.String(e.domain)})
	wantAPIError(t, "CountClosedWorkflowExecutions without a time filter", err, "ValidationException")
	_, err = e.c.ListOpenWorkflowExecutions(ctx, &swf.ListOpenWorkflowExecutionsInput{
		Domain: aws.String(e.domain), StartTimeFilter: e.window(),
		TagFilter: &types.TagFilter{Tag: aws.String("even")}, TypeFilter: &types.WorkflowTypeFilter{Name: aws.String("wf")}})
	wantAPIError(t, "ListOpenWorkflowExecutions with tag and type filters", err, "ValidationException")
	_, err = e.c.CountClosedWorkflowExecutions(ctx, &swf.CountClosedWorkflowExecutionsInput{
		Domain: aws.String(e.domain), CloseTimeFilter: e.window(),
		CloseStatusFilter: &types.CloseStatusFilter{Status: types.CloseStatusFailed},
		ExecutionFilter:   &types.WorkflowExecutionFilter{WorkflowId: aws.String("done-c")}})
	wantAPIError(t, "CountClosedWorkflowExecutions with close status and execution filters", err, "ValidationException")

	// A page token works only unaltered, and only for the list it came from.
	in := &swf.ListOpenWorkflowExecutionsInput{Domain: aws.String(e.domain), StartTimeFilter: e.window(), MaximumPageSize: 2}
	out, err := e.c.ListOpenWorkflowExecutions(ctx, in)
	if err != nil {
		t.Fatalf("ListOpenWorkflowExecutions: %v", err)
	}
	token := aws.ToString(out.NextPageToken)
	if token == "" {
		t.Fatal("ListOpenWorkflowExecutions: no next page token")
	}
	altered := []byte(token)
	if altered[0] == 'A' {
		altered[0] = 'B'
	} else {
		altered[0] = 'A'
	}
	in.NextPageToken = aws.String(string(altered))
	_, err = e.c.ListOpenWorkflowExecutions(ctx, in)
	wantAPIError(t, "ListOpenWorkflowExecutions with an altered token", err, "ValidationException")
	in.NextPageToken = aws.String(token)
	in.TagFilter = &types.TagFilter{Tag: aws.String("even")}
	_, err = e.c.ListOpenWorkflowExecutions(ctx, in)
	wantAPIError(t, "ListOpenWorkflowExecutions with another query's token", err, "ValidationException")
}

func TestSWF_DomainTags(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "e2e-tags", defaultHold)
	ctx := t.Context()
	dom, err := e.c.DescribeDomain(ctx, &swf.DescribeDomainInput{Name: aws.String(e.domain)})
	if err != nil {
		t.Fatalf("DescribeDomain: %v", err)
	}
	arn := dom.DomainInfo.Arn
	if aws.ToString(arn) == "" {
		t.Fatal("DescribeDomain: no arn")
	}
	list := func() []types.ResourceTag {
		t.Helper()
		out, err := e.c.ListTagsForResource(ctx, &swf.ListTagsForResourceInput{ResourceArn: arn})
		if err != nil {
			t.Fatalf("ListTagsForResource: %v", err)
		}
		return out.Tags
	}
	text := func(tags []types.ResourceTag) string {
		s := ""
		for _, tg := range tags {
			s += aws.ToString(tg.Key) + "=" + aws.ToString(tg.Value) + ";"
		}
		return s
	}
	equal(t, "tags of a new domain", text(list()), "")
	if _, err := e.c.TagResource(ctx, &swf.TagResourceInput{ResourceArn: arn, Tags: []types.ResourceTag{
		{Key: aws.String("team"), Value: aws.String("payments")}, {Key: aws.String("env"), Value: aws.String("test")},
	}}); err != nil {
		t.Fatalf("TagResource: %v", err)
	}
	if _, err := e.c.TagResource(ctx, &swf.TagResourceInput{ResourceArn: arn, Tags: []types.ResourceTag{
		{Key: aws.String("team"), Value: aws.String("billing")}, {Key: aws.String("bare")},
	}}); err != nil {
		t.Fatalf("TagResource: %v", err)
	}
	equal(t, "tags", text(list()), "team=billing;env=test;bare=;")
	if _, err := e.c.UntagResource(ctx, &swf.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"env", "absent"}}); err != nil {
		t.Fatalf("UntagResource: %v", err)
	}
	equal(t, "tags after untag", text(list()), "team=billing;bare=;")

	var many []types.ResourceTag
	for i := range 49 {
		many = append(many, types.ResourceTag{Key: aws.String(fmt.Sprintf("k%d", i))})
	}
	_, err = e.c.TagResource(ctx, &swf.TagResourceInput{ResourceArn: arn, Tags: many})
	wantFault[*types.TooManyTagsFault](t, "TagResource past 50 tags", err)
	equal(t, "tags after a refused TagResource", text(list()), "team=billing;bare=;")

	for _, bad := range []string{
		"arn:aws:swf:us-east-1:000000000000:/domain/e2e-no-such-domain",
		"arn:aws:swf:eu-west-1:000000000000:/domain/" + e.domain,
		"arn:aws:swf:us-east-1:000000000000:/domain/",
		"not an arn",
	} {
		_, err := e.c.ListTagsForResource(ctx, &swf.ListTagsForResourceInput{ResourceArn: aws.String(bad)})
		wantFault[*types.UnknownResourceFault](t, "ListTagsForResource("+bad+")", err)
		_, err = e.c.TagResource(ctx, &swf.TagResourceInput{ResourceArn: aws.String(bad), Tags: []types.ResourceTag{{Key: aws.String("k")}}})
		wantFault[*types.UnknownResourceFault](t, "TagResource("+bad+")", err)
		_, err = e.c.UntagResource(ctx, &swf.UntagResourceInput{ResourceArn: aws.String(bad), TagKeys: []string{"k"}})
		wantFault[*types.UnknownResourceFault](t, "UntagResource("+bad+")", err)
	}
}
