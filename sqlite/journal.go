package sqlite

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
)

// The heartbeat journal is an append-only file beside the database (its path plus "-hb") that makes
// heartbeats durable without an SQL statement each. See heartbeats.go for how it is used.
//
// Layout: a 16-byte header, the magic journalMagic then a random 8-byte salt written each time the
// journal starts over, then records. A record is its payload's length (uint32, little endian), the CRC-32C
// of the salt followed by the payload (uint32), and the payload: the run id (uvarint length, bytes), the
// scheduled and started event ids, the heartbeat count and the time of the last heartbeat in Unix
// nanoseconds (varints), a flag byte (1: details follow) and the details (uvarint length, bytes).
//
// Replay (readJournal) takes the records of the journal's current round, those under the header's salt,
// up to the end of the round: a record cut short or under another salt. What follows that end is either a
// torn last write, from a process that died while writing it, or a record from before the journal last
// started over (its salt differs). The salt is what lets the journal start over by writing a new header,
// without truncating the file: after its first round the journal overwrites blocks the file already has,
// and a sync then writes data only, with no file system metadata (a third less time per sync here than an
// append that grows the file).
//
// A record that fails in the middle of the round is another matter: the records after it were
// acknowledged, and dropping them would lose heartbeats without a word. So replay refuses the file
// (journalDamage) when a record validates under the current salt anywhere after the first one that fails;
// see readJournal.

const (
	journalMagic      = "OSWFHB01"
	journalHeaderSize = 16
	// journalFrameSize is a record's length and checksum, before its payload.
	journalFrameSize = 8
	// journalMaxRecord bounds a record's payload. The writer refuses to write a longer one and replay
	// calls one damage, through the one check payloadFits: a record that replay would refuse is never
	// written, let alone acknowledged. A run id and details are far smaller: the model allows heartbeat
	// details 2048 characters (LimitedData), and no string of SWF's more than 32768 (Data), 128 KiB in
	// UTF-8 at most.
	journalMaxRecord = 1 << 20
	// journalMinRecord is the shortest payload: a run id's length, four varints and the flag, a byte each.
	journalMinRecord = 6
)

// payloadFits reports whether a record's payload of n bytes is within the journal's limit. It is the one
// check of that limit, made by the writer (add) and by replay (readJournal).
func payloadFits(n uint64) bool { return n <= journalMaxRecord }

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// journalRecord is one heartbeat's outcome: the task's whole heartbeat state after it, except details,
// which are present only when that heartbeat gave some.
type journalRecord struct {
	runID       string
	scheduledID int64
	startedID   int64
	heartbeats  int64
	last        int64
	details     *string
}

// journal is the open journal file. Only the writer goroutine uses it after Open, but for sync, which the
// syncer calls.
type journal struct {
	f    *os.File
	path string
	salt [8]byte
	size int64 // bytes written, header included
	buf  []byte
	// failWrite and failSync, when set (by tests), run before each write and each sync; an error fails
	// the write or the sync as the file system's would.
	failWrite, failSync func() error
}

// openJournal opens (creating if needed) the journal at path and locks it against other processes, which
// would otherwise write to the same database behind this one's back. It returns the records the file holds,
// or an error that says what to do if the file is damaged (journalDamage).
func openJournal(path string) (*journal, []journalRecord, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, nil, err
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if errors.Is(err, errLocked) {
			return nil, nil, fmt.Errorf("%s is locked: another openswf process uses this database", path)
		}
		return nil, nil, fmt.Errorf("lock %s: %w", path, err)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	recs, err := readJournal(data)
	if err != nil {
		f.Close()
		var d *journalDamage
		if errors.As(err, &d) {
			return nil, nil, fmt.Errorf("read heartbeat journal %s: %w; heartbeats acknowledged after that "+
				"offset would be lost, so the store does not start. To start without the heartbeats recorded "+
				"from that offset on, keep a copy of the file and truncate it to %d bytes (truncate -s %d %s); "+
				"to start without any of them, move the file aside", path, err, d.offset, d.offset, path)
		}
		return nil, nil, fmt.Errorf("read heartbeat journal %s: %w", path, err)
	}
	return &journal{f: f, path: path}, recs, nil
}

