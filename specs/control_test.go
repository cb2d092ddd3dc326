package specs

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
)

// The control API's document is embedded beside the providers' but is none of them: no
// provider list holds it and leangen makes no runtime copy of it.
func TestControlKeptApart(t *testing.T) {
	if slices.Contains(Names(), Control) {
		t.Errorf("Names() = %v holds %q", Names(), Control)
	}
	if docs := Documents(); !slices.Contains(docs, Control) || len(docs) != len(Names())+1 {
		t.Errorf("Documents() = %v, want Names() and %q", docs, Control)
	}
	if _, err := Raw(Control); err != nil {
		t.Errorf("Raw(Control): %v", err)
	}
	if _, err := RuntimeRaw(Control); err == nil {
		t.Error("RuntimeRaw(Control) answers: the control document has no runtime copy")
	}
	if _, err := fs.Stat(runtimeFiles, "runtime/"+Control+ext); err == nil {
		t.Error("specs/runtime holds a copy of the control document")
	}
}

// The documents GET /_sim/specs/{name}.yaml serves are those the control document names.
func TestControlNamesEveryDocument(t *testing.T) {
	doc, err := Load(Control)
	if err != nil {
		t.Fatal(err)
	}
	op := doc.Paths.Find("/_sim/specs/{name}.yaml").Get
	if op == nil {
		t.Fatal("no GET /_sim/specs/{name}.yaml")
	}
	var enum []string
	for _, v := range op.Parameters.GetByInAndName("path", "name").Schema.Value.Enum {
		enum = append(enum, v.(string))
	}
	slices.Sort(enum)
	want := Documents()
	slices.Sort(want)
	if !slices.Equal(enum, want) {
		t.Errorf("name enum %v, want %v", enum, want)
	}
}

// TestControlResponseRules holds the control API's operations to its own rules: a token
// refused with 401 (403 for the admin token) wherever one is needed, 404 wherever the path
// names something, a refusal wherever input is taken, every refusal a JSON body (the control
// API's {"error": …}, or the listener's own for limits it enforces first), and an example on
// every success body and request body.
func TestControlResponseRules(t *testing.T) {
	doc, err := Load(Control)
	if err != nil {
		t.Fatal(err)
	}
	schemes := doc.Components.SecuritySchemes
	for _, name := range []string{"worldToken", "adminToken"} {
		s := schemes[name]
		if s == nil || s.Value.Type != "apiKey" || s.Value.In != "header" || s.Value.Name != "X-Panelsim-Token" {
			t.Errorf("security scheme %s is not the X-Panelsim-Token header", name)
		}
	}
	for _, o := range operations(doc) {
		t.Run(o.op.OperationID, func(t *testing.T) {
			op := o.op
			security := doc.Security
			if op.Security != nil {
				security = *op.Security
			}
			needs := ""
			switch {
			case len(security) == 0:
			case len(security) == 1 && len(security[0]) == 1:
				for scheme := range security[0] {
					needs = scheme
				}
			default:
				t.Fatalf("security %v, want none or one scheme", security)
			}
			want := map[string]bool{"401": needs == "worldToken", "403": needs == "adminToken"}
			for _, p := range op.Parameters {
				if p.Value.In == "path" {
					want["404"] = true
				}
				if p.Value.In == "query" {
					want["400"] = true
				}
			}
			if rb := op.RequestBody; rb != nil {
				want["400"] = true
				if mt := rb.Value.Content.Get("application/json"); mt == nil || mt.Example == nil {
					t.Error("request body has no application/json example")
				}
			}
			for code, need := range want {
				if need && op.Responses.Value(code) == nil {
					t.Errorf("no %s response", code)
				}
			}
			for _, code := range op.Responses.Keys() {
				resp := op.Responses.Value(code).Value
				switch {
				case code == "204":
					if len(resp.Content) != 0 {
						t.Errorf("204 response has content")
					}
				case strings.HasPrefix(code, "2"):
					if len(resp.Content) != 1 {
						t.Errorf("%s response has %d content types, want 1", code, len(resp.Content))
					}
					for ct, mt := range resp.Content {
						if mt.Example == nil {
							t.Errorf("%s %s response has no example", code, ct)
						}
					}
				default:
					mt := resp.Content.Get("application/json")
					if len(resp.Content) != 1 || mt == nil || mt.Schema == nil {
						t.Errorf("%s response is not one application/json body", code)
						continue
					}
					if ref := mt.Schema.Ref; !slices.Contains([]string{"#/components/schemas/Error", "#/components/schemas/ImportError", "#/components/schemas/ProviderError"}, ref) {
						t.Errorf("%s response body is %q, want the control API's error body", code, ref)
					}
				}
			}
		})
	}
}
