package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/postgres/pgtest"
)

// TestWriter_SentinelBeforeAnyStatement puts, in one batch, an op that writes and an op that fails with a
// sentinel error before it sends anything: the first op's write must commit, and the batch with it.
func TestWriter_SentinelBeforeAnyStatement(t *testing.T) {
	s, err := Open(context.Background(), pgtest.Schema(t), Options{Writers: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	write := &op{run: func(w *wtx) error {
		_, err := w.exec("INSERT INTO secrets (name, value) VALUES ('kept', 'v')")
		return err
	}}
	refuse := &op{run: func(w *wtx) error { return openswf.ErrNotFound }}
	for _, batch := range [][]*op{{write, refuse}, {refuse}} {
		errs, broken, err := s.tryBatch(batch)
		if err != nil || broken >= 0 {
			t.Fatalf("batch of %d ops: broken %d, %v", len(batch), broken, err)
		}
		if !errors.Is(errs[len(errs)-1], openswf.ErrNotFound) {
			t.Errorf("the refusing op's outcome: %v, want ErrNotFound", errs[len(errs)-1])
		}
	}
	v, err := s.Secret(context.Background(), "kept", func() ([]byte, error) { return []byte("new"), nil })
	if err != nil || string(v) != "v" {
		t.Errorf("the first op's write: %q, %v; want it committed (\"v\")", v, err)
	}
}

// A batch sends BEGIN with its first op's statements and COMMIT with the last savepoint's release: a batch
// of one op of one statement takes two round trips, bare or not, and a first op that reads sends BEGIN and
// its SAVEPOINT with the query.
func TestWriter_RoundTrips(t *testing.T) {
	s, err := Open(context.Background(), pgtest.Schema(t), Options{Writers: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	insert := func(name string) func(w *wtx) error {
		return func(w *wtx) error {
			_, err := w.exec("INSERT INTO secrets (name, value) VALUES ($1, 'v')", name)
			return err
		}
	}
	read := func(w *wtx) error {
		rows, err := w.query("SELECT name FROM secrets ORDER BY name")
		if err != nil {
			return err
		}
		defer rows.Close()
		var names []string
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				return err
			}
			names = append(names, n)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(names) != 2 || names[0] != "a" || names[1] != "b" {
			return errors.New("read " + strings.Join(names, ","))
		}
		_, err = w.exec("INSERT INTO secrets (name, value) VALUES ('c', 'v')")
		return err
	}
	for _, c := range []struct {
		name  string
		batch []*op
		want  int64
	}{
		{"a bare op", []*op{{run: insert("a"), bare: true}}, 2},
		{"an op in a savepoint", []*op{{run: insert("b")}}, 2},
		{"an op that reads, then writes", []*op{{run: read}}, 3},
		{"an op refused before it sends anything", []*op{{run: func(*wtx) error { return openswf.ErrNotFound }}}, 0},
	} {
		before := s.roundTrips.Load()
		errs, broken, err := s.tryBatch(c.batch)
		if err != nil || broken >= 0 {
			t.Fatalf("%s: broken %d, %v (%v)", c.name, broken, err, errs)
		}
		if errs[0] != nil && !errors.Is(errs[0], openswf.ErrNotFound) {
			t.Fatalf("%s: %v", c.name, errs[0])
		}
		if got := s.roundTrips.Load() - before; got != c.want {
			t.Errorf("%s: %d round trips, want %d", c.name, got, c.want)
		}
	}
	if v, err := s.Secret(context.Background(), "c", func() ([]byte, error) { return []byte("new"), nil }); err != nil || string(v) != "v" {
		t.Errorf("the reading op's write: %q, %v; want it committed", v, err)
	}
}

// An op that swallows a statement's error leaves the transaction aborted: its COMMIT answers ROLLBACK, and
// the batch must fail, not report its ops done. The connection then serves the next batch.
func TestWriter_CommitOfAnAbortedTransactionFails(t *testing.T) {
	s, err := Open(context.Background(), pgtest.Schema(t), Options{Writers: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	swallow := &op{bare: true, run: func(w *wtx) error {
		if _, err := w.exec("INSERT INTO secrets (name, value) VALUES ('lost', 'v')"); err != nil {
			return err
		}
		w.exec("SELECT 1/0") // the error is dropped on purpose
		return nil
	}}
	if _, broken, err := s.tryBatch([]*op{swallow}); err == nil && broken < 0 {
		t.Fatalf("a batch whose transaction was aborted reported success")
	}
	for range 3 { // the pool's connections are all usable: none was left in the aborted transaction
		errs, broken, err := s.tryBatch([]*op{{run: func(w *wtx) error {
			_, err := w.exec("INSERT INTO secrets (name, value) VALUES ('kept', 'v') ON CONFLICT DO NOTHING")
			return err
		}}})
		if err != nil || broken >= 0 || errs[0] != nil {
			t.Fatalf("the next batch: %v, broken %d, %v", errs, broken, err)
		}
	}
	if _, err := s.Secret(context.Background(), "lost", func() ([]byte, error) { return nil, errors.New("absent") }); err == nil {
		t.Errorf("the aborted batch's insert was committed")
	}
}

// An op whose statement fails (a unique violation, reported as a conflict) after another op of its batch
// released its savepoint is rolled back to its own savepoint: the other op commits, and the failing op is
// answered with its conflict, on a fresh connection (no statement prepared yet) as on a used one. In an
// aborted transaction PostgreSQL prepares nothing, so the rollback must not need a statement prepared.
func TestWriter_StatementErrorAfterAnotherOp(t *testing.T) {
	s, err := Open(context.Background(), pgtest.Schema(t), Options{Writers: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Secret(context.Background(), "dup", func() ([]byte, error) { return []byte("v"), nil }); err != nil {
		t.Fatal(err)
	}
	for round := range 3 {
		name := fmt.Sprintf("kept-%d", round)
		write := &op{run: func(w *wtx) error {
			_, err := w.exec("INSERT INTO secrets (name, value) VALUES ($1, 'v')", name)
			return err
		}}
		clash := &op{run: func(w *wtx) error {
			if _, err := w.exec("INSERT INTO secrets (name, value) VALUES ('dup', 'v')"); err != nil {
				return fmt.Errorf("clash: %w: %w", err, openswf.ErrConflict)
			}
			return errors.New("the duplicate was inserted")
		}}
		errs, broken, err := s.tryBatch([]*op{write, clash})
		if err != nil || broken >= 0 {
			t.Fatalf("round %d: broken %d, %v", round, broken, err)
		}
		if errs[0] != nil || !errors.Is(errs[1], openswf.ErrConflict) {
			t.Fatalf("round %d: outcomes %v, want nil and a conflict", round, errs)
		}
		if v, err := s.Secret(context.Background(), name, func() ([]byte, error) { return nil, errors.New("absent") }); err != nil || string(v) != "v" {
			t.Errorf("round %d: the first op's write: %q, %v; want it committed", round, v, err)
		}
	}
}
