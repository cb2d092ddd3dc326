package specs

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// openMarker flags schemas that are deliberately left open (free-form parts
// of a response, such as PHP arrays that are either [] or an object).
const openMarker = "x-panelsim-open"

// loadAll loads every embedded document, the control API's too.
func loadAll(t *testing.T) map[string]*openapi3.T {
	t.Helper()
	names := Documents()
	if len(names) < 2 {
		t.Fatal("no embedded specs")
	}
	docs := make(map[string]*openapi3.T, len(names))
	for _, name := range names {
		doc, err := Load(name)
		if err != nil {
			t.Fatalf("Load(%q): %v", name, err)
		}
		docs[name] = doc
	}
	return docs
}

// operation is one operation of a document, with where it lives.
type operation struct {
	method, path string
	op           *openapi3.Operation
}

func (o operation) String() string { return o.method + " " + o.path }

func operations(doc *openapi3.T) []operation {
	var ops []operation
	for _, path := range doc.Paths.Keys() {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			ops = append(ops, operation{method: method, path: path, op: op})
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].String() < ops[j].String() })
	return ops
}

func TestLoad(t *testing.T) {
	for _, name := range Documents() {
		t.Run(name, func(t *testing.T) {
			doc, err := Parse(name) // validated here, so that Load need not at every start
			if err != nil {
				t.Fatal(err)
			}
			if doc.OpenAPI != "3.0.3" {
				t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
			}
			if doc.Paths.Len() == 0 {
				t.Error("document has no paths")
			}
		})
	}
}

func TestLoadUnknown(t *testing.T) {
	if _, err := Load("no-such-provider"); err == nil {
		t.Fatal("Load of an unknown provider succeeded")
	}
}

func TestNames(t *testing.T) {
	names := Names()
	if !sort.StringsAreSorted(names) {
		t.Errorf("Names() not sorted: %v", names)
	}
	found := false
	for _, n := range names {
		if strings.HasSuffix(n, ".yaml") {
			t.Errorf("name %q keeps its extension", n)
		}
		if n == "virtfusion" {
			found = true
		}
	}
	if !found {
		t.Errorf("Names() = %v, want virtfusion among them", names)
	}
}

func TestOperationIDs(t *testing.T) {
	for name, doc := range loadAll(t) {
		t.Run(name, func(t *testing.T) {
			seen := map[string]string{}
			for _, o := range operations(doc) {
				id := o.op.OperationID
				if strings.TrimSpace(id) == "" {
					t.Errorf("%s: empty operationId", o)
					continue
				}
				if prev, dup := seen[id]; dup {
					t.Errorf("%s: operationId %q already used by %s", o, id, prev)
				}
				seen[id] = o.String()
			}
		})
	}
}

// plainJSON converts a YAML-decoded example to the types encoding/json
// produces (map[string]any, []any, float64, ...).
func plainJSON(v any) (any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	err = json.Unmarshal(raw, &out)
	return out, err
}

func TestResponseExamples(t *testing.T) {
	for name, doc := range loadAll(t) {
		t.Run(name, func(t *testing.T) {
			checked := 0
			for _, o := range operations(doc) {
				for _, code := range o.op.Responses.Keys() {
					resp := o.op.Responses.Value(code).Value
					for mime, mt := range resp.Content {
						if !strings.Contains(mime, "json") {
							continue
						}
						examples := map[string]any{}
						if mt.Example != nil {
							examples["example"] = mt.Example
						}
						for exName, ex := range mt.Examples {
							if ex != nil && ex.Value != nil && ex.Value.Value != nil {
								examples[exName] = ex.Value.Value
							}
						}
						for exName, ex := range examples {
							where := fmt.Sprintf("%s %s %s (%s)", o.op.OperationID, code, mime, exName)
							t.Run(where, func(t *testing.T) {
								if mt.Schema == nil || mt.Schema.Value == nil {
									t.Fatal("example without a schema")
								}
								value, err := plainJSON(ex)
								if err != nil {
									t.Fatal(err)
								}
								err = mt.Schema.Value.VisitJSON(value, openapi3.MultiErrors(), openapi3.VisitAsResponse())
								if err != nil {
									t.Errorf("example does not match its schema:\n%v", err)
								}
							})
							checked++
						}
					}
				}
			}
			if checked == 0 {
				t.Error("no response example checked")
			}
		})
	}
}

func isOpen(s *openapi3.Schema) bool {
	switch v := s.Extensions[openMarker].(type) {
	case bool:
		return v
	case json.RawMessage:
		return strings.TrimSpace(string(v)) == "true"
	case string:
		return v == "true"
	}
	return false
}

// closedChecker walks response schemas and reports objects that accept
// unknown keys without being marked open.
type closedChecker struct {
	visited map[*openapi3.Schema]bool
	errs    []string
}

