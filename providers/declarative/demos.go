package declarative

import (
	"sort"

	"github.com/upexport/upexport/provider"
	"github.com/upexport/upexport/providers/declarative/notesdemo"
)

// demo returns the built-in emulator a file names with "demo:", or nil.
// The examples under examples/providers have one each, so that
// export --demo runs them without a server.
func demo(name string) func(provider.DemoOptions) (provider.Demo, error) {
	switch name {
	case "notes":
		return notesdemo.New
	}
	return nil
}

// demoNames lists the names demo knows.
func demoNames() []string {
	n := []string{"notes"}
	sort.Strings(n)
	return n
}
