// Package declarative loads a provider from a YAML file: an API that
// needs no Go hooks (no token-response rewrite, no paginator or key
// reader of its own) is declared as data, as --provider-file reads it.
// docs/providers/yaml.md is the reference of the file's keys, and
// examples/providers/notes.yaml a complete example.
//
// Loading is strict: a key the format does not have, a value of the
// wrong kind and a declaration that contradicts itself are all errors
// naming the file, the line and the key.
package declarative

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/upexport/upexport/provider"
)

// maxFileSize bounds what Load reads: a declaration is a few kilobytes,
// and yaml's aliases can make a small document expand a lot.
const maxFileSize = 1 << 20

// Error is a mistake in a declaration, located in its file.
type Error struct {
	File string
	Line int    // 1-based; 0 when the mistake has no one place
	Key  string // the key's path, "resources[1].paginator.type"; "" for the whole file
	Err  error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// LoadFile loads the provider declared in the YAML file at path.
func LoadFile(path string) (*provider.Provider, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("provider file: %w", err)
	}
	defer f.Close()
	return Load(f, path)
}

// Load reads a provider declaration from r; source names it in errors
// (the file's path). The provider it returns has passed
// provider.Validate.
func Load(r io.Reader, source string) (*provider.Provider, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return nil, &Error{File: source, Err: err}
	}
	if len(data) > maxFileSize {
		return nil, &Error{File: source, Err: fmt.Errorf("larger than %d bytes", maxFileSize)}
	}
	l := &loader{file: source, keys: map[string]*yaml.Node{}, values: map[string]*yaml.Node{}}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, l.yamlError(err)
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil, &Error{File: source, Err: errors.New("empty: no provider declared")}
	}
	if err := l.checkKeys(root.Content[0], reflect.TypeFor[fileSpec](), ""); err != nil {
		return nil, err
	}
	var spec fileSpec
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&spec); err != nil {
		return nil, l.yamlError(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, &Error{File: source, Line: extra.Line, Err: errors.New("more than one YAML document: a file declares one provider")}
	}
	return l.build(&spec)
}

// loader builds a provider from one file, locating its errors.
type loader struct {
	file string
	// keys and values are the key and value nodes of every mapping entry
	// and sequence item, by path ("resources[1].paginator.type").
	keys, values map[string]*yaml.Node
}

// errorf is a mistake at the key at path, or at the nearest enclosing
// key the file has when it lacks that one (a missing key).
func (l *loader) errorf(path, format string, a ...any) error {
	return &Error{File: l.file, Line: l.line(path), Key: path, Err: fmt.Errorf(format, a...)}
}

// line is the line of the key at path, or of its nearest ancestor.
func (l *loader) line(path string) int {
	for p := path; p != ""; p = parentPath(p) {
		if n := l.keys[p]; n != nil {
			return n.Line
		}
	}
	return 1
}

func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlError places an error of the YAML parser or decoder in the file.
func (l *loader) yamlError(err error) error {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msgs = te.Errors
	}
	m := yamlLine.FindStringSubmatch(strings.TrimSpace(msgs[0]))
	if m == nil {
		return &Error{File: l.file, Err: errors.New(strings.TrimPrefix(msgs[0], "yaml: "))}
	}
	n, _ := strconv.Atoi(m[1])
	return &Error{File: l.file, Line: n, Key: l.keyAt(n, m[2]), Err: errors.New(m[2])}
}

// keyAt is the path of the key whose value on line n the decoder
// complains about in msg: the one whose value msg quotes, else the
// deepest on that line. "" when checkKeys did not get that far.
func (l *loader) keyAt(n int, msg string) string {
	best := ""
	for p, v := range l.values {
		if v.Line != n && l.keys[p].Line != n {
			continue
		}
		quoted := v.Kind == yaml.ScalarNode && strings.Contains(msg, "`"+v.Value+"`")
		bestQuoted := best != "" && l.values[best].Kind == yaml.ScalarNode && strings.Contains(msg, "`"+l.values[best].Value+"`")
		switch {
		case best == "", quoted && !bestQuoted,
			quoted == bestQuoted && (len(p) > len(best) || len(p) == len(best) && p < best):
			best = p
		}
	}
	return best
}

// checkKeys walks the document against the structure it is decoded
// into: it records where every key is, and refuses keys the structure
// does not have, naming the key, its line and the keys that are allowed
// there.
func (l *loader) checkKeys(n *yaml.Node, t reflect.Type, path string) error {
	if n.Kind == yaml.AliasNode {
		// Its anchor was checked where it is defined; following aliases
		// would walk a document of nested aliases in exponential time.
		// The decoder's KnownFields still refuses what an alias brings
		// where it does not fit.
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			if isNull(n) {
				return nil
			}
			return &Error{File: l.file, Line: n.Line, Key: path, Err: fmt.Errorf("want a mapping of keys, not %s", describe(n))}
		}
		fields := map[string]reflect.StructField{}
		var names []string
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			fields[name] = f
			names = append(names, name)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := join(path, k.Value)
			f, ok := fields[k.Value]
			if !ok {
				return &Error{File: l.file, Line: k.Line, Key: p,
					Err: fmt.Errorf("unknown key %q (known here: %s)", k.Value, strings.Join(names, ", "))}
			}
			l.keys[p], l.values[p] = k, v
			if err := l.checkKeys(v, f.Type, p); err != nil {
				return err
			}
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return nil // the decoder says what is wrong with it
		}
		for i, item := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			l.keys[p], l.values[p] = item, item
			if err := l.checkKeys(item, t.Elem(), p); err != nil {
				return err
			}
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return nil
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := join(path, k.Value)
			l.keys[p], l.values[p] = k, v
			if err := l.checkKeys(v, t.Elem(), p); err != nil {
				return err
			}
		}
	}
	return nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && (n.Tag == "!!null" || n.Value == "")
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "this"
}
