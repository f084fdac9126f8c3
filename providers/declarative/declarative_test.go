package declarative

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/upexport/upexport/fetch"
	"github.com/upexport/upexport/provider"
)

const examplePath = "../../examples/providers/notes.yaml"

func TestLoadExample(t *testing.T) {
	p, err := LoadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "notes" || p.API.WhoAmI != "profile" || p.NewDemo == nil || p.Docs != "docs/providers/yaml.md" {
		t.Fatalf("provider: %+v", p)
	}
	if p.OAuth.AuthStyle != 2 || !p.OAuth.PKCE || p.OAuth.AuthParams.Get("prompt") != "consent" || len(p.OAuth.Scopes) != 3 {
		t.Errorf("oauth: %+v", p.OAuth)
	}
	if e := p.API.Envelope; e.Data != "result" || e.User != "account_id" || e.Code != "error.status" || len(e.OK) != 1 {
		t.Errorf("envelope: %+v", e)
	}
	var names []string
	for _, r := range p.Resources {
		names = append(names, r.Name)
	}
	if got := strings.Join(names, ","); got != "profile,tags,notes,comments" {
		t.Fatalf("resources %s", got)
	}
	if !strings.Contains(p.Dictionary.Conventions, "timestamp") || !strings.Contains(p.Dictionary.Origin, examplePath) {
		t.Errorf("dictionary text %+v", p.Dictionary)
	}
	if got := p.API.UserName(json.RawMessage(`{"name":"Ada Example"}`)); got != "Ada Example" {
		t.Errorf("user name %q", got)
	}

	notes, _ := p.Lookup("notes")
	if _, ok := notes.Paginator.(*fetch.Token); !ok || notes.Incremental != provider.ByUpdate {
		t.Errorf("notes: paginator %T, incremental %d", notes.Paginator, notes.Incremental)
	}
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	q := notes.Query(fetch.Window{PageSize: 7, Since: day("2026-01-02"), Until: day("2026-03-04"),
		Prev: fetch.Cursor{HighWater: 1767323045}})
	want := url.Values{"order": {"id"}, "limit": {"7"}, "created_after": {"2026-01-02"}, "created_before": {"2026-03-04"},
		"updated_since": {"2026-01-02T03:04:04Z"}}
	if q.Encode() != want.Encode() {
		t.Errorf("notes query\n got %s\nwant %s", q.Encode(), want.Encode())
	}
	if q := notes.Query(fetch.Window{}); q.Encode() != "order=id" {
		t.Errorf("notes query of a full run without a range: %s", q.Encode())
	}
	k, err := notes.Keys(json.RawMessage(`{"id":"note-00001","created_at":1767323000,"updated_at":1767323045.5}`))
	if err != nil || k != (provider.Keys{ID: "note-00001", Time: 1767323000, Updated: 1767323045}) {
		t.Errorf("notes keys %+v, %v", k, err)
	}

	comments, _ := p.Lookup("comments")
	if pn, ok := comments.Paginator.(*fetch.PageNumber); !ok || pn.Param != "page" || pn.First != 1 || comments.Parent != "notes" {
		t.Errorf("comments: %+v %+v", comments, comments.Paginator)
	}
	if q := comments.Query(fetch.Window{PageSize: 5}); q.Encode() != "per_page=5" {
		t.Errorf("comments query %s", q.Encode())
	}
	tags, _ := p.Lookup("tags")
	if k, err := tags.Keys(json.RawMessage(`{"name":"work"}`)); err != nil || k.Key != "work" || k.ID != "" {
		t.Errorf("tags keys %+v, %v", k, err)
	}

	var tables []string
	for _, tb := range p.Tables.AllTables() {
		tables = append(tables, tb.Name)
	}
	if got := strings.Join(tables, ","); got != "profile,tags,notes,note_attachments,comments" {
		t.Errorf("tables %s", got)
	}
	att := p.Tables.Tables("notes")[1]
	if att.Parent != "notes" || att.Columns[2].Path != "attachments[].name" {
		t.Errorf("attachments table: parent %q, columns %+v", att.Parent, att.Columns)
	}
	if c := p.Tables.Tables("comments")[0]; c.Parent != "notes" || c.TimeColumn != "posted_at" {
		t.Errorf("comments table %+v", c)
	}
}

// mini is the smallest useful declaration; the error cases change one
// line of it. Its line numbers are in the cases' wants.
const mini = `name: mini
oauth:
  auth_url: https://x.example/auth
  token_url: https://x.example/token
api:
  base_url: https://x.example/api
resources:
  - name: items
    path: items
    paginator:
      type: next_link
      items: items
      next: links.next
    keys:
      id: id
      time: {path: created, format: unix}
    tables:
      - name: items
        columns:
          - {name: id, type: string, path: id}
          - {name: created, type: timestamp, path: created}
`

