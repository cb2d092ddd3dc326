package virtfusion_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The vendor's examples: the 2xx answer examples of VirtFusion's own OpenAPI file
// (../shared/reference/virtfusion-openapi.yaml, an export of the official documentation), one
// per operation that has one, keyed by our operationId. specs/virtfusion.yaml cannot serve:
// its examples are panelsim's own on 18 of these 50 operations (written from our answers,
// with our ids and values), so comparing with them would compare panelsim with itself. The
// project must test on a machine without ../shared, so the examples are embedded in testdata;
// TestVendorExamplesAreTheVendors checks the copy against the vendor file when it is there.
const vendorExamplesFile = "testdata/vendor_examples.json"

// vendorExample is one operation's documented success answer.
type vendorExample struct {
	Method  string `json:"method"`
	Path    string `json:"path"` // as the vendor file spells it
	Status  int    `json:"status"`
	Example any    `json:"example"`
}

// rawVendorExamples reads the embedded copy as it is.
func rawVendorExamples(t testing.TB) map[string]vendorExample {
	t.Helper()
	raw, err := os.ReadFile(vendorExamplesFile)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]vendorExample
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s: %v", vendorExamplesFile, err)
	}
	return out
}

// loadVendorExamples reads the examples to compare answers with.
func loadVendorExamples(t testing.TB) map[string]vendorExample {
	t.Helper()
	out := rawVendorExamples(t)
	for op, ex := range out {
		// The vendor file writes getFirewall's example as JSON text inside a string (an
		// artifact of its export); what it shows is that text's object.
		if text, ok := ex.Example.(string); ok && strings.HasPrefix(strings.TrimSpace(text), "{") {
			var v any
			if err := json.Unmarshal([]byte(text), &v); err != nil {
				t.Fatalf("%s: the example's text is not JSON: %v", op, err)
			}
			ex.Example = v
			out[op] = ex
		}
	}
	return out
}

// shapeDiff compares an answer with the vendor's example and lists what is off: every key of
// the example must be in the answer with the same JSON kind, recursively. A null in the
// example matches anything (the example does not say what the key holds otherwise), and so
// does a null in the answer where the example itself shows null for that key in another item
// of the same list (the vendor's IPv4 blocks have a null ipv6.gateway, its IPv6 blocks a
// string). PHP's [] for an empty associative array matches an object. Arrays compare item by
// item as far as both go (the build's queue actions differ by position); an array the example
// fills and the answer leaves empty is reported, since none of its items would be compared.
func shapeDiff(example, got any) []string {
	nullable := map[string]bool{}
	nullPaths(example, "$", nullable)
	var off []string
	shapeAt(example, got, "$", nullable, &off)
	sort.Strings(off)
	return off
}

// nullPaths collects the paths, list positions left out ("$.data[].ipv6.gateway"), where the
// example holds null.
func nullPaths(ex any, at string, out map[string]bool) {
	switch e := ex.(type) {
	case nil:
		out[at] = true
	case map[string]any:
		for k, v := range e {
			nullPaths(v, at+"."+k, out)
		}
	case []any:
		for _, v := range e {
			nullPaths(v, at+"[]", out)
		}
	}
}

var listIndex = regexp.MustCompile(`\[\d+\]`)

func shapeAt(ex, got any, at string, nullable map[string]bool, off *[]string) {
	if ex == nil || (got == nil && nullable[listIndex.ReplaceAllString(at, "[]")]) {
		return
	}
	if emptyAssoc(ex, got) {
		return
	}
	if kindOf(ex) != kindOf(got) {
		*off = append(*off, fmt.Sprintf("%s: %s expected, got %s", at, kindOf(ex), describe(got)))
		return
	}
	switch e := ex.(type) {
	case map[string]any:
		g, _ := got.(map[string]any)
		for k, ev := range e {
			gv, ok := g[k]
			if !ok {
				*off = append(*off, at+"."+k+": missing")
				continue
			}
			shapeAt(ev, gv, at+"."+k, nullable, off)
		}
	case []any:
		g, _ := got.([]any)
		if len(e) > 0 && len(g) == 0 {
			*off = append(*off, fmt.Sprintf("%s: the example has %d items, the answer none", at, len(e)))
		}
		for i := 0; i < len(e) && i < len(g); i++ {
			shapeAt(e[i], g[i], fmt.Sprintf("%s[%d]", at, i), nullable, off)
		}
	}
}

