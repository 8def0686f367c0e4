package node

import (
	"context"
	"time"

	"github.com/openswf/openswf/engine"
)

// RotateOptions says what RotateTokenKeys does besides adding a key: engine.RotateOptions.
type RotateOptions = engine.RotateOptions

// TokenKey describes a task-token key without its secret: engine.TokenKey.
type TokenKey = engine.TokenKey

// RotateTokenKeys adds a task-token key to the store at db and retires old ones as opts says
// (engine.RotateTokenKeys), and returns the ring as it now is. The store must not be in use: a server
// holds a lock on it, and reads the ring when it starts.
func RotateTokenKeys(ctx context.Context, db string, now time.Time, opts RotateOptions) ([]TokenKey, error) {
	store, err := openStore(ctx, Config{DB: db}, nil)
	if err != nil {
		return nil, err
	}
	keys, err := engine.RotateTokenKeys(ctx, store, now, opts)
	if cerr := store.Close(); err == nil && cerr != nil {
		return nil, cerr
	}
	return keys, err
}
