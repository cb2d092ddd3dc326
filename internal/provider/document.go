package provider

import (
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/panelsim/panelsim/specs"
)

// Document is the part of a Provider every panel has alike: its name, the base path of its
// routes and its embedded OpenAPI document. Providers embed it.
type Document struct {
	name, basePath string
	spec           *openapi3.T
}

// LoadDocument loads the runtime copy of the named provider's embedded document
// (specs/runtime/<name>.yaml): routes, parameters and request bodies, no response bodies.
func LoadDocument(name, basePath string) (Document, error) {
	spec, err := specs.Runtime(name)
	if err != nil {
		return Document{}, err
	}
	return Document{name: name, basePath: basePath, spec: spec}, nil
}

// Name implements Provider.
func (d Document) Name() string { return d.name }

// BasePath implements Provider.
func (d Document) BasePath() string { return d.basePath }

// Spec implements Provider.
func (d Document) Spec() *openapi3.T { return d.spec }
