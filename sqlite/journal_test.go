package sqlite

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestJournal_ReadsUpToDamage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	j, recs, err := openJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.close(false)
	if len(recs) != 0 {
		t.Fatalf("new journal holds %d records", len(recs))
	}
	if err := j.reset(); err != nil {
		t.Fatal(err)
	}
	d := "details ✓"
	empty := ""
	want := []journalRecord{
		{runID: "run-a", scheduledID: 5, startedID: 6, heartbeats: 1, last: 1_700_000_000_000_000_001, details: &d},
		{runID: "run-a", scheduledID: 5, startedID: 6, heartbeats: 2, last: 1_700_000_000_000_000_002},
		{runID: "run-b", scheduledID: 1 << 40, startedID: 1<<40 + 1, heartbeats: 1 << 50, last: -7, details: &empty},
	}
	for _, r := range want[:2] {
		if err := j.add(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := errors.Join(j.write(), j.sync()); err != nil {
		t.Fatal(err)
	}
	sizeAfterTwo := j.size
	if err := j.add(want[2]); err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(j.write(), j.sync()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	opt := cmp.AllowUnexported(journalRecord{})
	read := func(what string, data []byte, want []journalRecord) {
		t.Helper()
		got, err := readJournal(data)
		if err != nil {
			t.Errorf("%s: %v", what, err)
		}
		if diff := cmp.Diff(want, got, opt); diff != "" {
			t.Errorf("%s: records (-want +got):\n%s", what, diff)
		}
	}
	read("whole journal", data, want)
	// A record cut short, as by a crash in the middle of a write, ends the journal.
	for cut := 1; cut < int(j.size-sizeAfterTwo); cut++ {
		read(fmt.Sprintf("last record cut %d bytes short", cut), data[:len(data)-cut], want[:2])
	}
	// Records from before the journal started over are under another salt: none is read, even where the
	// new journal is shorter than the old file.
	if err := j.reset(); err != nil {
		t.Fatal(err)
	}
	stale := append(append([]byte(nil), data[:journalHeaderSize]...), data[journalHeaderSize:sizeAfterTwo]...)
	copy(stale[8:16], j.salt[:])
	read("records under an old salt", stale, nil)
	// Nothing can have been acknowledged in a file no longer than a header: the first header is synced
	// before any record is written.
	for _, short := range [][]byte{nil, data[:5], data[:journalHeaderSize], make([]byte, journalHeaderSize)} {
		read(fmt.Sprintf("file of %d bytes", len(short)), short, nil)
	}
}

// A record of the current round that cannot be read, with records of the round after it, is damage:
// replay refuses the file rather than drop acknowledged heartbeats, and says where.
func TestJournal_DamageBeforeLaterRecordsIsRefused(t *testing.T) {
	salt := [8]byte{1, 2, 3, 4, 5, 6, 7, 8}
	d := "50%"
	recs := []journalRecord{
		{runID: "run-a", scheduledID: 5, startedID: 6, heartbeats: 1, last: 100, details: &d},
		{runID: "run-b", scheduledID: 7, startedID: 8, heartbeats: 1, last: 101},
		{runID: "run-c", scheduledID: 9, startedID: 10, heartbeats: 1, last: 102, details: &d},
	}
	data, offsets := encodeJournal(t, salt, recs)
	second := offsets[1]

	for _, tc := range []struct {
		name   string
		damage func(b []byte)
	}{
		{"payload byte flipped", func(b []byte) { b[second+journalFrameSize+2] ^= 0x40 }},
		{"checksum byte flipped", func(b []byte) { b[second+5] ^= 1 }},
		{"length grown past the file", func(b []byte) { binary.LittleEndian.PutUint32(b[second:], 1<<19) }},
		{"length over the limit", func(b []byte) { binary.LittleEndian.PutUint32(b[second:], journalMaxRecord+1) }},
		{"length shrunk", func(b []byte) { b[second]-- }},
		{"record zeroed, as a lost page", func(b []byte) { clear(b[second:offsets[2]]) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := bytes.Clone(data)
			tc.damage(bad)
			recs, err := readJournal(bad)
			var dmg *journalDamage
			if !errors.As(err, &dmg) || dmg.offset != second {
				t.Fatalf("got %d records, error %v; want damage at byte %d", len(recs), err, second)
			}
			if recs != nil {
				t.Errorf("got %d records with the damage, want none", len(recs))
			}
		})
	}

	// The last record damaged is a torn tail, not damage: nothing of the round follows it.
	bad := bytes.Clone(data)
	bad[offsets[2]+journalFrameSize+1] ^= 0x40
	got, err := readJournal(bad)
	if err != nil || len(got) != 2 {
		t.Errorf("last record damaged: got %d records, error %v; want 2, no error", len(got), err)
	}

	// A file that is not a journal is not taken for an empty one.
	if _, err := readJournal([]byte("not a journal, but long enough")); !errors.As(err, new(*journalDamage)) {
		t.Errorf("foreign file: error %v, want damage", err)
	}
}

// A record whose checksum matches is this round's writer's: if it is over the limit or does not decode,
// the writer did not write it as it is, and replay refuses the file wherever the record is.
func TestJournal_ValidRecordThatCannotBeReadIsRefused(t *testing.T) {
	salt := [8]byte{8, 7, 6, 5, 4, 3, 2, 1}
	ok := journalRecord{runID: "run-a", scheduledID: 5, startedID: 6, heartbeats: 1, last: 100}
	for _, tc := range []struct {
		name    string
		payload []byte
	}{
		{"over the limit", bytes.Repeat([]byte{0}, journalMaxRecord+1)},
		{"undecodable", []byte{5, 'r', 'u', 'n', '-', 'a', 10, 12, 2, 200, 7}}, // flag 7
		{"trailing bytes", append(encodePayload(t, ok), 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, _ := encodeJournal(t, salt, []journalRecord{ok})
			data = append(data, frame(salt, tc.payload)...)
			_, err := readJournal(data)
			var dmg *journalDamage
			if !errors.As(err, &dmg) || dmg.offset != len(data)-journalFrameSize-len(tc.payload) {
				t.Fatalf("error %v, want damage at the last record", err)
			}
		})
	}
}

// The writer refuses a record that replay would call damage, and leaves the pending records as they were;
// details of the longest string the model allows (32768 characters, Data's bound, beyond the 2048 of a
// heartbeat's LimitedData), each 4 bytes in UTF-8, are far within the limit and read back.
func TestJournal_WriterRefusesRecordsOverTheLimit(t *testing.T) {
	j := &journal{salt: [8]byte{1}}
	small := journalRecord{runID: "run-a", scheduledID: 5, startedID: 6, heartbeats: 1, last: 100}
	if err := j.add(small); err != nil {
		t.Fatal(err)
	}
	before := bytes.Clone(j.buf)
	huge := strings.Repeat("x", journalMaxRecord)
	r := small
	r.details = &huge
	if err := j.add(r); !errors.Is(err, errRecordTooLarge) {
		t.Fatalf("add of a record over the limit: %v, want errRecordTooLarge", err)
	}
	if !bytes.Equal(j.buf, before) {
		t.Fatalf("a refused record changed the pending buffer")
	}
	largest := strings.Repeat("\U0001D11E", 32768)
	r.details = &largest
	if err := j.add(r); err != nil {
		t.Fatalf("add of the largest legal record (%d bytes of details): %v", len(largest), err)
	}
	data := append(append([]byte(journalMagic), j.salt[:]...), j.buf...)
	got, err := readJournal(data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]journalRecord{small, r}, got, cmp.AllowUnexported(journalRecord{})); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
}

// encodeJournal returns a journal file holding recs under salt, with each record's offset.
func encodeJournal(t testing.TB, salt [8]byte, recs []journalRecord) (data []byte, offsets []int) {
	t.Helper()
	data = append([]byte(journalMagic), salt[:]...)
	for _, r := range recs {
		offsets = append(offsets, len(data))
		var err error
		if data, err = appendRecord(data, salt, r); err != nil {
			t.Fatal(err)
		}
	}
	return data, offsets
}

// encodePayload returns r's payload, without its frame.
func encodePayload(t testing.TB, r journalRecord) []byte {
	t.Helper()
	b, err := appendRecord(nil, [8]byte{}, r)
	if err != nil {
		t.Fatal(err)
	}
	return b[journalFrameSize:]
}

// frame frames payload under salt, whatever it holds.
func frame(salt [8]byte, payload []byte) []byte {
	b := binary.LittleEndian.AppendUint32(nil, uint32(len(payload)))
	b = binary.LittleEndian.AppendUint32(b, crc32.Update(crc32.Checksum(salt[:], castagnoli), castagnoli, payload))
	return append(b, payload...)
}

func TestJournal_LockedAgainstASecondOpener(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	j, _, err := openJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := openJournal(path); err == nil {
		t.Fatal("second open of a locked journal succeeded")
	}
	j.close(false)
	j2, _, err := openJournal(path)
	if err != nil {
		t.Fatalf("open after close: %v", err)
	}
	j2.close(true)
}
