package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/upexport/upexport/internal/fsutil"
)

const (
	// ManifestName is the manifest's file name in an export directory.
	ManifestName = "manifest.json"
	// ManifestVersion is the version of the manifest's own layout.
	ManifestVersion = 1
	generator       = "upexport"
)

// Manifest describes an export: where it came from and every file in it.
// Its JSON keys come out in field order, so the same export gives the same
// manifest bytes.
type Manifest struct {
	// Generator is always "upexport"; IsExportDir looks for it.
	Generator       string `json:"generator"`
	ManifestVersion int    `json:"manifest_version"`
	Provenance
	RunEnd      time.Time     `json:"run_end"`
	Format      Format        `json:"format"`
	Compression string        `json:"compression,omitempty"`
	PartitionBy string        `json:"partition_by,omitempty"`
	Tables      []TableResult `json:"tables"`
	Warnings    []string      `json:"warnings"`
}

// WriteManifest writes dir/manifest.json atomically (fsutil.WriteFile).
// Times are written in UTC.
func WriteManifest(dir string, m Manifest) error {
	m.Generator, m.ManifestVersion = generator, ManifestVersion
	m.RunStart, m.RunEnd = m.RunStart.UTC(), m.RunEnd.UTC()
	m.Since, m.Until = utcPtr(m.Since), utcPtr(m.Until)
	if m.Tables == nil {
		m.Tables = []TableResult{}
	}
	if m.Warnings == nil {
		m.Warnings = []string{}
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	data = append(data, '\n')
	path := filepath.Join(dir, ManifestName)
	if err := fsutil.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	return nil
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// ReadManifest reads dir/manifest.json.
func ReadManifest(dir string) (Manifest, error) {
	var m Manifest
	data, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		return m, fmt.Errorf("manifest: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&m); err != nil {
		return m, fmt.Errorf("manifest: %s: %w", filepath.Join(dir, ManifestName), err)
	}
	if m.Generator != generator {
		return m, fmt.Errorf("manifest: %s was not written by upexport", filepath.Join(dir, ManifestName))
	}
	return m, nil
}

// IsExportDir reports whether dir holds a manifest.json written by
// upexport. A missing directory or manifest is not an export, and neither
// is a manifest.json from another tool; only I/O errors are errors.
func IsExportDir(dir string) (bool, error) {
	data, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("manifest: %w", err)
	}
	var head struct {
		Generator string `json:"generator"`
	}
	if json.Unmarshal(data, &head) != nil {
		return false, nil
	}
	return head.Generator == generator, nil
}
