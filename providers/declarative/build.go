package declarative

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/upexport/upexport/fetch"
	"github.com/upexport/upexport/provider"
	"github.com/upexport/upexport/schema"
)

// conventions are the rules every table of a declared provider follows,
// at the top of its data dictionary.
const conventions = "- `timestamp`: an instant in UTC, microseconds since 1970-01-01 (the source has Unix seconds).\n" +
	"- `date`: a calendar date (the source has a YYYYMMDD number).\n" +
	"- A missing field, `null` and `\"\"` are null, never 0.\n" +
	"- A value that contradicts its column's type stops the export with an error naming table, column and value; with `--lenient` it becomes null and is counted.\n" +
	"- Fields not in this dictionary are never dropped silently: they become extra columns, are listed in the manifest and warned about; `--strict-schema` makes them an error."

// build turns a decoded file into a provider, checking what the decoder
// cannot: required keys, names from closed sets, and references between
// resources.
func (l *loader) build(s *fileSpec) (*provider.Provider, error) {
	if s.Name == "" {
		return nil, l.errorf("name", "missing: the provider's name (a lower-case word)")
	}
	if strings.ToLower(s.Name) != s.Name || strings.ContainsAny(s.Name, " /\\.") {
		return nil, l.errorf("name", "%q: want a lower-case word without spaces, slashes or dots", s.Name)
	}
	p := &provider.Provider{
		Name: s.Name, Title: s.Title, Docs: s.Docs,
		Dictionary: schema.DictionaryText{
			Origin: "Generated from the declarations in " + l.file + "; do not edit.\n" +
				"     Regenerate: upexport schema --provider-file " + l.file,
			Conventions: conventions,
		},
	}
	if p.Title == "" {
		p.Title = s.Name
	}
	var err error
	if p.OAuth, err = l.oauth(s.OAuth); err != nil {
		return nil, err
	}
	if p.API, err = l.api(s.API); err != nil {
		return nil, err
	}
	if s.Demo != "" {
		if p.NewDemo = demo(s.Demo); p.NewDemo == nil {
			return nil, l.errorf("demo", "no built-in emulator %q (known: %s)", s.Demo, strings.Join(demoNames(), ", "))
		}
	}
	if len(s.Resources) == 0 {
		return nil, l.errorf("resources", "missing: at least one resource")
	}
	seen := map[string]int{}
	var decls []*schema.TableDecl
	var declAt []string // the path of each decl, for the catalog's errors
	rootTable := map[string]string{}
	children := map[string]string{}
	for i := range s.Resources {
		rs := &s.Resources[i]
		at := fmt.Sprintf("resources[%d]", i)
		r, err := l.resource(rs, at, seen, children)
		if err != nil {
			return nil, err
		}
		seen[r.Name] = i
		p.Resources = append(p.Resources, r)
		ds, err := l.tables(rs, at, rootTable)
		if err != nil {
			return nil, err
		}
		for j, d := range ds {
			decls = append(decls, d)
			declAt = append(declAt, fmt.Sprintf("%s.tables[%d]", at, j))
		}
	}
	if w := s.API.WhoAmI; w != "" {
		if _, ok := seen[w]; !ok {
			return nil, l.errorf("api.who_am_i", "names no resource (%q)", w)
		}
	}
	// The catalog is built a table at a time so that its complaint names
	// the table that caused it.
	for i := range decls {
		c, err := schema.NewCatalog(decls[:i+1]...)
		if err != nil {
			return nil, l.errorf(declAt[i], "%v", err)
		}
		p.Tables = c
	}
	if err := p.Validate(); err != nil {
		return nil, &Error{File: l.file, Err: err}
	}
	return p, nil
}