func kindOf(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case float64, json.Number, int, int64:
		return "number"
	case bool:
		return "bool"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

func describe(v any) string {
	raw, _ := json.Marshal(v)
	s := string(raw)
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return kindOf(v) + " " + s
}

// emptyAssoc: PHP writes an empty associative array as [], where a filled one is an object.
func emptyAssoc(a, b any) bool {
	ea, aArr := a.([]any)
	eb, bArr := b.([]any)
	_, aObj := a.(map[string]any)
	_, bObj := b.(map[string]any)
	return (aArr && len(ea) == 0 && bObj) || (bArr && len(eb) == 0 && aObj)
}

// TestShapeDiff: the comparison itself finds what it must.
func TestShapeDiff(t *testing.T) {
	ex := map[string]any{"a": 1.0, "b": "x", "c": nil, "d": map[string]any{"e": false}, "f": []any{map[string]any{"g": 1.0}}, "h": []any{}, "i": []any{1.0},
		"j": []any{map[string]any{"k": nil}, map[string]any{"k": "s"}}}
	ok := map[string]any{"a": json.Number("2"), "b": "y", "c": []any{}, "d": map[string]any{"e": true, "more": 1}, "f": []any{map[string]any{"g": 3.5}}, "h": map[string]any{"k": 1}, "i": []any{2.0},
		"j": []any{map[string]any{"k": "t"}, map[string]any{"k": nil}}}
	if off := shapeDiff(ex, ok); len(off) != 0 {
		t.Fatalf("a matching answer is off: %v", off)
	}
	bad := map[string]any{"a": "2", "d": map[string]any{"e": nil}, "f": []any{map[string]any{}}, "h": "", "i": []any{}, "j": []any{map[string]any{"k": 1.0}, map[string]any{"k": 2.0}}}
	want := []string{
		"$.a: number expected, got string \"2\"",
		"$.b: missing",
		"$.c: missing",
		"$.d.e: bool expected, got null null",
		"$.f[0].g: missing",
		"$.h: array expected, got string \"\"",
		"$.i: the example has 1 items, the answer none",
		"$.j[1].k: string expected, got number 2",
	}
	if off := shapeDiff(ex, bad); strings.Join(off, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(off, "\n"), strings.Join(want, "\n"))
	}
}

// TestVendorExamplesAreTheVendors: the embedded examples are the 2xx examples of the vendor's
// file, all of them, unchanged. Skipped where ../shared is not there.
func TestVendorExamplesAreTheVendors(t *testing.T) {
	path := filepath.Join("..", "..", "..", "..", "shared", "reference", "virtfusion-openapi.yaml")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("the vendor file is not here: %v", err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]struct {
				Content map[string]struct {
					Example any `yaml:"example"`
				} `yaml:"content"`
			} `yaml:"responses"`
		} `yaml:"paths"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	params := regexp.MustCompile(`\{[^}]*\}`)
	vendor := map[string]any{} // "GET /queue/{}" -> example
	for p, item := range doc.Paths {
		for method, op := range item {
			for code, res := range op.Responses {
				if !strings.HasPrefix(code, "2") {
					continue
				}
				for _, media := range res.Content {
					if media.Example != nil {
						vendor[strings.ToUpper(method)+" "+params.ReplaceAllString(p, "{}")] = media.Example
					}
				}
			}
		}
	}
	ours := rawVendorExamples(t)
	if len(ours) != len(vendor) {
		t.Fatalf("%d examples embedded, the vendor file has %d", len(ours), len(vendor))
	}
	for op, ex := range ours {
		want, ok := vendor[ex.Method+" "+params.ReplaceAllString(ex.Path, "{}")]
		if !ok {
			t.Fatalf("%s: %s %s has no example in the vendor file", op, ex.Method, ex.Path)
		}
		a, _ := json.Marshal(normalize(want))
		b, _ := json.Marshal(ex.Example)
		if string(a) != string(b) {
			t.Fatalf("%s: the embedded example is not the vendor's", op)
		}
	}
}

// normalize turns what yaml.v3 decodes into what encoding/json would (map keys as strings,
// numbers as float64).
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[fmt.Sprint(k)] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	}
	return v
}
