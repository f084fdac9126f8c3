package journal

import (
	"os"
	"path/filepath"
	"testing"
)

func appendAll(t testing.TB, path string, recs [][3]string) {
	t.Helper()
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := j.Append(r[0], r[1], []byte(r[2])); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
}

func readAll(t testing.TB, path string) ([][3]string, int64) {
	t.Helper()
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	var out [][3]string
	for _, r := range j.Records() {
		p, err := j.Payload(r)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, [3]string{r.Kind, r.Key, string(p)})
	}
	return out, j.Dropped()
}

var sample = [][3]string{
	{"tick", "abc@1", `{"parent_xid":"abc","items":[{"a":1}]}`},
	{"day", "20240101", `[]`},
	{"done", "", `{"x":"tab\there"}`},
}

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	appendAll(t, path, sample[:2])
	appendAll(t, path, sample[2:]) // reopened: appends after the old records
	got, dropped := readAll(t, path)
	if dropped != 0 || len(got) != len(sample) {
		t.Fatalf("got %q, dropped %d", got, dropped)
	}
	for i := range sample {
		if got[i] != sample[i] {
			t.Errorf("record %d = %q, want %q", i, got[i], sample[i])
		}
	}
}

// TestTornTail cuts the file at every byte and flips every byte: the
// records wholly before the damage are read back, nothing after it, and
// the damaged end is cut off so new records follow the good ones.
func TestTornTail(t *testing.T) {
	dir := t.TempDir()
	full := filepath.Join(dir, "full")
	appendAll(t, full, sample)
	data, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	var ends []int // where each record's line ends
	for i, c := range data {
		if c == '\n' {
			ends = append(ends, i+1)
		}
	}
	whole := func(n int) int { // records wholly within the first n bytes
		k := 0
		for _, e := range ends {
			if e <= n {
				k++
			}
		}
		return k
	}
	tests := []struct {
		name string
		data func(i int) []byte
		keep func(i int) int
	}{
		{"cut", func(i int) []byte { return data[:i] }, whole},
		{"flip", func(i int) []byte {
			b := []byte(string(data))
			b[i] ^= 0x20
			return b
		}, whole},
	}
	for _, tt := range tests {
		for i := range len(data) {
			path := filepath.Join(dir, tt.name)
			if err := os.WriteFile(path, tt.data(i), 0o600); err != nil {
				t.Fatal(err)
			}
			got, _ := readAll(t, path)
			want := tt.keep(i)
			if len(got) != want {
				t.Fatalf("%s at %d: read %d records, want %d", tt.name, i, len(got), want)
			}
			for k := range got {
				if got[k] != sample[k] {
					t.Fatalf("%s at %d: record %d = %q", tt.name, i, k, got[k])
				}
			}
			appendAll(t, path, [][3]string{{"after", "", "x"}})
			got, dropped := readAll(t, path)
			if dropped != 0 || len(got) != want+1 || got[want] != [3]string{"after", "", "x"} {
				t.Fatalf("%s at %d: after a new record: %q (dropped %d)", tt.name, i, got, dropped)
			}
		}
	}
}

func TestAppendRefusesNewlines(t *testing.T) {
	j, err := Open(filepath.Join(t.TempDir(), "j"))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	for _, r := range [][3]string{{"a\tb", "", ""}, {"a", "k\n", ""}, {"a", "", "x\ny"}} {
		if err := j.Append(r[0], r[1], []byte(r[2])); err == nil {
			t.Errorf("Append(%q) = nil, want an error", r)
		}
	}
}

// FuzzOpen: any file opens; what it reads back reads back the same after
// a reopen, and nothing is dropped the second time.
func FuzzOpen(f *testing.F) {
	f.Add([]byte("tick\tk\tp\t00000000\n"))
	f.Add([]byte("a\t\t\t"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "j")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		first, _ := readAll(t, path)
		second, dropped := readAll(t, path)
		if dropped != 0 || len(first) != len(second) {
			t.Fatalf("reopen: %d then %d records, dropped %d", len(first), len(second), dropped)
		}
	})
}
