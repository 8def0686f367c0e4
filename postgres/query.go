package postgres

import (
	"strconv"
	"strings"
)

// query builds a statement with numbered placeholders from its text and arguments in order.
type query struct {
	sql  strings.Builder
	args []any
}

// text appends SQL text.
func (q *query) text(s string) *query {
	q.sql.WriteString(s)
	return q
}

// arg appends a placeholder for v.
func (q *query) arg(v any) *query {
	q.args = append(q.args, v)
	q.sql.WriteString("$")
	q.sql.WriteString(strconv.Itoa(len(q.args)))
	return q
}
