package postgres

import (
	"context"
	"errors"
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