func TestLoadErrors(t *testing.T) {
	if _, err := Load(strings.NewReader(mini), "mini.yaml"); err != nil {
		t.Fatalf("the base declaration: %v", err)
	}
	for _, c := range []struct {
		name, old, new string
		want           string // in the error, which starts with file:line
	}{
		{"unknown top-level key", "name: mini\n", "name: mini\ncolour: red\n", `mini.yaml:2: colour: unknown key "colour"`},
		{"unknown nested key", "      next: links.next", "      nxt: links.next", `mini.yaml:13: resources[0].paginator.nxt: unknown key "nxt"`},
		{"key of another paginator type", "      type: next_link", "      type: single", `mini.yaml:13: resources[0].paginator.next: does not apply to a single paginator`},
		{"unknown paginator type", "      type: next_link", "      type: cursor", `mini.yaml:11: resources[0].paginator.type: unknown paginator type "cursor"`},
		{"missing paginator key", "      next: links.next\n", "", `mini.yaml:10: resources[0].paginator.next: missing`},
		{"missing paginator", "    paginator:\n      type: next_link\n      items: items\n      next: links.next\n", "", `mini.yaml:8: resources[0].paginator.type: missing`},
		{"wrong kind of value", "    path: items", "    path: [a, b]", `mini.yaml:9: resources[0].path: cannot unmarshal`},
		{"wrong kind in a flow mapping", "format: unix}", "format: [unix]}", `mini.yaml:16: resources[0].keys.time.format: cannot unmarshal`},
		{"wrong scalar", "    paginator:\n", "    optional: maybe\n    paginator:\n", "mini.yaml:10: resources[0].optional: cannot unmarshal !!str `maybe`"},
		{"scalar for a mapping", "      time: {path: created, format: unix}", "      time: created", `mini.yaml:16: resources[0].keys.time: want a mapping`},
		{"unknown time format", "format: unix}", "format: epoch}", `mini.yaml:16: resources[0].keys.time.format: unknown format "epoch"`},
		{"bad path", "      id: id", "      id: items[0].id", `mini.yaml:15: resources[0].keys.id: path "items[0].id"`},
		{"unknown column type", "type: timestamp", "type: time", `mini.yaml:21: resources[0].tables[0].columns[1].type: "time"`},
		{"unknown conversion", "{name: id, type: string, path: id}", "{name: id, type: string, path: id, conv: upper}", `mini.yaml:20: resources[0].tables[0].columns[0].conv: unknown conversion "upper"`},
		{"time column not a column", "      - name: items\n", "      - name: items\n        time_column: when\n", `mini.yaml:19: resources[0].tables[0].time_column: "when" is not one of the table's columns`},
		{"catalog: column twice", "{name: created, type: timestamp", "{name: id, type: timestamp", `mini.yaml:18: resources[0].tables[0]: schema: table "items": column "id" declared twice`},
		{"parent not declared", "    path: items\n", "    path: items/{id}\n    parent: nothing\n", `mini.yaml:10: resources[0].parent: "nothing" is not a resource declared before this one`},
		{"second child of one parent", "          - {name: created, type: timestamp, path: created}\n", "          - {name: created, type: timestamp, path: created}\n" + "  - name: a\n    parent: items\n    path: items/{id}/a\n    paginator: {type: single}\n    tables: [{name: a, columns: [{name: x, type: string, path: x}]}]\n" + "  - name: b\n    parent: items\n    path: items/{id}/b\n    paginator: {type: single}\n    tables: [{name: b, columns: [{name: x, type: string, path: x}]}]\n",
			`mini.yaml:28: resources[2].parent: "items" already has the child resource "a"`},
		{"duplicate key", "    path: items\n", "    path: items\n    path: things\n", `mini.yaml:10: resources[0].path: mapping key "path" already defined at line 9`},
		{"yaml syntax", "name: mini", "name: [mini", `mini.yaml:1: did not find expected`},
		{"auth style", "  token_url: https://x.example/token\n", "  token_url: https://x.example/token\n  auth_style: basic\n", `mini.yaml:5: oauth.auth_style: "basic": want auto, params or header`},
		{"relative URL", "  base_url: https://x.example/api", "  base_url: /api", `mini.yaml:6: api.base_url: "/api" is not an absolute http(s) URL`},
		{"who_am_i names nothing", "  base_url: https://x.example/api\n", "  base_url: https://x.example/api\n  who_am_i: me\n", `mini.yaml:7: api.who_am_i: names no resource ("me")`},
		{"by_update without updated", "    tables:\n", "    incremental: {mode: by_update, param: since, format: unix}\n    tables:\n", `mini.yaml:17: resources[0].incremental.mode: by_update needs keys.updated`},
		{"unknown incremental mode", "    tables:\n", "    incremental: {mode: sometimes}\n    tables:\n", `mini.yaml:17: resources[0].incremental.mode: "sometimes"`},
		{"upper-case name", "name: mini", "name: Mini", `mini.yaml:1: name: "Mini"`},
		{"unknown demo", "name: mini\n", "name: mini\ndemo: weather\n", `mini.yaml:2: demo: no built-in emulator "weather"`},
		{"no tables", "    tables:\n      - name: items\n        columns:\n          - {name: id, type: string, path: id}\n          - {name: created, type: timestamp, path: created}\n", "",
			`mini.yaml:8: resources[0].tables: missing`},
		{"date windows inner per day", "      type: next_link\n      items: items\n      next: links.next\n",
			"      type: date_windows\n      start_param: a\n      end_param: b\n      format: date\n      span: 30d\n      inner: {type: per_day, param: d, format: date}\n",
			`mini.yaml:16: resources[0].paginator.inner.type: per_day cannot read a window`},
		{"two documents", "name: mini\n", "name: mini\n---\nname: other\n", `mini.yaml:2: more than one YAML document`},
		{"empty", mini, "", `mini.yaml: empty`},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := mini
			if c.old != "" {
				if !strings.Contains(doc, c.old) {
					t.Fatalf("the base declaration has no %q", c.old)
				}
				doc = strings.Replace(doc, c.old, c.new, 1)
			}
			_, err := Load(strings.NewReader(doc), "mini.yaml")
			if err == nil {
				t.Fatalf("loaded; want an error with %q", c.want)
			}
			if !strings.HasPrefix(err.Error(), c.want) && !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error\n %v\nwant\n %s", err, c.want)
			}
			var le *Error
			if !errors.As(err, &le) || le.File != "mini.yaml" {
				t.Fatalf("%v is not an *Error naming the file", err)
			}
		})
	}
}