func (c *closedChecker) walk(ref *openapi3.SchemaRef, at string) {
	if ref == nil || ref.Value == nil {
		c.errs = append(c.errs, at+": unresolved schema")
		return
	}
	if ref.Ref != "" {
		at = ref.Ref
	}
	s := ref.Value
	if c.visited[s] {
		return
	}
	c.visited[s] = true

	if isOpen(s) {
		if ap := s.AdditionalProperties.Has; ap != nil && !*ap {
			c.errs = append(c.errs, at+": marked "+openMarker+" but additionalProperties is false")
		}
		return
	}
	composite := len(s.OneOf)+len(s.AnyOf)+len(s.AllOf) > 0
	typed := s.Type != nil && !s.Type.IsEmpty()
	if !typed && !composite && len(s.Properties) == 0 {
		c.errs = append(c.errs, at+": untyped schema must be marked "+openMarker)
	}
	if (typed && s.Type.Includes(openapi3.TypeObject)) || len(s.Properties) > 0 {
		if ap := s.AdditionalProperties.Has; ap == nil || *ap {
			c.errs = append(c.errs, at+": object is not closed (additionalProperties: false) nor marked "+openMarker)
		}
		if s.AdditionalProperties.Schema != nil {
			c.errs = append(c.errs, at+": closed objects take no additionalProperties schema")
		}
		for _, req := range s.Required {
			if _, ok := s.Properties[req]; !ok {
				c.errs = append(c.errs, fmt.Sprintf("%s: required %q is not a property", at, req))
			}
		}
	}
	keys := make([]string, 0, len(s.Properties))
	for k := range s.Properties {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		c.walk(s.Properties[k], at+"."+k)
	}
	if s.Items != nil {
		c.walk(s.Items, at+"[]")
	}
	for i, sub := range s.OneOf {
		c.walk(sub, fmt.Sprintf("%s/oneOf[%d]", at, i))
	}
	for i, sub := range s.AnyOf {
		c.walk(sub, fmt.Sprintf("%s/anyOf[%d]", at, i))
	}
	for i, sub := range s.AllOf {
		c.walk(sub, fmt.Sprintf("%s/allOf[%d]", at, i))
	}
}

func TestResponseSchemasClosed(t *testing.T) {
	for name, doc := range loadAll(t) {
		t.Run(name, func(t *testing.T) {
			c := &closedChecker{visited: map[*openapi3.Schema]bool{}}
			for _, o := range operations(doc) {
				for _, code := range o.op.Responses.Keys() {
					for mime, mt := range o.op.Responses.Value(code).Value.Content {
						c.walk(mt.Schema, fmt.Sprintf("%s %s %s", o.op.OperationID, code, mime))
					}
				}
			}
			for _, e := range c.errs {
				t.Error(e)
			}
		})
	}
}

// TestResponseRules holds every operation to the rules the simulator's pipeline relies
// on: one security scheme and a 401 everywhere (VirtFusion's without a body, the others'
// JSON); 422 or 400 wherever a parameter or a body can be refused; 413 wherever a body is
// taken; 404 wherever the path names a record; an example on every documented success body.
func TestResponseRules(t *testing.T) {
	for name, doc := range loadAll(t) {
		if name == Control {
			continue // its own rules: TestControlResponseRules
		}
		for _, o := range operations(doc) {
			t.Run(name+" "+o.op.OperationID, func(t *testing.T) {
				op := o.op
				if op.Security == nil || len(*op.Security) != 1 {
					t.Errorf("security = %v, want one scheme", op.Security)
				}
				var query, path bool
				for _, p := range op.Parameters {
					query = query || p.Value.In == "query"
					path = path || p.Value.In == "path"
				}
				body := op.RequestBody != nil
				if body {
					if mt := op.RequestBody.Value.Content.Get("application/json"); mt == nil || mt.Example == nil {
						t.Errorf("request body has no application/json example (the conformance test sends it)")
					}
				}
				for code, need := range map[string]bool{"401": true, "413": body, "404": path} {
					if need && op.Responses.Value(code) == nil {
						t.Errorf("no %s response", code)
					}
				}
				// Refused input: VirtFusion (Laravel) answers 422, the others 400.
				if (query || body) && op.Responses.Value("422") == nil && op.Responses.Value("400") == nil {
					t.Errorf("no 422 or 400 response for refused input")
				}
				for _, code := range op.Responses.Keys() {
					resp := op.Responses.Value(code).Value
					mt := resp.Content.Get("application/json")
					dryRun := op.OperationID == "createServer" && code == "200" // same body as its 201
					switch {
					case code == "204" || (code == "401" && name == "virtfusion"): // VirtFusion's 401 has no body
						if len(resp.Content) != 0 {
							t.Errorf("%s response must have no content", code)
						}
					case code == "401":
						// No body (VirtFusion), or the provider's JSON error body (OpenScaler).
						if len(resp.Content) != 0 && (len(resp.Content) != 1 || mt == nil) {
							t.Errorf("401 response must have no content or only an application/json body")
						}
					case strings.HasPrefix(code, "2"):
						if mt != nil && mt.Example == nil && !dryRun {
							t.Errorf("%s response has no example", code)
						}
					case mt == nil:
						t.Errorf("%s response has no application/json schema", code)
					}
				}
			})
		}
	}
}

// TestClosedChecker makes sure the closedness walk flags what it should.
func TestClosedChecker(t *testing.T) {
	const doc = `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /x:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                additionalProperties: false
                required: [a, typo]
                properties:
                  a: {type: object, properties: {b: {type: integer}}}
                  c: {description: untyped and unmarked}
                  d: {description: free-form, x-panelsim-open: true}
                  e: {type: array, items: {$ref: '#/components/schemas/E'}}
components:
  schemas:
    E: {type: object, additionalProperties: false, required: [f], properties: {f: {type: string}}}
`
	loader := openapi3.NewLoader()
	d, err := loader.LoadFromData([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Validate(loader.Context); err != nil {
		t.Fatal(err)
	}
	c := &closedChecker{visited: map[*openapi3.Schema]bool{}}
	for _, o := range operations(d) {
		for _, mt := range o.op.Responses.Value("200").Value.Content {
			c.walk(mt.Schema, "x")
		}
	}
	want := []string{`x: required "typo" is not a property`, "x.a: object is not closed", "x.c: untyped schema"}
	if len(c.errs) != len(want) {
		t.Fatalf("errors = %q, want %d", c.errs, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(c.errs[i], w) {
			t.Errorf("error %d = %q, want prefix %q", i, c.errs[i], w)
		}
	}
}
