package sqlite

import "context"

// HoldWriter queues an op that blocks the writer until release is called, and returns once the writer
// holds it: ops queued meanwhile wait, as under load, and go into the next batch.
func (s *Store) HoldWriter(ctx context.Context) (release func(), err error) {
	held, resume := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- s.write(ctx, func(*writer) error {
			close(held)
			<-resume
			return nil
		})
	}()
	select {
	case <-held:
	case err := <-done:
		return nil, err
	}
	return func() {
		close(resume)
		<-done
	}, nil
}

// Queued reports how many ops wait for the writer.
func (s *Store) Queued() int { return len(s.ops) }

// Pragmas reads PRAGMA name on the writer connection and on a reader connection.
func (s *Store) Pragmas(ctx context.Context, name string) (onWriter, onReader string, err error) {
	err = s.write(ctx, func(w *writer) error {
		return w.conn.QueryRowContext(w.ctx, "PRAGMA "+name).Scan(&onWriter)
	})
	if err != nil {
		return "", "", err
	}
	err = s.reader.QueryRowContext(ctx, "PRAGMA "+name).Scan(&onReader)
	return onWriter, onReader, err
}
