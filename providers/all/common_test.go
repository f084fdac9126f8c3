package all

import (
	"flag"
	"os"
	"testing"

	"github.com/upexport/upexport/schema/common"
)

var update = flag.Bool("update", false, "rewrite docs/common.md")

// TestCommonDoc keeps docs/common.md, the mapping of every provider's
// tables to the common tables, in step with the declarations.
func TestCommonDoc(t *testing.T) {
	var sources []common.Source
	for _, p := range Registry().All() {
		sources = append(sources, common.Source{Provider: p.Name, Maps: p.Common})
	}
	got := common.Document(sources)
	const path = "../../docs/common.md"
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != got {
		t.Errorf("docs/common.md is out of date; regenerate with go test ./providers/all -run TestCommonDoc -update")
	}
}
