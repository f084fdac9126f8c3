// Package journal is an append-only file of records that can be trusted
// after a crash. Each record is one line that ends with the CRC-32C of the
// rest of it, and is written with a single write call, so a torn write at
// the end of the file (a kill, a full disk, a power cut before the data
// reached the disk) is detected when the file is opened again and dropped,
// never misread.
//
// A line is: kind TAB key TAB payload TAB crc (8 hex digits) LF. Kind and
// key hold no tab or newline; the payload holds no newline.
package journal

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Record is a record read back from a journal; its payload stays on disk
// until Payload reads it (tick groups are hundreds of kB each).
type Record struct {
	Kind, Key string
	off       int64
	n         int
}

// Journal is an open journal file. It is safe for concurrent use.
type Journal struct {
	path      string
	mu        sync.Mutex
	f         *os.File
	size      int64
	lastSync  time.Time
	syncEvery time.Duration
	records   []Record
	dropped   int64
}

// Open opens the journal at path, creating it if needed, and reads its
// records. A damaged line and everything after it is cut off the file:
// the records before it are kept, the rest is reported by Dropped.
func Open(path string) (*Journal, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	j := &Journal{path: path, f: f, syncEvery: time.Second, lastSync: time.Now()}
	if err := j.load(); err != nil {
		f.Close()
		return nil, err
	}
	return j, nil
}

func (j *Journal) load() error {
	fi, err := j.f.Stat()
	if err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	br := bufio.NewReaderSize(io.NewSectionReader(j.f, 0, fi.Size()), 256<<10)
	var off int64
	for {
		line, err := br.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			break // a last line without its newline is torn: dropped below
		}
		if err != nil {
			return fmt.Errorf("journal %s: %w", j.path, err)
		}
		rec, ok := parse(line)
		if !ok {
			break
		}
		rec.off += off
		j.records = append(j.records, rec)
		off += int64(len(line))
	}
	j.size = off
	if j.dropped = fi.Size() - off; j.dropped > 0 {
		if err := j.f.Truncate(off); err != nil {
			return fmt.Errorf("journal %s: drop the damaged end: %w", j.path, err)
		}
		if err := j.f.Sync(); err != nil {
			return fmt.Errorf("journal %s: %w", j.path, err)
		}
	}
	return nil
}

// parse checks one line (with its newline) and returns its record, with
// off relative to the line's start.
func parse(line []byte) (Record, bool) {
	body, ok := bytes.CutSuffix(line, []byte{'\n'})
	if !ok || len(body) < 9 || body[len(body)-9] != '\t' {
		return Record{}, false
	}
	sum := body[len(body)-8:]
	body = body[:len(body)-9]
	if string(sum) != fmt.Sprintf("%08x", crc32.Checksum(body, castagnoli)) {
		return Record{}, false
	}
	kind, rest, ok1 := bytes.Cut(body, []byte{'\t'})
	key, payload, ok2 := bytes.Cut(rest, []byte{'\t'})
	if !ok1 || !ok2 {
		return Record{}, false
	}
	return Record{Kind: string(kind), Key: string(key), off: int64(len(body) - len(payload)), n: len(payload)}, true
}

// Records are the records the file held when it was opened, in order.
func (j *Journal) Records() []Record { return j.records }

// Dropped is how many bytes of a damaged end Open cut off.
func (j *Journal) Dropped() int64 { return j.dropped }

// Payload reads the payload of a record of this journal.
func (j *Journal) Payload(rec Record) ([]byte, error) {
	b := make([]byte, rec.n)
	if _, err := j.f.ReadAt(b, rec.off); err != nil {
		return nil, fmt.Errorf("journal %s: %w", j.path, err)
	}
	return b, nil
}

// Append adds a record. It is on disk for other processes when Append
// returns, and synced to the device at most a second later (or by Sync).
func (j *Journal) Append(kind, key string, payload []byte) error {
	if strings.ContainsAny(kind, "\t\n") || strings.ContainsAny(key, "\t\n") || bytes.IndexByte(payload, '\n') >= 0 {
		return fmt.Errorf("journal %s: record %s %q has a tab or newline", j.path, kind, key)
	}
	line := make([]byte, 0, len(kind)+len(key)+len(payload)+12)
	line = append(line, kind...)
	line = append(line, '\t')
	line = append(line, key...)
	line = append(line, '\t')
	line = append(line, payload...)
	sum := crc32.Checksum(line, castagnoli)
	line = fmt.Appendf(line, "\t%08x\n", sum)
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return fmt.Errorf("journal %s: closed", j.path)
	}
	// One write at the end: a crash leaves this line whole or torn, and
	// a torn line fails its checksum.
	if _, err := j.f.WriteAt(line, j.size); err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	j.size += int64(len(line))
	if time.Since(j.lastSync) >= j.syncEvery {
		j.lastSync = time.Now()
		if err := j.f.Sync(); err != nil {
			return fmt.Errorf("journal %s: %w", j.path, err)
		}
	}
	return nil
}

// Sync makes every appended record durable.
func (j *Journal) Sync() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return nil
	}
	j.lastSync = time.Now()
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	return nil
}

// Close syncs and closes the file.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return nil
	}
	err := j.f.Sync()
	if e := j.f.Close(); err == nil {
		err = e
	}
	j.f = nil
	if err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	return nil
}
