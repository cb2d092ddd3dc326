package simtest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/panelsim/panelsim/internal/openapi"
	"github.com/panelsim/panelsim/specs"
)

// Case is a request to one operation built from the provider's OpenAPI document.
type Case struct {
	Operation string
	Method    string
	Path      string // with {parameters}
	// Body is a copy of the documented request example (nil when the operation takes none);
	// the test puts the world's ids in it.
	Body map[string]any
	// Status is the lowest success status the operation documents; a test may change it.
	Status int
	// PathParams names the path's parameters; Query the required query parameters.
	PathParams, Query []string
}

// URL fills the path's parameters and appends the required query parameters from values;
// a missing one fails the test.
func (c *Case) URL(t testing.TB, values map[string]string) string {
	t.Helper()
	value := func(p string) string {
		v, ok := values[p]
		if !ok {
			t.Fatalf("%s: no value for parameter %s", c.Operation, p)
		}
		return v
	}
	path := c.Path
	for _, p := range c.PathParams {
		path = strings.ReplaceAll(path, "{"+p+"}", value(p))
	}
	q := url.Values{}
	for _, p := range c.Query {
		q.Set(p, value(p))
	}
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	return path
}

// Send sends the case to the client's API at path (from URL) with body (nil for none) and
// fails the test unless the answer has status want.
func (c *Case) Send(t testing.TB, client *Client, path string, body map[string]any, want int) *Response {
	t.Helper()
	var send any
	if body != nil {
		send = body
	}
	res := client.Do(c.Method, path, send)
	if res.Status != want {
		t.Fatalf("%s %s: status %d, want %d: %v", c.Method, path, res.Status, want, res)
	}
	return res
}

// Conformance runs fn once for every operation of a provider's document, each in a subtest
// named after its operationId, with the request the document describes. It returns how many
// operations the document has.
func Conformance(t *testing.T, provider string, fn func(t *testing.T, c *Case)) int {
	t.Helper()
	doc, err := specs.Load(provider)
	if err != nil {
		t.Fatal(err)
	}
	ops, err := openapi.Operations(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range ops {
		item := doc.Paths.Find(op.Path).GetOperation(op.Method)
		c := &Case{Operation: op.ID, Method: op.Method, Path: op.Path, Status: 200}
		var codes []int
		for code := range item.Responses.Map() {
			if n, err := strconv.Atoi(code); err == nil && n >= 200 && n < 300 {
				codes = append(codes, n)
			}
		}
		if sort.Ints(codes); len(codes) > 0 {
			c.Status = codes[0]
		}
		for _, p := range op.Params {
			switch {
			case p.In == "path":
				c.PathParams = append(c.PathParams, p.Name)
			case p.In == "query" && p.Required:
				c.Query = append(c.Query, p.Name)
			}
		}
		var bodyErr error
		if op.Body != nil {
			c.Body, bodyErr = example(item.RequestBody.Value.Content.Get("application/json"))
		}
		t.Run(op.ID, func(t *testing.T) {
			if bodyErr != nil {
				t.Fatalf("%s: %v", op.ID, bodyErr)
			}
			fn(t, c)
		})
	}
	return len(ops)
}

func example(mt *openapi3.MediaType) (map[string]any, error) {
	if mt == nil || mt.Example == nil {
		return nil, fmt.Errorf("the request body has no example")
	}
	raw, _ := json.Marshal(mt.Example)
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		return nil, fmt.Errorf("the request example is not an object: %v", err)
	}
	return body, nil
}