func (l *loader) oauth(o oauthSpec) (provider.OAuth, error) {
	out := provider.OAuth{
		AuthURL: o.AuthURL, TokenURL: o.TokenURL, DeviceURL: o.DeviceURL, RevokeURL: o.RevokeURL,
		PKCE: o.PKCE, Scopes: o.Scopes, ScopeSeparator: o.ScopeSeparator,
		AuthParams: values(o.AuthParams), TokenParams: values(o.TokenParams),
	}
	for _, k := range [][2]string{{"auth_url", o.AuthURL}, {"token_url", o.TokenURL}, {"device_url", o.DeviceURL}, {"revoke_url", o.RevokeURL}} {
		key, u := k[0], k[1]
		if err := l.checkURL("oauth."+key, u, key == "auth_url" || key == "token_url"); err != nil {
			return out, err
		}
	}
	switch o.AuthStyle {
	case "", "auto":
		out.AuthStyle = oauth2.AuthStyleAutoDetect
	case "params":
		out.AuthStyle = oauth2.AuthStyleInParams
	case "header":
		out.AuthStyle = oauth2.AuthStyleInHeader
	default:
		return out, l.errorf("oauth.auth_style", "%q: want auto, params or header", o.AuthStyle)
	}
	return out, nil
}

// checkURL refuses a URL that is not absolute http(s).
func (l *loader) checkURL(key, raw string, required bool) error {
	if raw == "" {
		if required {
			return l.errorf(key, "missing: an absolute https URL")
		}
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return l.errorf(key, "%q is not an absolute http(s) URL", raw)
	}
	return nil
}

func values(m map[string]string) url.Values {
	if len(m) == 0 {
		return nil
	}
	v := url.Values{}
	for k, s := range m {
		v.Set(k, s)
	}
	return v
}

func (l *loader) api(a apiSpec) (provider.API, error) {
	out := provider.API{BaseURL: a.BaseURL, WhoAmI: a.WhoAmI}
	if err := l.checkURL("api.base_url", a.BaseURL, true); err != nil {
		return out, err
	}
	e := a.Envelope
	out.Envelope = fetch.Envelope{Data: e.Data, User: e.User, Code: e.Code, OK: e.OK, Status: e.Status,
		Message: e.Message, ErrorType: e.ErrorType, ErrorDetail: e.ErrorDetail}
	for _, k := range [][2]string{{"data", e.Data}, {"user", e.User}, {"code", e.Code}, {"message", e.Message},
		{"error_type", e.ErrorType}, {"error_detail", e.ErrorDetail}} {
		if err := checkPath(k[1]); err != nil {
			return out, l.errorf("api.envelope."+k[0], "%v", err)
		}
	}
	if (len(e.OK) > 0 || len(e.Status) > 0) && e.Code == "" {
		return out, l.errorf("api.envelope.code", "missing: ok and status read the in-band code at this path")
	}
	if a.UserName != "" {
		if a.WhoAmI == "" {
			return out, l.errorf("api.user_name", "needs who_am_i: the name is read from its item")
		}
		r, err := compilePaths(a.UserName)
		if err != nil {
			return out, l.errorf("api.user_name", "%v", err)
		}
		out.UserName = func(raw json.RawMessage) string {
			var name string
			_ = r.read(raw, func(vals []fieldValue) error { name = vals[0].text(); return nil })
			return name
		}
	}
	return out, nil
}