// journalDamage is a journal file that replay cannot take without dropping what may be acknowledged
// heartbeats: see readJournal.
type journalDamage struct {
	offset int    // where the first record that cannot be read starts
	reason string // why it cannot be read
}

func (d *journalDamage) Error() string {
	return fmt.Sprintf("damaged at byte %d: %s", d.offset, d.reason)
}

// readJournal decodes the records of a journal file's contents: those of its current round, up to the
// round's end. It returns a *journalDamage, and no records, if the file is damaged rather than ended.
//
// Where the records of the round stop, the first record that fails (its frame or payload cut short by the
// end of the file, a length over the limit, a checksum that does not match), the rest of the file holds
// one of three things:
//
//   - A torn last write: the process died while writing its last batch, which nobody was told of. A write
//     is one pwrite(2) at the end of the round, so what reached the file of it is a prefix of it.
//   - Records from before the journal last started over: the file keeps its length when the journal
//     starts over, so older rounds, under other salts, follow the current one, their checksums failing.
//   - Damage: a record of the round changed on disk (or never reached it), with records of the round after
//     it, acknowledged ones among them.
//
// The first two hold no record that validates under the current salt; damage does, unless the damaged
// record was the last. So readJournal looks, at every byte position after the failing record (its
// length may be what is damaged, so the next record's position is unknown), for a record that parses and
// whose checksum matches under the current salt. If it finds one, the file is damaged. A stale record
// matches the current salt's checksum by chance with probability 2^-32, and then replay refuses a
// sound file, which costs the operator a look but loses nothing.
//
// A record whose checksum matches but whose payload does not decode, or whose length is over the limit,
// is damage too wherever it is: the checksum says this round's writer wrote it, and this writer writes
// neither.
//
// One case of the third kind looks like damage and is not: after a power cut in the middle of a write
// (not after a process crash), the disk may have kept a later page of that unsynced write and lost an
// earlier one. Nothing of that write was acknowledged, but replay cannot tell it from damage, so it
// refuses the file too, and the operator truncates it at the offset given (nothing before it is lost).
//
// Cost: the search runs once per start after a crash, since a crash leaves the round ended by a torn
// write or by an older round. The file is at most the fold size (Options.FoldBytes) plus a batch of
// records. At most positions the four bytes read as a length are over the limit or too short (details
// and run ids are text, and lengths and varints put their zero bytes high), which rejects them at once;
// the rest are parsed (a few varints) before any checksum is computed, and what parses is in practice
// the records of the older rounds at their own positions, whose checksums add up to one pass over the
// file. So the search is linear in the file, a few milliseconds for 4 MiB. A file crafted to make every
// position parse as a long record could cost a checksum of up to journalMaxRecord bytes per position;
// the file is the server's own, and the fuzz target keeps inputs small.
func readJournal(data []byte) ([]journalRecord, error) {
	if len(data) <= journalHeaderSize {
		// The first header is synced before the first record is written: a file no longer than a header
		// holds no record, whatever a crash while creating it left of the header.
		return nil, nil
	}
	if string(data[:len(journalMagic)]) != journalMagic {
		return nil, &journalDamage{offset: 0, reason: "the file does not start as a heartbeat journal does"}
	}
	seed := crc32.Checksum(data[len(journalMagic):journalHeaderSize], castagnoli)
	var recs []journalRecord
	for off := journalHeaderSize; off < len(data); {
		r, n, failed := readRecord(data[off:], seed)
		if failed == nil {
			recs = append(recs, r)
			off += n
			continue
		}
		if failed.fatal || roundGoesOn(data, off+1, seed) {
			return nil, &journalDamage{offset: off, reason: failed.reason}
		}
		break
	}
	return recs, nil
}

