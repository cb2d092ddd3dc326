// Package specs embeds panelsim's OpenAPI documents, one per provider.
package specs

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

//go:generate go run ./jsongen

// The YAML documents are the sources; each has beside it, in compiled/, the document as
// kin-openapi reads it, written as JSON by jsongen (a test keeps the two in step): JSON
// decodes several times faster than YAML parses, which is most of start-up.
//
//go:embed *.yaml compiled/*.json
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

// Parse parses and validates a provider's YAML document as written (jsongen and the tests).
func Parse(name string) (*openapi3.T, error) {
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
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("specs: validate %s: %w", name, err)
	}
	return doc, nil
}

// Compile is the compiled JSON of a provider's document: Parse, marshalled (jsongen writes it
// to compiled/).
func Compile(name string) ([]byte, error) {
	doc, err := Parse(name)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("specs: %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// Compiled is the JSON jsongen wrote for a provider's document.
func Compiled(name string) ([]byte, error) {
	if _, err := Raw(name); err != nil {
		return nil, err
	}
	data, err := files.ReadFile("compiled/" + name + ".json")
	if err != nil {
		return nil, fmt.Errorf("specs: %s has no compiled document (go generate ./specs)", name)
	}
	return data, nil
}

// Load reads the named provider's document ("virtfusion") from its compiled JSON, which
// was validated when it was written (see Parse).
func Load(name string) (*openapi3.T, error) {
	data, err := Compiled(name)
	if err != nil {
		return nil, err
	}
	doc := &openapi3.T{}
	if err := json.Unmarshal(data, doc); err != nil {
		return nil, fmt.Errorf("specs: load %s: %w", name, err)
	}
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	if err := loader.ResolveRefsIn(doc, nil); err != nil {
		return nil, fmt.Errorf("specs: resolve %s: %w", name, err)
	}
	return doc, nil
}
