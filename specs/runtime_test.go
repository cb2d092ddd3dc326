package specs

import (
	"bytes"
	"fmt"
	"reflect"
	"sort"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/panelsim/panelsim/specs/lean"
)

// The runtime documents are what leangen makes of the full ones today.
func TestRuntimeInStep(t *testing.T) {
	for _, name := range Names() {
		full, _ := Raw(name)
		want, err := lean.Strip(full, RuntimeHeader(name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := RuntimeRaw(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("specs/runtime/%s.yaml is out of date: run go generate ./specs", name)
		}
	}
}

// A runtime document is a valid document with the full one's operations, parameters and
// request bodies: every field a request check reads is the same.
func TestRuntimeChecksRequestsAlike(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			full, err := Load(name)
			if err != nil {
				t.Fatal(err)
			}
			run, err := Runtime(name)
			if err != nil {
				t.Fatal(err)
			}
			loader := openapi3.NewLoader()
			if err := run.Validate(loader.Context); err != nil {
				t.Fatalf("runtime document: %v", err)
			}
			want, got := requestShapes(full), requestShapes(run)
			if len(want) == 0 {
				t.Fatal("no operations")
			}
			for id, w := range want {
				if g, ok := got[id]; !ok {
					t.Errorf("%s: missing from the runtime document", id)
				} else if !reflect.DeepEqual(w, g) {
					t.Errorf("%s: runtime document differs:\nfull    %v\nruntime %v", id, w, g)
				}
			}
			if len(got) != len(want) {
				t.Errorf("runtime document has %d operations, full %d", len(got), len(want))
			}
		})
	}
}

// requestShapes describes, per operation id, what a request is checked against.
func requestShapes(doc *openapi3.T) map[string][]string {
	out := map[string][]string{}
	for _, path := range doc.Paths.Keys() {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			lines := []string{method + " " + path, fmt.Sprint(op.Extensions)}
			for _, p := range append(item.Parameters, op.Parameters...) {
				if p.Value != nil {
					lines = append(lines, fmt.Sprintf("param %s in %s required %v", p.Value.Name, p.Value.In, p.Value.Required))
					if p.Value.Schema != nil {
						lines = append(lines, schemaShape("  ", p.Value.Schema.Value, 0)...)
					}
				}
			}
			if rb := op.RequestBody; rb != nil && rb.Value != nil {
				lines = append(lines, fmt.Sprintf("body required %v", rb.Value.Required))
				for _, ct := range sortedKeys(rb.Value.Content) {
					lines = append(lines, "content "+ct)
					if s := rb.Value.Content[ct].Schema; s != nil {
						lines = append(lines, schemaShape("  ", s.Value, 0)...)
					}
				}
			}
			lines = append(lines, fmt.Sprint("responses ", responseCodes(op)))
			out[op.OperationID] = lines
		}
	}
	return out
}

func responseCodes(op *openapi3.Operation) []string {
	if op.Responses == nil {
		return nil
	}
	codes := make([]string, 0, op.Responses.Len())
	for code := range op.Responses.Map() {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	return codes
}

// schemaShape lists every field of a schema that validation reads, nested schemas included.
func schemaShape(indent string, s *openapi3.Schema, depth int) []string {
	if s == nil {
		return []string{indent + "nil"}
	}
	if depth > 12 {
		return []string{indent + "…"}
	}
	lines := []string{indent + fmt.Sprintf("type %v format %q enum %v default %v nullable %v required %v min %v max %v exmin %v exmax %v minlen %v maxlen %v pattern %q minitems %v maxitems %v unique %v readonly %v writeonly %v ext %v",
		s.Type, s.Format, s.Enum, s.Default, s.Nullable, s.Required, ptr(s.Min), ptr(s.Max), s.ExclusiveMin, s.ExclusiveMax, s.MinLength, ptr(s.MaxLength), s.Pattern, s.MinItems, ptr(s.MaxItems), s.UniqueItems, s.ReadOnly, s.WriteOnly, s.Extensions)}
	for _, name := range sortedKeys(s.Properties) {
		lines = append(lines, indent+"property "+name)
		lines = append(lines, schemaShape(indent+"  ", s.Properties[name].Value, depth+1)...)
	}
	if s.Items != nil {
		lines = append(lines, indent+"items")
		lines = append(lines, schemaShape(indent+"  ", s.Items.Value, depth+1)...)
	}
	ap := s.AdditionalProperties
	lines = append(lines, indent+fmt.Sprintf("additional %v", ptr(ap.Has)))
	if ap.Schema != nil {
		lines = append(lines, schemaShape(indent+"  ", ap.Schema.Value, depth+1)...)
	}
	for i, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
		for _, r := range list {
			lines = append(lines, indent+[]string{"allOf", "anyOf", "oneOf"}[i])
			lines = append(lines, schemaShape(indent+"  ", r.Value, depth+1)...)
		}
	}
	if s.Not != nil {
		lines = append(lines, indent+"not")
		lines = append(lines, schemaShape(indent+"  ", s.Not.Value, depth+1)...)
	}
	return lines
}

func ptr[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