// recordFailure is why readRecord could not read a record; fatal if the record is damage wherever it is.
type recordFailure struct {
	reason string
	fatal  bool
}

// readRecord reads the record at the start of p, under the salt whose checksum is seed. It returns the
// record and its length, frame included, or why it could not read one.
func readRecord(p []byte, seed uint32) (journalRecord, int, *recordFailure) {
	if len(p) < journalFrameSize {
		return journalRecord{}, 0, &recordFailure{reason: "a record's frame is cut short by the end of the file"}
	}
	n := uint64(binary.LittleEndian.Uint32(p))
	if n > uint64(len(p)-journalFrameSize) {
		return journalRecord{}, 0, &recordFailure{reason: fmt.Sprintf("a record's length, %d bytes, runs past the end of the file", n)}
	}
	payload := p[journalFrameSize : journalFrameSize+n]
	if crc32.Update(seed, castagnoli, payload) != binary.LittleEndian.Uint32(p[4:]) {
		return journalRecord{}, 0, &recordFailure{reason: "a record's checksum does not match"}
	}
	if !payloadFits(n) {
		return journalRecord{}, 0, &recordFailure{fatal: true,
			reason: fmt.Sprintf("a record's checksum matches but its length, %d bytes, is over the limit of %d", n, journalMaxRecord)}
	}
	r, ok := decodeRecord(payload)
	if !ok {
		return journalRecord{}, 0, &recordFailure{fatal: true, reason: "a record's checksum matches but its payload does not decode"}
	}
	return r, journalFrameSize + int(n), nil
}

// roundGoesOn reports whether a record that the writer could have written under the salt whose checksum is
// seed starts anywhere in data from position from on. See readJournal for what that means and costs.
func roundGoesOn(data []byte, from int, seed uint32) bool {
	for q := from; q <= len(data)-journalFrameSize-journalMinRecord; q++ {
		p := data[q:]
		n := uint64(binary.LittleEndian.Uint32(p))
		if n < journalMinRecord || !payloadFits(n) || n > uint64(len(p)-journalFrameSize) {
			continue
		}
		payload := p[journalFrameSize : journalFrameSize+n]
		if _, ok := parseRecord(payload); !ok {
			continue
		}
		if crc32.Update(seed, castagnoli, payload) == binary.LittleEndian.Uint32(p[4:]) {
			return true
		}
	}
	return false
}

// reset starts the journal over, empty, under a new salt, and syncs it. The file keeps its length: what
// lies past the header is from before and fails its checksums. On error the header on disk may be the old
// one, the new one or neither, and the journal must not be written to until a reset succeeds.
func (j *journal) reset() error {
	if _, err := rand.Read(j.salt[:]); err != nil {
		return fmt.Errorf("draw salt for %s: %w", j.path, err)
	}
	hdr := append([]byte(journalMagic), j.salt[:]...)
	if _, err := j.f.WriteAt(hdr, 0); err != nil {
		return fmt.Errorf("write %s: %w", j.path, err)
	}
	j.size = journalHeaderSize
	return j.sync()
}

// add encodes r into the pending buffer; write writes it. It refuses a record whose payload is over the
// limit (payloadFits), which replay would call damage, and leaves the buffer as it was.
func (j *journal) add(r journalRecord) error {
	buf, err := appendRecord(j.buf, j.salt, r)
	if err != nil {
		return err
	}
	j.buf = buf
	return nil
}

// errRecordTooLarge is what appendRecord reports for a record over the journal's limit.
var errRecordTooLarge = errors.New("heartbeat record over the journal's limit")

