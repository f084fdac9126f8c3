package engine

import (
	"time"

	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/schema"
)

// provenance says where the export came from; the XLSX About sheet and the
// manifest show it. It never holds a token.
func (r *run) provenance(start time.Time) export.Provenance {
	p := export.Provenance{
		ToolVersion:   r.cfg.ToolVersion,
		SchemaVersion: schema.Version,
		Provider:      r.cfg.Provider.Name,
		Source:        r.cfg.Source,
		APIURL:        r.cfg.APIURL,
		UserXID:       r.userXID(),
		RunStart:      start,
	}
	for k := range r.cfg.Provider.API.Header {
		if p.RequestHeaders == nil {
			p.RequestHeaders = map[string]string{}
		}
		p.RequestHeaders[k] = r.cfg.Provider.API.Header.Get(k)
	}
	if r.state != nil {
		p.Since, p.Until = r.state.Since, r.state.Until
		if r.cfg.FromRaw != "" {
			p.APIURL = r.state.APIURL
		}
	}
	return p
}

func (r *run) writeManifest(tables []export.TableResult, start time.Time) error {
	o := r.cfg.Export
	return export.WriteManifest(r.out.tmp, export.Manifest{
		Provenance:  r.provenance(start),
		RunEnd:      r.cfg.Now(),
		Format:      o.Format,
		Compression: o.Compression,
		PartitionBy: o.PartitionBy,
		Tables:      tables,
		Warnings:    r.warnings,
	})
}
