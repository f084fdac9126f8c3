// Command unpack writes an export's raw archive (OUT/.raw/*.jsonl.zst) as
// plain JSON lines (*.jsonl) into another directory, with its state.json, so
// that upexport (--from-raw), DuckDB and pandas read the very same files.
//
//	go run ./bench/unpack SRC/.raw DST/.raw
package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/upexport/upexport/fetch/archive"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: unpack SRC_RAW_DIR DST_RAW_DIR")
		os.Exit(2)
	}
	if err := unpack(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "unpack:", err)
		os.Exit(1)
	}
}

func unpack(src, dst string) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	files, err := filepath.Glob(filepath.Join(src, "*"+archive.Ext))
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("no %s files in %s", archive.Ext, src)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), archive.Ext) + archive.PlainExt
		if err := plain(f, filepath.Join(dst, name)); err != nil {
			return err
		}
	}
	state, err := os.ReadFile(filepath.Join(src, "state.json"))
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dst, "state.json"), state, 0o644)
}

func plain(src, dst string) error {
	tmp := dst + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	lines := 0
	err = archive.Each(src, func(line []byte) error {
		lines++
		w.Write(line)
		return w.WriteByte('\n')
	})
	if err == nil {
		err = w.Flush()
	}
	if e := f.Close(); err == nil {
		err = e
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	fmt.Fprintf(os.Stderr, "unpack: %s: %d lines\n", dst, lines)
	return os.Rename(tmp, dst)
}