// resource builds one resource; seen holds those declared before it,
// children the child resource of each parent.
func (l *loader) resource(s *resourceSpec, at string, seen map[string]int, children map[string]string) (provider.Resource, error) {
	r := provider.Resource{Name: s.Name, Doc: s.Doc, Path: s.Path, Scopes: s.Scopes, Detail: s.Detail,
		Parent: s.Parent, Optional: s.Optional, DependsOn: s.DependsOn}
	switch {
	case s.Name == "":
		return r, l.errorf(at+".name", "missing: the resource's name")
	case strings.ContainsAny(s.Name, " /\\.,") || strings.ToLower(s.Name) != s.Name:
		return r, l.errorf(at+".name", "%q: want a lower-case word (it names files and flags)", s.Name)
	case s.Path == "":
		return r, l.errorf(at+".path", "missing: the path below api.base_url")
	}
	if i, dup := seen[s.Name]; dup {
		return r, l.errorf(at+".name", "resource %q is declared twice (first as resources[%d])", s.Name, i)
	}
	if s.Parent != "" {
		if _, ok := seen[s.Parent]; !ok {
			return r, l.errorf(at+".parent", "%q is not a resource declared before this one", s.Parent)
		}
		// The engine reads one child per parent.
		if prev, ok := children[s.Parent]; ok {
			return r, l.errorf(at+".parent", "%q already has the child resource %q: a resource has at most one", s.Parent, prev)
		}
		children[s.Parent] = s.Name
		if !strings.Contains(s.Path, "{id}") {
			return r, l.errorf(at+".path", "a child resource's path needs {id}, the parent item's id")
		}
	}
	if s.Detail != "" && !strings.Contains(s.Detail, "{id}") {
		return r, l.errorf(at+".detail", "needs {id}, the item's id")
	}
	for i, d := range s.DependsOn {
		if _, ok := seen[d]; !ok {
			return r, l.errorf(fmt.Sprintf("%s.depends_on[%d]", at, i), "%q is not a resource declared before this one", d)
		}
	}
	pg, pageSize, err := l.paginator(&s.Paginator, at+".paginator")
	if err != nil {
		return r, err
	}
	r.Paginator = pg
	if r.Keys, err = l.itemKeys(s.Keys, at+".keys"); err != nil {
		return r, err
	}
	q := query{static: values(s.Params), pageSize: pageSize}
	switch s.Incremental.Mode {
	case "", "whole":
		r.Incremental = provider.Whole
		if s.Incremental.Param != "" || s.Incremental.Format != "" {
			return r, l.errorf(at+".incremental.param", "a whole resource is read whole: it has no cursor parameter")
		}
	case "by_update":
		r.Incremental = provider.ByUpdate
		if s.Keys.Updated == nil {
			return r, l.errorf(at+".incremental.mode", "by_update needs keys.updated: the cursor is the newest update time")
		}
		if s.Incremental.Param == "" {
			return r, l.errorf(at+".incremental.param", "missing: the query parameter that carries the cursor")
		}
		f, err := l.format(at+".incremental.format", s.Incremental.Format)
		if err != nil {
			return r, err
		}
		q.cursor = &param{name: s.Incremental.Param, format: f}
	case "by_day", "by_day_replace":
		r.Incremental = provider.ByDay
		if s.Incremental.Mode == "by_day_replace" {
			r.Incremental = provider.ByDayReplace
		}
		if s.Keys.Day == nil {
			return r, l.errorf(at+".incremental.mode", "%s needs keys.day: the cursor is the newest day", s.Incremental.Mode)
		}
		if s.Incremental.Param != "" || s.Incremental.Format != "" {
			return r, l.errorf(at+".incremental.param", "%s has no cursor parameter: the paginator asks for the days again", s.Incremental.Mode)
		}
	default:
		return r, l.errorf(at+".incremental.mode", "%q: want whole, by_update, by_day or by_day_replace", s.Incremental.Mode)
	}
	for _, key := range []string{"since", "until"} {
		ps := s.Window.Since
		if key == "until" {
			ps = s.Window.Until
		}
		if ps == nil {
			continue
		}
		where := at + ".window." + key
		if ps.Param == "" {
			return r, l.errorf(where+".param", "missing: the query parameter")
		}
		f, err := l.format(where+".format", ps.Format)
		if err != nil {
			return r, err
		}
		if key == "since" {
			q.since = &param{name: ps.Param, format: f}
		} else {
			q.until = &param{name: ps.Param, format: f}
		}
	}
	if !q.empty() {
		r.Query = q.values
	}
	return r, nil
}

// query is the parameters of a resource's first request.
type query struct {
	static               url.Values
	pageSize             string
	since, until, cursor *param
}

type param struct {
	name   string
	format timeFormat
}

func (q query) empty() bool {
	return len(q.static) == 0 && q.pageSize == "" && q.since == nil && q.until == nil && q.cursor == nil
}

