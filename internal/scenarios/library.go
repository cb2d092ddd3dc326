package scenarios

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// LoadLibrary reads every scenarios/<provider>/<name>.yaml of a fixtures folder.
func LoadLibrary(fsys fs.FS) ([]*Scenario, error) {
	var out []*Scenario
	err := fs.WalkDir(fsys, "scenarios", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "scenarios" {
				return fs.SkipDir // no scenarios folder: an empty library
			}
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".yaml") {
			return nil
		}
		raw, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		s, err := Parse(raw)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		s.Name = strings.TrimSuffix(strings.TrimPrefix(p, "scenarios/"), path.Ext(p))
		out = append(out, s)
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, err
}

// Parse reads a scenario from YAML or JSON, refusing unknown keys.
func Parse(raw []byte) (*Scenario, error) {
	var s Scenario
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	return &s, nil
}
