package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func runSchema(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"upexport", "schema"}, args...), strings.NewReader(""), &stdout, &stderr)
	return stdout.String(), stderr.String(), code
}

func TestSchemaCommand(t *testing.T) {
	t.Run("markdown is docs/schema.md", func(t *testing.T) {
		out, errOut, code := runSchema(t)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		want, err := os.ReadFile("../../docs/schema.md")
		if err != nil {
			t.Fatal(err)
		}
		if out != string(want) {
			t.Error("upexport schema differs from docs/schema.md; regenerate: go run ./cmd/upexport schema > docs/schema.md")
		}
	})
	t.Run("json", func(t *testing.T) {
		out, errOut, code := runSchema(t, "--json", "moves_hourly")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var got struct {
			Tables []struct {
				Name    string `json:"name"`
				Columns []struct {
					Name, Type string
				} `json:"columns"`
			} `json:"tables"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if len(got.Tables) != 1 || got.Tables[0].Name != "moves_hourly" {
			t.Fatalf("tables: %+v", got.Tables)
		}
		c := got.Tables[0].Columns[2]
		if c.Name != "hour_start" || c.Type != "timestamp" {
			t.Errorf("third column %+v, want hour_start timestamp", c)
		}
	})
	t.Run("one table", func(t *testing.T) {
		out, _, code := runSchema(t, "sleeps")
		if code != exitOK || !strings.Contains(out, "## sleeps\n") || strings.Contains(out, "## moves\n") {
			t.Errorf("exit %d, output:\n%s", code, out)
		}
	})
	t.Run("unknown table", func(t *testing.T) {
		_, errOut, code := runSchema(t, "steps")
		if code != exitUsage || !strings.Contains(errOut, `unknown table "steps"`) {
			t.Errorf("exit %d, stderr %q", code, errOut)
		}
	})
}