func (q query) values(w fetch.Window) url.Values {
	v := url.Values{}
	for k, s := range q.static {
		v[k] = slices.Clone(s)
	}
	if q.pageSize != "" && w.PageSize > 0 {
		v.Set(q.pageSize, strconv.Itoa(w.PageSize))
	}
	if q.since != nil && !w.Since.IsZero() {
		v.Set(q.since.name, q.since.format.format(w.Since))
	}
	if q.until != nil && !w.Until.IsZero() {
		v.Set(q.until.name, q.until.format.format(w.Until))
	}
	if q.cursor != nil && w.Prev.HighWater > 0 {
		// One second of overlap: an item updated in the same second as
		// the last run's newest is asked for again rather than missed;
		// the merge drops the repeat.
		v.Set(q.cursor.name, q.cursor.format.format(time.Unix(w.Prev.HighWater-1, 0).UTC()))
	}
	return v
}

// paginatorKeys are the keys each paginator type takes besides type.
var paginatorKeys = map[string][]string{
	"next_link":    {"items", "next", "page_size"},
	"token":        {"items", "next", "param", "page_size"},
	"offset":       {"items", "more", "offset", "param", "page_size"},
	"page_number":  {"items", "param", "first", "page_size"},
	"single":       {"items"},
	"per_day":      {"param", "format", "not_found_is_empty", "lookback"},
	"date_windows": {"start_param", "end_param", "format", "span", "earliest", "end_inclusive", "inner"},
}

// paginator builds the paginator at path and returns the query parameter
// that carries the page size ("" for none).
func (l *loader) paginator(s *paginatorSpec, at string) (fetch.Paginator, string, error) {
	allowed, ok := paginatorKeys[s.Type]
	if !ok {
		var types []string
		for t := range paginatorKeys {
			types = append(types, t)
		}
		sort.Strings(types)
		if s.Type == "" {
			return nil, "", l.errorf(at+".type", "missing: one of %s", strings.Join(types, ", "))
		}
		return nil, "", l.errorf(at+".type", "unknown paginator type %q (want one of %s)", s.Type, strings.Join(types, ", "))
	}
	if n := l.values[at]; n != nil {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if k != "type" && !slices.Contains(allowed, k) {
				return nil, "", l.errorf(at+"."+k, "does not apply to a %s paginator (its keys: type, %s)", s.Type, strings.Join(allowed, ", "))
			}
		}
	}
	for _, key := range []struct{ name, path string }{{"items", s.Items}, {"next", s.Next}, {"more", s.More}, {"offset", s.Offset}} {
		if key.path == fetch.AnyItems && key.name == "items" && s.Type == "single" {
			continue
		}
		if err := checkPath(key.path); err != nil {
			return nil, "", l.errorf(at+"."+key.name, "%v", err)
		}
	}
	need := func(key, v string) error {
		if v == "" {
			return l.errorf(at+"."+key, "missing: a %s paginator needs %s", s.Type, key)
		}
		return nil
	}
	switch s.Type {
	case "next_link":
		if err := need("next", s.Next); err != nil {
			return nil, "", err
		}
		return &fetch.NextLink{Items: s.Items, Next: s.Next}, s.PageSize, nil
	case "token":
		for _, k := range [][2]string{{"next", s.Next}, {"param", s.Param}} {
			if err := need(k[0], k[1]); err != nil {
				return nil, "", err
			}
		}
		return &fetch.Token{Items: s.Items, Next: s.Next, Param: s.Param}, s.PageSize, nil
	case "offset":
		for _, k := range [][2]string{{"more", s.More}, {"param", s.Param}} {
			if err := need(k[0], k[1]); err != nil {
				return nil, "", err
			}
		}
		return &fetch.Offset{Items: s.Items, More: s.More, Offset: s.Offset, Param: s.Param}, s.PageSize, nil
	case "page_number":
		if err := need("param", s.Param); err != nil {
			return nil, "", err
		}
		first := 1
		if s.First != nil {
			first = *s.First
		}
		if first < 0 {
			return nil, "", l.errorf(at+".first", "%d: a page number is not negative", first)
		}
		return &fetch.PageNumber{Items: s.Items, Param: s.Param, First: first}, s.PageSize, nil
	case "single":
		return &fetch.Single{Items: s.Items}, "", nil
	case "per_day":
		if err := need("param", s.Param); err != nil {
			return nil, "", err
		}
		f, err := l.format(at+".format", s.Format)
		if err != nil {
			return nil, "", err
		}
		if f.layout == "" {
			return nil, "", l.errorf(at+".format", "%q: a day is asked for as date, yyyymmdd or rfc3339", s.Format)
		}
		lb, err := l.duration(at+".lookback", s.Lookback)
		if err != nil {
			return nil, "", err
		}
		return &fetch.PerDay{Param: s.Param, Format: f.layout, NotFoundIsEmpty: s.NotFoundIsEmpty, Lookback: lb}, "", nil
	case "date_windows":
		for _, k := range [][2]string{{"start_param", s.StartParam}, {"end_param", s.EndParam}, {"span", s.Span}} {
			if err := need(k[0], k[1]); err != nil {
				return nil, "", err
			}
		}
		f, err := l.format(at+".format", s.Format)
		if err != nil {
			return nil, "", err
		}
		layout := f.layout
		if f.name == "unix" {
			layout = "unix"
		} else if layout == "" {
			return nil, "", l.errorf(at+".format", "%q: window bounds are date, yyyymmdd, rfc3339 or unix", s.Format)
		}
		span, err := l.duration(at+".span", s.Span)
		if err != nil {
			return nil, "", err
		}
		if span <= 0 {
			return nil, "", l.errorf(at+".span", "must be positive")
		}
		earliest, err := l.duration(at+".earliest", s.Earliest)
		if err != nil {
			return nil, "", err
		}
		if earliest == 0 {
			earliest = span
		}
		if s.Inner == nil {
			return nil, "", l.errorf(at+".inner", "missing: the paginator that reads each window")
		}
		if t := s.Inner.Type; t == "date_windows" || t == "per_day" {
			return nil, "", l.errorf(at+".inner.type", "%s cannot read a window: use a paging type", t)
		}
		inner, pageSize, err := l.paginator(s.Inner, at+".inner")
		if err != nil {
			return nil, "", err
		}
		return &fetch.DateWindows{Inner: inner, StartParam: s.StartParam, EndParam: s.EndParam, Format: layout,
			Span: span, Earliest: earliest, EndInclusiveLastDay: s.EndInclusive}, pageSize, nil
	}
	panic("unreachable: paginatorKeys and the switch disagree on " + s.Type)
}

