package storetest

import (
	"bytes"
	"errors"
	"slices"
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

	t.Run("Update", func(t *testing.T) {
		s := newStore(t)
		got, err := s.UpdateSecret(t.Context(), "ring", func(old []byte, ok bool) ([]byte, error) {
			if ok || old != nil {
				t.Errorf("update of a new secret: got %v, %v; want nil, false", old, ok)
			}
			return []byte("v1"), nil
		})
		if err != nil || string(got) != "v1" {
			t.Fatalf("UpdateSecret of a new secret: got %q, %v; want v1", got, err)
		}
		got, err = s.UpdateSecret(t.Context(), "ring", func(old []byte, ok bool) ([]byte, error) {
			if !ok || string(old) != "v1" {
				t.Errorf("update: got %q, %v; want v1, true", old, ok)
			}
			return append(old, "+v2"...), nil
		})
		if err != nil || string(got) != "v1+v2" {
			t.Fatalf("UpdateSecret: got %q, %v; want v1+v2", got, err)
		}
		boom := errors.New("boom")
		_, err = s.UpdateSecret(t.Context(), "ring", func([]byte, bool) ([]byte, error) { return []byte("lost"), boom })
		wantErr(t, "UpdateSecret with a failing update", err, boom)
		got, err = s.Secret(t.Context(), "ring", func() ([]byte, error) { return nil, errors.New("created again") })
		if err != nil || string(got) != "v1+v2" {
			t.Errorf("Secret after the updates: got %q, %v; want v1+v2", got, err)
		}
	})

	t.Run("UpdateConcurrent", func(t *testing.T) {
		// Updates at once each see the others' results: none is lost.
		s := newStore(t)
		const n = 8
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				if _, err := s.UpdateSecret(t.Context(), "counter", func(old []byte, _ bool) ([]byte, error) {
					return append(slices.Clone(old), byte(i)), nil
				}); err != nil {
					t.Errorf("UpdateSecret %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		got, err := s.Secret(t.Context(), "counter", func() ([]byte, error) { return nil, errors.New("created again") })
		if err != nil || len(got) != n {
			t.Errorf("after %d updates: got %v, %v; want %d bytes", n, got, err, n)
		}
	})
}
