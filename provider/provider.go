// Package provider is the seam between upexport and the APIs it exports
// from. A Provider value says everything about one API: how to log in,
// where its answers keep their data, which resources it has and how each
// is paged, and the typed tables its items become. The engine, the login
// and the command line read Providers and know no API; each API lives in
// its own package under providers/, which builds one Provider.
package provider

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/upexport/upexport/fetch"
	"github.com/upexport/upexport/fetch/auth"
	"github.com/upexport/upexport/schema"
	"github.com/upexport/upexport/schema/common"
)

// Provider describes one API.
type Provider struct {
	// Name is the provider's key: the --provider value, part of the
	// token file's name, and the manifest's provider.
	Name string
	// Title names the API for people ("Jawbone UP API v1.1").
	Title string
	// Docs is the repository path of the API's reference in the project's
	// own words, with its sources (docs/providers/<name>.md).
	Docs  string
	OAuth OAuth
	API   API
	// Resources are the API's readable resources, in export order.
	Resources []Resource
	// Tables are the typed tables the resources' items become; each
	// resource's items feed the tables declared for its name.
	Tables *schema.Catalog
	// Common says how the provider's tables fill the common tables
	// (export --common); a common table no mapping fills is written empty.
	Common []common.Mapping
	// Dictionary is the text around the data dictionary of its tables
	// (upexport schema, docs/schema.md).
	Dictionary schema.DictionaryText
	// NewDemo makes the provider's emulator, for export --demo and the
	// tests; nil when the provider has none.
	NewDemo func(opts DemoOptions) (Demo, error)
}

// OAuth is how a person logs in to the API (OAuth 2.0).
type OAuth struct {
	AuthURL, TokenURL string
	// DeviceURL is the RFC 8628 device authorization endpoint; empty when
	// the API has none.
	DeviceURL string
	// RevokeURL is the RFC 7009 revocation endpoint; empty when none.
	RevokeURL string
	// AuthStyle is how the client authenticates at the token endpoint.
	AuthStyle oauth2.AuthStyle
	// PKCE says the server supports RFC 7636 (S256).
	PKCE bool
	// AuthParams are sent with the authorization request, TokenParams with
	// every token request (code exchange and refresh).
	AuthParams, TokenParams url.Values
	// TokenResponse, when set, rewrites the token endpoint's answer into
	// an RFC 6749 one, for servers that wrap it in an envelope. It gets the
	// HTTP status and body and returns those of the standard answer.
	TokenResponse func(status int, body []byte) (int, []byte, error)
	// Scopes are those an export asks for by default.
	Scopes []string
	// ScopeSeparator joins scopes in the authorization request; a space
	// when empty.
	ScopeSeparator string
	// Unauthorized, when set, reports whether an HTTP 200 answer of the
	// API rejects the access token in its body; the login then refreshes
	// the token and replays the request once, as for an HTTP 401.
	Unauthorized func(body []byte) bool
}

// API is how the API answers.
type API struct {
	// BaseURL is the root that resource paths are relative to.
	BaseURL  string
	Envelope fetch.Envelope
	// WhoAmI names the resource that tells whose data a login reads, in
	// one cheap request; empty when there is none.
	WhoAmI string
	// UserName, when set, reads a person's name from WhoAmI's answer.
	UserName func(json.RawMessage) string
	// Header is sent with every API request (fetch.Options.Header) and
	// recorded in the manifest: what the API reads from headers and that
	// changes the data (Fitbit's Accept-Language picks the units).
	Header http.Header
}

// Resource is one readable resource of the API.
type Resource struct {
	Name string // the resource's key: in flags, the archive and the tables
	Doc  string // one line for people
	// Path is relative to the API's base URL. A child resource's path
	// holds "{id}", replaced by the parent item's id.
	Path   string
	Scopes []string // every scope the login needs to read it
	// Query returns the parameters of a run's first request, given what
	// the run asks for; nil sends none.
	Query     func(w fetch.Window) url.Values
	Paginator fetch.Paginator
	// Keys reads what the engine needs of one item: its identity and the
	// times that order and merge it.
	Keys func(raw json.RawMessage) (Keys, error)
	// Incremental says how a run that updates an earlier export reads the
	// resource. Resources that are not incremental are read whole.
	Incremental Incremental
	// Detail, when set, is a path with "{id}" asked for every new or
	// changed item; its answer replaces the item (a list that lacks what
	// only the single item carries).
	Detail string
	// Parent is set on a child resource: it is read once per item of the
	// parent, which must come before it in Resources, and its archive
	// holds one group of items per parent item.
	Parent string
	// Optional resources are read only when asked for by name or with
	// --ticks (child series that multiply the requests).
	Optional bool
	// DependsOn names resources whose items' days this one is asked about
	// when no --since is given (Window.Days).
	DependsOn []string
}

