package archive

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// archiveBytes is the file Writer makes of lines.
func archiveBytes(t testing.TB, lines ...string) []byte {
	t.Helper()
	path := Path(t.TempDir(), "seed")
	w, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		if err := w.Write([]byte(l)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// FuzzArchiveReader reads arbitrary bytes as an archive file: zstd frames
// (whole, torn, corrupt) and plain JSON lines. Errors are fine; a panic is
// not, a value is never returned with its newline, and an uncompressed
// file reads back as exactly its complete lines.
func FuzzArchiveReader(f *testing.F) {
	whole := archiveBytes(f, `{"xid":"a","details":{"steps":1}}`, `{"xid":"b"}`, `[20160101,{"m_steps":1}]`)
	f.Add(whole)
	for _, cut := range []int{1, 4, 5, 12, len(whole) / 2, len(whole) - 4, len(whole) - 1} {
		f.Add(whole[:cut]) // torn tails
	}
	corrupt := bytes.Clone(whole)
	corrupt[len(corrupt)/2] ^= 0xff
	f.Add(corrupt)
	f.Add(append(bytes.Clone(whole), whole...)) // two frames
	f.Add(archiveBytes(f))                      // no lines
	f.Add([]byte("{\"xid\":\"a\"}\n{\"xid\":\"b\"}\n"))
	f.Add([]byte("{\"xid\":\"a\"}\n{\"xid\":\"b\""))
	f.Add([]byte("\n\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "x"+Ext)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		r, err := Open(path)
		if err != nil {
			return
		}
		defer r.Close()
		r.maxLine = 1 << 20 // a small bomb is as good as a big one, and faster
		var lines [][]byte
		var readErr error
		for {
			line, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				readErr = err
				break
			}
			if bytes.IndexByte(line, '\n') >= 0 {
				t.Fatalf("line %d holds a newline", r.Line())
			}
			if r.Line() != len(lines)+1 {
				t.Fatalf("Line() = %d after %d values", r.Line(), len(lines)+1)
			}
			lines = append(lines, bytes.Clone(line))
			if len(lines) > 1<<16 && bytes.HasPrefix(data, zstdMagic) {
				return // a frame of newlines: no end worth waiting for
			}
		}
		if bytes.HasPrefix(data, zstdMagic) {
			return
		}
		// Uncompressed: the values are the complete lines, and a tail
		// without its newline is an error, never a value.
		var want [][]byte
		rest := data
		for {
			i := bytes.IndexByte(rest, '\n')
			if i < 0 {
				break
			}
			want = append(want, rest[:i])
			rest = rest[i+1:]
		}
		if len(lines) != len(want) {
			t.Fatalf("%d values, want %d", len(lines), len(want))
		}
		for i := range want {
			if !bytes.Equal(lines[i], want[i]) {
				t.Fatalf("value %d = %q, want %q", i+1, lines[i], want[i])
			}
		}
		if (len(rest) > 0) != (readErr != nil) {
			t.Fatalf("tail %q, read error %v", rest, readErr)
		}
	})
}

// TestLineLimit: a few bytes of zstd that expand to a line without end are
// an error once the line passes the limit, not gigabytes of memory.
func TestLineLimit(t *testing.T) {
	path := Path(t.TempDir(), "bomb")
	w, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(bytes.Repeat([]byte("a"), 3<<20)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	r.maxLine = 1 << 20
	if _, err := r.Next(); err == nil || !bytes.Contains([]byte(err.Error()), []byte("longer than")) {
		t.Fatalf("err %v, want the line refused", err)
	}
}
