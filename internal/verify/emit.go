package verify

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/panelsim/panelsim/internal/openapi"
	"github.com/panelsim/panelsim/specs"
)

// Example is a differing exchange as panelsim's conformance tests read the panels' own
// answers (internal/routes/virtfusion/testdata/vendor_examples.json): keyed by
// operationId, the method, the documented path, the status and the answer's body. Request
// and Differences say where it came from; the conformance tests do not read them.
type Example struct {
	Method      string   `json:"method"`
	Path        string   `json:"path"`
	Status      int      `json:"status"`
	Example     any      `json:"example"`
	Request     Request  `json:"request"`
	Differences []string `json:"differences"`
}

// Request is the recorded request of an Example (secret values scrubbed).
type Request struct {
	Path  string `json:"path"`
	Query string `json:"query,omitempty"`
	Body  any    `json:"body,omitempty"`
}

// EmitTests writes the exchanges of res that differ into dir/<provider>-examples.json,
// added to what the file already holds (an operation already there is kept), and returns
// how many it added. An exchange whose path no operation of the provider's document has is
// left out.
func EmitTests(dir string, res *Result) (int, error) {
	doc, err := specs.Runtime(res.Provider)
	if err != nil {
		return 0, err
	}
	ops, err := openapi.Operations(doc)
	if err != nil {
		return 0, err
	}
	base := ""
	if len(doc.Servers) > 0 {
		base = strings.TrimSuffix(doc.Servers[0].URL, "/")
	}
	file := filepath.Join(dir, res.Provider+"-examples.json")
	out := map[string]Example{}
	if raw, err := os.ReadFile(file); err == nil {
		if err := json.Unmarshal(raw, &out); err != nil {
			return 0, fmt.Errorf("%s: %v", file, err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return 0, err
	}
	added := 0
	for _, o := range res.Exchanges {
		if o.Match() {
			continue
		}
		x := o.Exchange
		path := strings.TrimPrefix(x.Path, base)
		op := findOperation(ops, x.Method, path)
		if op == nil {
			continue
		}
		if _, ok := out[op.ID]; ok {
			continue
		}
		ex := Example{Method: x.Method, Path: op.Path, Status: x.Status, Request: Request{Path: path, Query: x.Query}}
		ex.Example, _ = decodeJSON(x.Response)
		if v, ok := decodeJSON(x.Body); ok {
			ex.Request.Body = v
		}
		for _, d := range o.Differences {
			ex.Differences = append(ex.Differences, d.String())
		}
		if o.Error != "" {
			ex.Differences = append(ex.Differences, "error: "+o.Error)
		}
		out[op.ID] = ex
		added++
	}
	if added == 0 {
		return 0, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	raw, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		return 0, err
	}
	return added, os.WriteFile(file, append(raw, '\n'), 0o644)
}

// findOperation finds the operation a request's path (without the document's base) reaches:
// the one whose path has the most literal segments in common with it.
func findOperation(ops []*openapi.Operation, method, path string) *openapi.Operation {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	var best *openapi.Operation
	bestLiterals := -1
	for _, op := range ops {
		if !strings.EqualFold(op.Method, method) {
			continue
		}
		tmpl := strings.Split(strings.Trim(op.Path, "/"), "/")
		if len(tmpl) != len(segs) {
			continue
		}
		literals := 0
		for i, t := range tmpl {
			if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}") {
				continue
			}
			if t != segs[i] {
				literals = -1
				break
			}
			literals++
		}
		if literals > bestLiterals {
			best, bestLiterals = op, literals
		}
	}
	return best
}
