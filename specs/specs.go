// Package specs embeds panelsim's OpenAPI documents, one per provider.
package specs

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

//go:embed *.yaml
var files embed.FS

const ext = ".yaml"

// Names lists the embedded providers (file names without .yaml), sorted.
func Names() []string {
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ext) {
			names = append(names, strings.TrimSuffix(e.Name(), ext))
		}
	}
	sort.Strings(names)
	return names
}

// Raw returns the embedded YAML of the named provider's document.
func Raw(name string) ([]byte, error) {
	data, err := files.ReadFile(name + ext)
	if err != nil {
		return nil, fmt.Errorf("specs: unknown provider %q", name)
	}
	return data, nil
}

// Load parses the named provider's document ("virtfusion"). The embedded documents are
// validated by the package's tests (see Parse), not again at every start.
func Load(name string) (*openapi3.T, error) {
	return load(name, false)
}

// Parse parses and validates the named provider's document.
func Parse(name string) (*openapi3.T, error) {
	return load(name, true)
}

func load(name string, validate bool) (*openapi3.T, error) {
	data, err := Raw(name)
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("specs: load %s: %w", name, err)
	}
	if !validate {
		return doc, nil
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("specs: validate %s: %w", name, err)
	}
	return doc, nil
}
