package upserver

import (
	"encoding/json"
	"fmt"
	"runtime"
	"testing"
)

// TestMemory3650 serves ten years of moves and minute ticks and checks
// the server keeps nothing of it: the heap after the requests is what it
// was before, within a small margin.
func TestMemory3650(t *testing.T) {
	if testing.Short() {
		t.Skip("long")
	}
	s, ts := startServer(t, Config{Days: 3650})
	tok, _, _ := s.IssueToken(0, nil)
	heap := func() uint64 {
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	keys, pages := pageAll(t, ts, tok, APIPrefix+"/users/@me/moves?limit=1000")
	if len(keys) < 3400 || pages != (len(keys)+999)/1000 {
		t.Fatalf("%d moves in %d pages", len(keys), pages)
	}
	ticks := 0
	var peak runtime.MemStats
	for i := 0; i < len(keys); i += 73 { // 50 days spread over ten years
		_, env, _ := apiGet(t, ts, tok, APIPrefix+"/moves/"+keys[i]+"/ticks?limit=2000")
		var p pageJSON
		if err := json.Unmarshal(env.Data, &p); err != nil {
			t.Fatal(err)
		}
		ticks += len(p.Items)
		runtime.ReadMemStats(&peak)
	}
	after := heap()
	growth := int64(after) - int64(before)
	t.Logf("Days=3650: %d moves, %d ticks served; heap %d KiB before, %d KiB after (growth %d KiB); last in-flight heap %d KiB",
		len(keys), ticks, before>>10, after>>10, growth>>10, peak.HeapAlloc>>10)
	if growth > 4<<20 {
		t.Errorf("heap grew by %s serving ten years", fmt.Sprint(growth>>10, " KiB"))
	}
}
