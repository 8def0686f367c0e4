// Package storetest holds the behaviour every openswf.Store must have, as one conformance suite that each
// backend runs from its own tests:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) openswf.Store {
//			s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"), sqlite.Options{})
//			if err != nil {
//				t.Fatal(err)
//			}
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// The subtests are named after the record and the behaviour (TestStore/Domains/CreateTwice,
// TestStore/Activities/CloseStaleHeartbeats, TestStore/Concurrency/OneExecution), so that a failure says
// what a store got wrong. They check what the engine relies on and nothing of how a store does it: records
// read back equal to what was written (times by time.Time.Equal, to the nanosecond; event attributes byte
// for byte), the errors ErrExists, ErrNotFound and ErrConflict where openswf.Store promises them, and that
// a transition that fails leaves nothing behind. Where the contract leaves a choice open (the history of an
// unknown run: empty or ErrNotFound), the suite accepts either.
//
// The suite never sleeps. Its concurrency tests race goroutines released together and check invariants
// that hold whatever the interleaving: of transitions racing on one version exactly one commits, and a
// heartbeat racing a close decided on the heartbeat count either counts (and the close conflicts) or finds
// the task gone.
package storetest
