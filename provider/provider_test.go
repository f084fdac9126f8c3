package provider_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/upexport/upexport/fetch"
	"github.com/upexport/upexport/provider"
	"github.com/upexport/upexport/schema"
)

func keys(json.RawMessage) (provider.Keys, error) { return provider.Keys{}, nil }

// sample is a small valid provider: a profile, items with a detail and a
// child series, and a per-day resource that depends on the items.
func sample(t *testing.T) *provider.Provider {
	t.Helper()
	var decls []*schema.TableDecl
	for _, n := range []string{"me", "items", "items_series", "days"} {
		decls = append(decls, &schema.TableDecl{Name: n, Endpoint: n,
			Columns: []schema.ColumnDecl{schema.Col("id", schema.String, "", "id", "")}})
	}
	cat, err := schema.NewCatalog(decls...)
	if err != nil {
		t.Fatal(err)
	}
	return &provider.Provider{
		Name: "sample", Tables: cat, API: provider.API{WhoAmI: "me"},
		Resources: []provider.Resource{
			{Name: "me", Path: "me", Paginator: &fetch.Single{}, Keys: keys},
			{Name: "items", Path: "items", Detail: "items/{id}", Scopes: []string{"read"}, Paginator: &fetch.Single{}, Keys: keys},
			{Name: "items_series", Path: "items/{id}/series", Parent: "items", Optional: true, Paginator: &fetch.Single{}, Keys: keys},
			{Name: "days", Path: "days", DependsOn: []string{"items"}, Paginator: &fetch.Single{}, Keys: keys},
		},
	}
}

func TestValidate(t *testing.T) {
	if err := sample(t).Validate(); err != nil {
		t.Fatalf("valid provider: %v", err)
	}
	tests := []struct {
		name   string
		mutate func(p *provider.Provider)
		want   string
	}{
		{"bad name", func(p *provider.Provider) { p.Name = "My API" }, "lower-case word"},
		{"no tables", func(p *provider.Provider) { p.Tables = nil }, "no tables"},
		{"twice", func(p *provider.Provider) { p.Resources = append(p.Resources, p.Resources[0]) }, "declared twice"},
		{"no paginator", func(p *provider.Provider) { p.Resources[1].Paginator = nil }, "no paginator"},
		{"no keys", func(p *provider.Provider) { p.Resources[1].Keys = nil }, "no Keys"},
		{"parent after", func(p *provider.Provider) { p.Resources[2].Parent = "days" }, "not declared before it"},
		{"child without id", func(p *provider.Provider) { p.Resources[2].Path = "series" }, "needs {id}"},
		{"dependency", func(p *provider.Provider) { p.Resources[3].DependsOn = []string{"nope"} }, "depends on"},
		{"no table", func(p *provider.Provider) { p.Resources[0].Name = "profile"; p.API.WhoAmI = "profile" }, "no table declared"},
		{"who am i", func(p *provider.Provider) { p.API.WhoAmI = "nobody" }, "WhoAmI"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := sample(t)
			tt.mutate(p)
			err := p.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestSelect(t *testing.T) {
	p := sample(t)
	tests := []struct {
		names    []string
		optional bool
		want     string
		err      bool
	}{
		{nil, false, "me items days", false},
		{nil, true, "me items items_series days", false},
		{[]string{"days"}, false, "days", false},
		{[]string{"items_series"}, false, "items items_series", false},
		{[]string{" items ", ""}, true, "items items_series", false},
		{[]string{"nope"}, false, "", true},
	}
	for _, tt := range tests {
		rs, err := p.Select(tt.names, tt.optional)
		if (err != nil) != tt.err {
			t.Fatalf("Select(%q): %v", tt.names, err)
		}
		var got []string
		for _, r := range rs {
			got = append(got, r.Name)
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("Select(%q, %v) = %v, want %s", tt.names, tt.optional, got, tt.want)
		}
	}
	r, _ := p.Lookup("items")
	if r.Allowed(map[string]bool{"other": true}) || !r.Allowed(map[string]bool{"read": true}) || !r.Allowed(nil) {
		t.Error("Allowed")
	}
	c, _ := p.Lookup("items_series")
	if got := c.ChildPath("a/b"); got != "items/a%2Fb/series" {
		t.Errorf("ChildPath = %s", got)
	}
}

func TestRegistry(t *testing.T) {
	a, b := sample(t), sample(t)
	b.Name = "other"
	r, err := provider.NewRegistry(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := r.Lookup(" Sample "); err != nil || p != a {
		t.Errorf("Lookup = %v, %v", p, err)
	}
	if _, err := r.Lookup("nope"); err == nil || !strings.Contains(err.Error(), "other, sample") {
		t.Errorf("unknown provider: %v", err)
	}
	if _, err := provider.NewRegistry(a, a); err == nil {
		t.Error("a provider registered twice")
	}
}

func TestParseQuota(t *testing.T) {
	for in, want := range map[string]provider.Quota{"150/1h": {150, 3600e9}, "300/10s": {300, 10e9}, "5/m": {5, 60e9},
		" 5/1m30s ": {5, 90e9}} {
		if got, err := provider.ParseQuota(in); err != nil || got != want {
			t.Errorf("ParseQuota(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "150", "0/1h", "-1/1h", "x/1h", "1/0s", "5/", "1/soon"} {
		if _, err := provider.ParseQuota(bad); err == nil {
			t.Errorf("ParseQuota(%q) took it", bad)
		}
	}
}
