package sqlite

import (
	"bytes"
	"errors"
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
	if diff := cmp.Diff(want, readJournal(data), opt); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	// A record cut short, as by a crash in the middle of a write, ends the journal.
	if diff := cmp.Diff(want[:2], readJournal(data[:len(data)-1]), opt); diff != "" {
		t.Errorf("torn last record (-want +got):\n%s", diff)
	}
	// So does a damaged one, and everything after it.
	bad := append([]byte(nil), data...)
	bad[journalHeaderSize+9]++
	if got := readJournal(bad); len(got) != 0 {
		t.Errorf("first record damaged: read %d records, want 0", len(got))
	}
	// Records from before the journal started over are under another salt: none is read, even where the
	// new journal is shorter than the old file.
	if err := j.reset(); err != nil {
		t.Fatal(err)
	}
	stale := append(append([]byte(nil), data[:journalHeaderSize]...), data[journalHeaderSize:sizeAfterTwo]...)
	copy(stale[8:16], j.salt[:])
	if got := readJournal(stale); len(got) != 0 {
		t.Errorf("records under an old salt: read %d, want 0", len(got))
	}
	if got := readJournal([]byte("not a journal at all")); got != nil {
		t.Errorf("foreign file: read %d records", len(got))
	}
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

// The writer refuses a record that replay would not read, and leaves the pending records as they were;
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
	if diff := cmp.Diff([]journalRecord{small, r}, readJournal(data), cmp.AllowUnexported(journalRecord{})); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
}