func TestKeysFormats(t *testing.T) {
	for _, c := range []struct {
		format, value string
		want          provider.Keys // of time, updated and day all at the value
		err           bool
	}{
		{"unix", `1767323045`, provider.Keys{Time: 1767323045, Updated: 1767323045, Day: 20260102}, false},
		{"unix", `"1767323045"`, provider.Keys{Time: 1767323045, Updated: 1767323045, Day: 20260102}, false},
		{"unix_ms", `1767323045999`, provider.Keys{Time: 1767323045, Updated: 1767323045, Day: 20260102}, false},
		{"rfc3339", `"2026-01-02T03:04:05+01:00"`, provider.Keys{Time: 1767319445, Updated: 1767319445, Day: 20260102}, false},
		{"date", `"2026-01-02"`, provider.Keys{Time: 20260102, Updated: 1767312000, Day: 20260102}, false},
		{"yyyymmdd", `20260102`, provider.Keys{Time: 20260102, Updated: 1767312000, Day: 20260102}, false},
		{"yyyymmdd", `"20260102"`, provider.Keys{Time: 20260102, Updated: 1767312000, Day: 20260102}, false},
		{"unix", `null`, provider.Keys{}, false},
		{"rfc3339", `""`, provider.Keys{}, false},
		{"rfc3339", `"yesterday"`, provider.Keys{}, true},
		{"date", `20260102`, provider.Keys{}, true},
		{"unix", `true`, provider.Keys{}, true},
		{"unix", `1e300`, provider.Keys{}, true},
	} {
		l := &loader{file: "t.yaml"}
		spec := &timeKeySpec{Path: "a.t", Format: c.format}
		keys, err := l.itemKeys(keysSpec{ID: "id", Time: spec, Updated: spec, Day: spec}, "keys")
		if err != nil {
			t.Fatal(err)
		}
		c.want.ID = "x"
		got, err := keys(json.RawMessage(`{"id":"x","a":{"t":` + c.value + `}}`))
		if (err != nil) != c.err || (!c.err && got != c.want) {
			t.Errorf("%s %s: %+v, %v; want %+v (error %v)", c.format, c.value, got, err, c.want, c.err)
		}
	}
	l := &loader{file: "t.yaml"}
	keys, _ := l.itemKeys(keysSpec{ID: "id"}, "keys")
	for _, raw := range []string{`[1]`, `"x"`, `{`, ``} {
		if _, err := keys(json.RawMessage(raw)); err == nil {
			t.Errorf("%q: no error for an item that is not an object", raw)
		}
	}
	if k, err := keys(json.RawMessage(`{"id":42}`)); err != nil || k.ID != "42" {
		t.Errorf("a numeric id: %+v, %v", k, err)
	}
}

func TestLoadFileMissing(t *testing.T) {
	_, err := LoadFile("no/such/file.yaml")
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("%v", err)
	}
}

// TestLoadAliases: an anchor that holds an alias of itself, and a
// document of nested aliases, are refused, not walked for ever.
func TestLoadAliases(t *testing.T) {
	for _, doc := range []string{
		mini + "    window:\n      since: &w {param: *w}\n",
		strings.Replace(mini, "      type: next_link", "      type: date_windows\n      inner: &p {type: single, inner: *p}", 1),
		"name: x\noauth:\n  scopes: &a [*a]\n",
		func() string {
			// Nine levels of nine aliases: 9^9 strings if expanded.
			doc := "name: x\noauth:\n  auth_params:\n    l0: &l0 [x, x, x, x, x, x, x, x, x]\n"
			for i := 1; i < 9; i++ {
				prev := fmt.Sprintf("*l%d", i-1)
				doc += fmt.Sprintf("    l%d: &l%d [%s]\n", i, i, strings.Repeat(prev+", ", 8)+prev)
			}
			return doc
		}(),
	} {
		if _, err := Load(strings.NewReader(doc), "alias.yaml"); err == nil {
			t.Errorf("loaded %q", doc)
		} else {
			t.Log(err)
		}
	}
}
