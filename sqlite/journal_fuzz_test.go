package sqlite

import (
	"bytes"
	"errors"
	"hash/crc32"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzReadJournal checks journal replay on arbitrary files and on files the writer's encoder wrote:
//
//   - Whatever the bytes, readJournal does not panic, and returns either records or a *journalDamage (with
//     no records) at an offset within the file. Records it returns, written again by the encoder under the
//     file's salt, read back the same.
//   - Records written by the encoder read back identically, also with a torn last record after them and
//     records of an older round (another salt) after that. Replay may report damage there only if a
//     record of the current round does follow, which a naive search confirms.
func FuzzReadJournal(f *testing.F) {
	salt := [8]byte{0x5a, 1, 2, 3, 4, 5, 6, 7}
	d := "50% done ✓"
	recs := []journalRecord{
		{runID: "run-a", scheduledID: 5, startedID: 6, heartbeats: 1, last: 1_700_000_000_000_000_000, details: &d},
		{runID: "run-b", scheduledID: 7, startedID: 8, heartbeats: 1 << 40, last: -1},
	}
	valid, offsets := encodeJournal(f, salt, recs)
	damaged := append([]byte(nil), valid...)
	damaged[offsets[0]+journalFrameSize] ^= 1
	for _, data := range [][]byte{valid, valid[:len(valid)-3], damaged, nil, []byte(journalMagic + "saltsalt"), []byte("not a journal, but long enough")} {
		f.Add(data, "run-1", "details", true, int64(5), int64(6), int64(1), int64(1e18), uint8(3), uint16(7))
	}

	f.Fuzz(func(t *testing.T, data []byte, runID, details string, hasDetails bool, scheduledID, startedID, count, last int64, n uint8, cut uint16) {
		opt := cmp.AllowUnexported(journalRecord{})

		// Any bytes.
		got, err := readJournal(data)
		if err != nil {
			var dmg *journalDamage
			if !errors.As(err, &dmg) {
				t.Fatalf("readJournal: %v, want a *journalDamage", err)
			}
			if got != nil || dmg.offset < 0 || dmg.offset >= len(data) {
				t.Fatalf("readJournal: %d records and damage at %d of a %d-byte file", len(got), dmg.offset, len(data))
			}
		} else if len(got) > 0 {
			var fileSalt [8]byte
			copy(fileSalt[:], data[len(journalMagic):journalHeaderSize])
			again, _ := encodeJournal(t, fileSalt, got)
			back, err := readJournal(again)
			if err != nil {
				t.Fatalf("records read, written again: %v", err)
			}
			if diff := cmp.Diff(got, back, opt); diff != "" {
				t.Fatalf("records read, written again, read back (-first +second):\n%s", diff)
			}
		}

		// The writer's encoder, round trip. The salt comes from the input, so that it varies too.
		copy(salt[:], data)
		var want []journalRecord
		for i := range int64(n%8) + 1 {
			r := journalRecord{runID: runID, scheduledID: scheduledID + i, startedID: startedID, heartbeats: count + i, last: last - i}
			if hasDetails && i%2 == 0 {
				dd := details
				r.details = &dd
			}
			want = append(want, r)
		}
		journal, _ := encodeJournal(t, salt, want)
		check := func(what string, data []byte, want []journalRecord) {
			t.Helper()
			got, err := readJournal(data)
			if err != nil {
				var dmg *journalDamage
				if errors.As(err, &dmg) && naiveRecordAfter(data, dmg.offset+1, salt) {
					return // a record of the round does follow: damage is the right answer
				}
				t.Fatalf("%s: %v", what, err)
			}
			if diff := cmp.Diff(want, got, opt); diff != "" {
				t.Fatalf("%s: records (-want +got):\n%s", what, diff)
			}
		}
		check("records as written", journal, want)

		next := want[len(want)-1]
		next.heartbeats++
		extra, err := appendRecord(nil, salt, next)
		if err != nil {
			t.Fatal(err)
		}
		torn := append(journal, extra[:int(cut)%len(extra)]...)
		check("records and a torn last record", torn, want)

		older := salt
		older[0] ^= 0xff // a salt whose checksums differ from this one's for every payload
		stale, _ := encodeJournal(t, older, want)
		withStale := append(torn, stale[journalHeaderSize:]...)
		if bytes.HasPrefix(withStale[len(journal):], extra) {
			// The older round's first bytes happen to be what the torn record lacks: the record is whole.
			want = append(want, next)
		}
		check("records, a torn last record and an older round", withStale, want)
	})
}

// naiveRecordAfter reports whether a record that decodes and whose checksum matches under salt starts at
// any position of data from from on: the search readJournal makes, without its shortcuts.
func naiveRecordAfter(data []byte, from int, salt [8]byte) bool {
	for q := from; q+journalFrameSize <= len(data); q++ {
		n := int(uint32(data[q]) | uint32(data[q+1])<<8 | uint32(data[q+2])<<16 | uint32(data[q+3])<<24)
		if n < 0 || n > len(data)-q-journalFrameSize {
			continue
		}
		payload := data[q+journalFrameSize : q+journalFrameSize+n]
		crc := uint32(data[q+4]) | uint32(data[q+5])<<8 | uint32(data[q+6])<<16 | uint32(data[q+7])<<24
		if _, ok := decodeRecord(payload); ok && crc32.Update(crc32.Checksum(salt[:], castagnoli), castagnoli, payload) == crc {
			return true
		}
	}
	return false
}