// duration reads "36h", "30d" (days) or "" (0).
func (l *loader) duration(at, s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	if n, ok := strings.CutSuffix(s, "d"); ok {
		if d, err := strconv.Atoi(n); err == nil && d >= 0 && d <= 36500 {
			return time.Duration(d) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, l.errorf(at, "%q is not a duration like 30d or 36h", s)
	}
	return d, nil
}

func (l *loader) format(at, name string) (timeFormat, error) {
	f, ok := timeFormats[name]
	if !ok {
		if name == "" {
			return f, l.errorf(at, "missing: one of %s", formatNames())
		}
		return f, l.errorf(at, "unknown format %q (want one of %s)", name, formatNames())
	}
	return f, nil
}

// columnTypes are the column types by their names in the file.
var columnTypes = map[string]schema.Type{
	"int64": schema.Int64, "float64": schema.Float64, "bool": schema.Bool,
	"string": schema.String, "timestamp": schema.Timestamp, "date": schema.Date,
}

var convs = map[string]schema.Conv{
	"": schema.ConvDefault, "default": schema.ConvDefault, "zero_null": schema.ConvZeroNull,
	"loose_float": schema.ConvLooseFloat, "zone_text": schema.ConvZoneText, "json": schema.ConvJSON, "bool_int": schema.ConvBoolInt,
}

var derives = map[string]schema.Derive{"": schema.FromJSON, "user_id": schema.DeriveUserID, "parent_id": schema.DeriveParentID}

// tables declares a resource's tables: the first holds its items (or, for
// a child resource, the items of each parent item), each further one the
// rows of an array inside every item. rootTable maps resources declared
// before to their first table.
func (l *loader) tables(s *resourceSpec, at string, rootTable map[string]string) ([]*schema.TableDecl, error) {
	if len(s.Tables) == 0 {
		return nil, l.errorf(at+".tables", "missing: at least one table for the resource's items")
	}
	var out []*schema.TableDecl
	for i, ts := range s.Tables {
		tat := fmt.Sprintf("%s.tables[%d]", at, i)
		if ts.Name == "" {
			return nil, l.errorf(tat+".name", "missing: the table's name")
		}
		d := &schema.TableDecl{Name: ts.Name, Endpoint: s.Name, Description: ts.Description, TimeColumn: ts.TimeColumn}
		switch {
		case i == 0 && ts.Source != "":
			return nil, l.errorf(tat+".source", "the first table holds the items themselves: only further tables have a source")
		case i == 0 && s.Parent != "":
			d.Shape = schema.ShapeChildGroup
			d.Parent = rootTable[s.Parent]
		case i > 0:
			if ts.Source == "" {
				return nil, l.errorf(tat+".source", "missing: the path of the array of rows inside each item")
			}
			if err := checkPath(ts.Source); err != nil {
				return nil, l.errorf(tat+".source", "%v", err)
			}
			d.Parent, d.Child, d.Source, d.RowPath = out[0].Name, schema.ChildRowArray, ts.Source, ts.Source+"[]."
		}
		if len(ts.Columns) == 0 {
			return nil, l.errorf(tat+".columns", "missing: at least one column")
		}
		for j, cs := range ts.Columns {
			c, err := l.column(cs, fmt.Sprintf("%s.columns[%d]", tat, j), d.RowPath)
			if err != nil {
				return nil, err
			}
			d.Columns = append(d.Columns, c)
		}
		if ts.TimeColumn != "" && !slices.ContainsFunc(d.Columns, func(c schema.ColumnDecl) bool { return c.Name == ts.TimeColumn }) {
			return nil, l.errorf(tat+".time_column", "%q is not one of the table's columns", ts.TimeColumn)
		}
		out = append(out, d)
	}
	rootTable[s.Name] = out[0].Name
	return out, nil
}

func (l *loader) column(s columnSpec, at, rowPath string) (schema.ColumnDecl, error) {
	if s.Name == "" {
		return schema.ColumnDecl{}, l.errorf(at+".name", "missing: the column's name")
	}
	t, ok := columnTypes[s.Type]
	if !ok {
		return schema.ColumnDecl{}, l.errorf(at+".type", "%q: want int64, float64, bool, string, timestamp or date", s.Type)
	}
	cv, ok := convs[s.Conv]
	if !ok {
		return schema.ColumnDecl{}, l.errorf(at+".conv", "unknown conversion %q (want default, zero_null, loose_float, zone_text, json or bool_int)", s.Conv)
	}
	dv, ok := derives[s.Derive]
	if !ok {
		return schema.ColumnDecl{}, l.errorf(at+".derive", "%q: want user_id or parent_id", s.Derive)
	}
	if dv != schema.FromJSON {
		if s.Conv != "" {
			return schema.ColumnDecl{}, l.errorf(at+".conv", "a derived column is not converted")
		}
		desc := map[schema.Derive]string{schema.DeriveUserID: "the exported person's id", schema.DeriveParentID: "the parent item's id"}[dv]
		path := s.Path
		if path == "" {
			path = desc
		}
		return schema.Derived(s.Name, t, s.Unit, path, s.Description, dv), nil
	}
	if s.Path == "" {
		return schema.ColumnDecl{}, l.errorf(at+".path", "missing: where the value is in the item (or derive: user_id | parent_id)")
	}
	if err := checkPath(s.Path); err != nil {
		return schema.ColumnDecl{}, l.errorf(at+".path", "%v", err)
	}
	return schema.Col(s.Name, t, s.Unit, rowPath+s.Path, s.Description).As(cv), nil
}
