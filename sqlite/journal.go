package sqlite

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"syscall"
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
// A reader takes records up to the first one that is short or whose checksum fails: a record the process
// was writing when it died, or one from before the journal last started over (its salt differs). The
// salt is what lets the journal start over by writing a new header, without truncating the file: after
// its first round the journal overwrites blocks the file already has, and a sync then writes data only,
// with no file system metadata (a third less time per sync here than an append that grows the file).

const (
	journalMagic      = "OSWFHB01"
	journalHeaderSize = 16
	// journalFrameSize is a record's length and checksum, before its payload.
	journalFrameSize = 8
	// journalMaxRecord bounds a record's payload. The writer refuses to write a longer one and replay
	// takes one for the end of the journal, through the one check payloadFits: a record that replay would
	// not read is never written, let alone acknowledged. A run id and details are far smaller: the model
	// allows heartbeat details 2048 characters (LimitedData), and no string of SWF's more than 32768
	// (Data), 128 KiB in UTF-8 at most.
	journalMaxRecord = 1 << 20
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

// journal is the open journal file. Only the writer goroutine uses it after Open.
type journal struct {
	f    *os.File
	path string
	salt [8]byte
	size int64 // bytes written, header included
	buf  []byte
	// failSync, when set (by tests), runs before each sync; its error fails the sync.
	failSync func() error
}

// openJournal opens (creating if needed) the journal at path and locks it against other processes, which
// would otherwise write to the same database behind this one's back. It returns the records the file holds.
func openJournal(path string) (*journal, []journalRecord, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, nil, fmt.Errorf("%s is locked: another openswf process uses this database", path)
		}
		return nil, nil, fmt.Errorf("lock %s: %w", path, err)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	return &journal{f: f, path: path}, readJournal(data), nil
}

// readJournal decodes the records of a journal file's contents, up to the first that is incomplete or
// damaged.
func readJournal(data []byte) []journalRecord {
	if len(data) < journalHeaderSize || string(data[:8]) != journalMagic {
		return nil
	}
	salt := data[8:16]
	var recs []journalRecord
	for p := data[journalHeaderSize:]; len(p) >= 8; {
		n := binary.LittleEndian.Uint32(p)
		if !payloadFits(uint64(n)) || int(n) > len(p)-8 {
			break
		}
		payload := p[8 : 8+n]
		crc := crc32.Update(crc32.Checksum(salt, castagnoli), castagnoli, payload)
		if crc != binary.LittleEndian.Uint32(p[4:]) {
			break
		}
		r, ok := decodeRecord(payload)
		if !ok {
			break
		}
		recs = append(recs, r)
		p = p[8+n:]
	}
	return recs
}

// reset starts the journal over, empty, under a new salt, and syncs it. The file keeps its length: what
// lies past the header is from before and fails its checksums.
func (j *journal) reset() error {
	if _, err := rand.Read(j.salt[:]); err != nil {
		return err
	}
	hdr := append([]byte(journalMagic), j.salt[:]...)
	if _, err := j.f.WriteAt(hdr, 0); err != nil {
		return fmt.Errorf("write %s: %w", j.path, err)
	}
	j.size = journalHeaderSize
	if err := syscall.Fdatasync(int(j.f.Fd())); err != nil {
		return fmt.Errorf("sync %s: %w", j.path, err)
	}
	return nil
}

// add encodes r into the pending buffer; write writes it. It refuses a record whose payload is over the
// limit (payloadFits), which replay would not read, and leaves the buffer as it was.
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
	if err := syscall.Fdatasync(int(j.f.Fd())); err != nil {
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

// decodeRecord decodes a record's payload.
func decodeRecord(p []byte) (journalRecord, bool) {
	var r journalRecord
	n, k := binary.Uvarint(p)
	if k <= 0 || n > uint64(len(p)-k) {
		return r, false
	}
	r.runID, p = string(p[k:k+int(n)]), p[k+int(n):]
	for _, dst := range []*int64{&r.scheduledID, &r.startedID, &r.heartbeats, &r.last} {
		v, k := binary.Varint(p)
		if k <= 0 {
			return r, false
		}
		*dst, p = v, p[k:]
	}
	if len(p) < 1 {
		return r, false
	}
	flag := p[0]
	p = p[1:]
	switch flag {
	case 0:
	case 1:
		n, k := binary.Uvarint(p)
		if k <= 0 || n > uint64(len(p)-k) {
			return r, false
		}
		d := string(p[k : k+int(n)])
		r.details, p = &d, p[k+int(n):]
	default:
		return r, false
	}
	return r, len(p) == 0
}
