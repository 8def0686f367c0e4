package sqlite

import (
	"context"
	"fmt"

	"github.com/openswf/openswf"
)

// CountOpenTasks counts open tasks in one statement, so in one snapshot. Waiting activity tasks and
// waiting decision tasks are counted on their partial indexes (activities_pending,
// executions_pending_decisions); started activity tasks are all activity tasks less the waiting ones, since
// COUNT(*) of a whole table reads its smallest index, which is cheaper than any filter on started_id.
func (s *Store) CountOpenTasks(ctx context.Context) (openswf.OpenTaskCounts, error) {
	var (
		c     openswf.OpenTaskCounts
		total int
	)
	err := s.reader.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM activities),
		(SELECT COUNT(*) FROM activities WHERE started_id = 0),
		(SELECT COUNT(*) FROM executions WHERE decision_task_list IS NOT NULL)`,
	).Scan(&total, &c.ActivityScheduled, &c.DecisionScheduled)
	if err != nil {
		return openswf.OpenTaskCounts{}, fmt.Errorf("count open tasks: %w", err)
	}
	c.ActivityStarted = total - c.ActivityScheduled
	return c, nil
}