// appendRecord appends r, framed under salt, to buf. A record over the journal's limit is not appended:
// it returns buf as it was (its capacity aside) and errRecordTooLarge.
func appendRecord(buf []byte, salt [8]byte, r journalRecord) ([]byte, error) {
	start := len(buf)
	buf = append(buf, 0, 0, 0, 0, 0, 0, 0, 0)
	buf = binary.AppendUvarint(buf, uint64(len(r.runID)))
	buf = append(buf, r.runID...)
	buf = binary.AppendVarint(buf, r.scheduledID)
	buf = binary.AppendVarint(buf, r.startedID)
	buf = binary.AppendVarint(buf, r.heartbeats)
	buf = binary.AppendVarint(buf, r.last)
	if r.details == nil {
		buf = append(buf, 0)
	} else {
		buf = append(buf, 1)
		buf = binary.AppendUvarint(buf, uint64(len(*r.details)))
		buf = append(buf, *r.details...)
	}
	payload := buf[start+journalFrameSize:]
	if !payloadFits(uint64(len(payload))) {
		return buf[:start], fmt.Errorf("%w: %d bytes, at most %d", errRecordTooLarge, len(payload), journalMaxRecord)
	}
	binary.LittleEndian.PutUint32(buf[start:], uint32(len(payload)))
	crc := crc32.Update(crc32.Checksum(salt[:], castagnoli), castagnoli, payload)
	binary.LittleEndian.PutUint32(buf[start+4:], crc)
	return buf, nil
}

// write appends the pending records to the file, unsynced.
func (j *journal) write() error {
	if len(j.buf) == 0 {
		return nil
	}
	if j.failWrite != nil {
		if err := j.failWrite(); err != nil {
			j.buf = j.buf[:0]
			return fmt.Errorf("write %s: %w", j.path, err)
		}
	}
	n, err := j.f.WriteAt(j.buf, j.size)
	j.size += int64(n)
	j.buf = j.buf[:0]
	if err != nil {
		return fmt.Errorf("write %s: %w", j.path, err)
	}
	return nil
}

// sync makes what write wrote durable. It may run on another goroutine than write's.
func (j *journal) sync() error {
	if j.failSync != nil {
		if err := j.failSync(); err != nil {
			return fmt.Errorf("sync %s: %w", j.path, err)
		}
	}
	if err := datasync(j.f); err != nil {
		return fmt.Errorf("sync %s: %w", j.path, err)
	}
	return nil
}

// close closes the file, removing it when remove is set (every record folded into the database).
func (j *journal) close(remove bool) error {
	var err error
	if remove {
		err = os.Remove(j.path)
	}
	return errors.Join(err, j.f.Close())
}

// recordFields are a payload's fields, as parsed, without copies.
type recordFields struct {
	runID                                    []byte
	scheduledID, startedID, heartbeats, last int64
	details                                  []byte // nil if the flag says none
	hasDetails                               bool
}

// parseRecord splits a record's payload into its fields; ok is false unless p is exactly one payload.
func parseRecord(p []byte) (f recordFields, ok bool) {
	n, k := binary.Uvarint(p)
	if k <= 0 || n > uint64(len(p)-k) {
		return f, false
	}
	f.runID, p = p[k:k+int(n)], p[k+int(n):]
	for _, dst := range []*int64{&f.scheduledID, &f.startedID, &f.heartbeats, &f.last} {
		v, k := binary.Varint(p)
		if k <= 0 {
			return f, false
		}
		*dst, p = v, p[k:]
	}
	if len(p) < 1 {
		return f, false
	}
	flag := p[0]
	p = p[1:]
	switch flag {
	case 0:
	case 1:
		n, k := binary.Uvarint(p)
		if k <= 0 || n > uint64(len(p)-k) {
			return f, false
		}
		f.details, f.hasDetails, p = p[k:k+int(n)], true, p[k+int(n):]
	default:
		return f, false
	}
	return f, len(p) == 0
}

// decodeRecord decodes a record's payload.
func decodeRecord(p []byte) (journalRecord, bool) {
	f, ok := parseRecord(p)
	if !ok {
		return journalRecord{}, false
	}
	r := journalRecord{runID: string(f.runID), scheduledID: f.scheduledID, startedID: f.startedID,
		heartbeats: f.heartbeats, last: f.last}
	if f.hasDetails {
		d := string(f.details)
		r.details = &d
	}
	return r, true
}
