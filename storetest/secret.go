package storetest

import (
	"bytes"
	"errors"
	"sync"
	"testing"

	"github.com/openswf/openswf"
)

func testSecrets(t *testing.T, newStore func(t *testing.T) openswf.Store) {
	t.Run("CreateOnce", func(t *testing.T) {
		s := newStore(t)
		calls := 0
		create := func(b byte) func() ([]byte, error) {
			return func() ([]byte, error) {
				calls++
				return []byte{b, 0, 255, b}, nil
			}
		}
		got, err := s.Secret(t.Context(), "key", create(1))
		if err != nil {
			t.Fatalf("Secret: %v", err)
		}
		want := []byte{1, 0, 255, 1}
		if !bytes.Equal(got, want) {
			t.Errorf("Secret: got %v, want %v", got, want)
		}
		got, err = s.Secret(t.Context(), "key", create(2))
		if err != nil {
			t.Fatalf("Secret again: %v", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("Secret again: got %v, want %v", got, want)
		}
		if calls != 1 {
			t.Errorf("create calls: got %d, want 1", calls)
		}

		other, err := s.Secret(t.Context(), "other", create(3))
		if err != nil {
			t.Fatalf("Secret(other): %v", err)
		}
		if want := []byte{3, 0, 255, 3}; !bytes.Equal(other, want) {
			t.Errorf("Secret(other): got %v, want %v", other, want)
		}
	})

	t.Run("CreateFails", func(t *testing.T) {
		s := newStore(t)
		boom := errors.New("boom")
		_, err := s.Secret(t.Context(), "key", func() ([]byte, error) { return nil, boom })
		wantErr(t, "Secret with a failing create", err, boom)
		got, err := s.Secret(t.Context(), "key", func() ([]byte, error) { return []byte("k"), nil })
		if err != nil {
			t.Fatalf("Secret after a failed create: %v", err)
		}
		if string(got) != "k" {
			t.Errorf("Secret after a failed create: got %q, want %q", got, "k")
		}
	})

	t.Run("Concurrent", func(t *testing.T) {
		// Callers racing to create a secret all get the one that was stored.
		s := newStore(t)
		const n = 8
		got := make([][]byte, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				v, err := s.Secret(t.Context(), "key", func() ([]byte, error) { return []byte{byte(i)}, nil })
				if err != nil {
					t.Errorf("Secret %d: %v", i, err)
				}
				got[i] = v
			})
		}
		wg.Wait()
		for i := range got {
			if !bytes.Equal(got[i], got[0]) {
				t.Errorf("Secret %d: got %v, but caller 0 got %v", i, got[i], got[0])
			}
		}
	})
}
