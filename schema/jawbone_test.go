package schema_test

import "github.com/upexport/upexport/providers/jawbone"

// jb is Jawbone's catalog: the tests of the flattener and the dictionary
// run on a real API's tables, and the golden files are its output.
var jb = jawbone.Catalog()