// Incremental is how a resource is read again on an incremental run.
type Incremental uint8

const (
	// Whole resources are read completely on every run.
	Whole Incremental = iota
	// ByUpdate resources are asked for items updated after the newest
	// update the last run saw (Cursor.HighWater) and merged into the
	// earlier archive by key; items without update times by creation
	// time, a week back.
	ByUpdate
	// ByDay resources are asked again from a week before the last run's
	// newest day (Cursor.LastDate) and merged by key.
	ByDay
	// ByDayReplace is ByDay for items that carry no update time: a
	// fetched copy always replaces the archived one.
	ByDayReplace
)

// Keys is what the engine reads of an item.
type Keys struct {
	// ID identifies the item in the API (an xid, a grpid); "" when it has
	// none. Details and child resources are asked for by ID.
	ID string
	// Key identifies the item for merging; ID when empty, and the whole
	// item's text when both are empty.
	Key string
	// Time orders the items (creation time, Unix seconds, or a YYYYMMDD
	// day for daily items); Updated is the last update, Unix seconds, 0
	// when unknown; Day is the item's day, YYYYMMDD, 0 when it has none.
	Time, Updated int64
	Day           int64
}

// DemoOptions configure an emulator started for export --demo.
type DemoOptions struct {
	Seed int64 // of the synthetic data: the same seed serves the same bytes
	Days int   // of history; 0 is the emulator's default
	// Quota, when set, is requests per fixed window per user, announced
	// in headers and enforced as the API does.
	Quota Quota
	// AutoApprove approves consent and device codes without a person.
	AutoApprove bool
	// End, when set, is the instant the emulator's data ends at (its day
	// in the emulated person's zone) instead of the emulator's clock, so
	// that emulators made on either side of a midnight serve the same
	// data. Emulators whose data ends on a fixed day ignore it.
	End time.Time
}

// Demo is an emulator of the API, served by the caller.
type Demo interface {
	http.Handler
	// Info says where the emulator's endpoints are when it is served at
	// baseURL, and the demo app's client credentials.
	Info(baseURL string) DemoInfo
}

// DemoInfo locates a served emulator.
type DemoInfo struct {
	APIURL, AuthURL, TokenURL, DeviceURL, RevokeURL, Issuer string
	ClientID, ClientSecret                                  string
}

// Lookup returns the named resource.
func (p *Provider) Lookup(name string) (Resource, bool) {
	i := slices.IndexFunc(p.Resources, func(r Resource) bool { return r.Name == name })
	if i < 0 {
		return Resource{}, false
	}
	return p.Resources[i], true
}

// AllScopes is every scope the login asks for by default or a resource
// needs: what an emulator grants a demo login.
func (p *Provider) AllScopes() []string {
	out := slices.Clone(p.OAuth.Scopes)
	for _, r := range p.Resources {
		for _, sc := range r.Scopes {
			if !slices.Contains(out, sc) {
				out = append(out, sc)
			}
		}
	}
	return out
}

// Children returns the child resources of parent, in export order.
func (p *Provider) Children(parent string) []Resource {
	var out []Resource
	for _, r := range p.Resources {
		if r.Parent == parent {
			out = append(out, r)
		}
	}
	return out
}

// Select returns the resources to export for the names given (all that
// are not optional when names is empty) and, with optional set, the
// optional resources of those selected. A child brings its parent. An
// unknown name is an error that lists the known ones.
func (p *Provider) Select(names []string, optional bool) ([]Resource, error) {
	want := map[string]bool{}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		r, ok := p.Lookup(n)
		if !ok {
			return nil, fmt.Errorf("%s has no resource %q (known: %s)", p.Name, n, strings.Join(p.names(), ", "))
		}
		want[r.Name] = true
		for r.Parent != "" {
			want[r.Parent] = true
			r, _ = p.Lookup(r.Parent)
		}
	}
	all := len(want) == 0
	var out []Resource
	for _, r := range p.Resources {
		picked := all || want[r.Name]
		if r.Optional {
			picked = want[r.Name] || optional && (all || want[r.Parent])
		}
		if picked {
			out = append(out, r)
		}
	}
	return out, nil
}

func (p *Provider) names() []string {
	var n []string
	for _, r := range p.Resources {
		n = append(n, r.Name)
	}
	sort.Strings(n)
	return n
}

// Allowed reports whether granted scopes allow the resource. A nil granted
// set means the server did not say, so everything is tried.
func (r Resource) Allowed(granted map[string]bool) bool {
	if granted == nil {
		return true
	}
	for _, s := range r.Scopes {
		if !granted[s] {
			return false
		}
	}
	return true
}

// ChildPath is the path of a child resource for one parent item.
func (r Resource) ChildPath(parentID string) string {
	return strings.ReplaceAll(r.Path, "{id}", url.PathEscape(parentID))
}

// Validate reports the first inconsistency in the declaration: what a
// provider's own test runs, so that a mistake fails there and not in a
// user's export.
func (p *Provider) Validate() error {
	var errs []error
	if p.Name == "" || strings.ToLower(p.Name) != p.Name || strings.ContainsAny(p.Name, " /\\.") {
		errs = append(errs, fmt.Errorf("provider name %q: want a lower-case word", p.Name))
	}
	if p.Tables == nil {
		errs = append(errs, fmt.Errorf("%s: no tables", p.Name))
	}
	seen := map[string]bool{}
	for i, r := range p.Resources {
		where := fmt.Sprintf("%s resource %q", p.Name, r.Name)
		switch {
		case r.Name == "":
			errs = append(errs, fmt.Errorf("%s resource %d: no name", p.Name, i))
		case seen[r.Name]:
			errs = append(errs, fmt.Errorf("%s: declared twice", where))
		}
		seen[r.Name] = true
		if r.Paginator == nil {
			errs = append(errs, fmt.Errorf("%s: no paginator", where))
		}
		if r.Keys == nil {
			errs = append(errs, fmt.Errorf("%s: no Keys", where))
		}
		if r.Parent != "" && !seen[r.Parent] {
			errs = append(errs, fmt.Errorf("%s: parent %q is not declared before it", where, r.Parent))
		}
		if (r.Parent != "" || r.Detail != "") && !strings.Contains(r.Path+r.Detail, "{id}") {
			errs = append(errs, fmt.Errorf("%s: a child or detail path needs {id}", where))
		}
		for _, d := range r.DependsOn {
			if !seen[d] {
				errs = append(errs, fmt.Errorf("%s: depends on %q, which is not declared before it", where, d))
			}
		}
		if p.Tables != nil && len(p.Tables.Tables(r.Name)) == 0 {
			errs = append(errs, fmt.Errorf("%s: no table declared for it", where))
		}
	}
	if p.Tables != nil {
		byName := map[string]*schema.Table{}
		for _, t := range p.Tables.AllTables() {
			byName[t.Name] = t
		}
		if err := common.Validate(p.Common, func(name string) (*schema.Table, bool) {
			t, ok := byName[name]
			return t, ok
		}); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p.Name, err))
		}
	}
	if p.API.WhoAmI != "" && !seen[p.API.WhoAmI] {
		errs = append(errs, fmt.Errorf("%s: WhoAmI names no resource (%q)", p.Name, p.API.WhoAmI))
	}
	return errors.Join(errs...)
}

// Registry holds the providers a build of upexport knows.
type Registry struct {
	byName map[string]*Provider
}

// NewRegistry returns a registry of ps, which must have distinct names.
func NewRegistry(ps ...*Provider) (*Registry, error) {
	r := &Registry{byName: map[string]*Provider{}}
	for _, p := range ps {
		if err := r.Add(p); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Add registers p.
func (r *Registry) Add(p *Provider) error {
	if _, dup := r.byName[p.Name]; dup {
		return fmt.Errorf("provider %q registered twice", p.Name)
	}
	r.byName[p.Name] = p
	return nil
}

// Lookup returns the named provider, or an error listing the known ones.
func (r *Registry) Lookup(name string) (*Provider, error) {
	if p, ok := r.byName[strings.ToLower(strings.TrimSpace(name))]; ok {
		return p, nil
	}
	return nil, fmt.Errorf("unknown provider %q (known: %s)", name, strings.Join(r.Names(), ", "))
}

// Names lists the registered providers, sorted.
func (r *Registry) Names() []string {
	var out []string
	for n := range r.byName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// All returns the registered providers, sorted by name.
func (r *Registry) All() []*Provider {
	var out []*Provider
	for _, n := range r.Names() {
		out = append(out, r.byName[n])
	}
	return out
}

// WithHooks returns s with the provider's departures from RFC 6749 and
// RFC 6750: its scope separator, the extra parameters and answer
// rewriting of its authorization and token endpoints, and its in-band
// rejection of an access token.
func (o OAuth) WithHooks(s auth.Server) auth.Server {
	s.ScopeSeparator = o.ScopeSeparator
	s.AuthParams = o.AuthParams
	s.TokenParams = o.TokenParams
	s.TokenResponse = o.TokenResponse
	s.Unauthorized = o.Unauthorized
	return s
}
