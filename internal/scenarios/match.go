package scenarios

import (
	"fmt"
	"net/url"
	"strings"
)

// Request is what rules look at.
type Request struct {
	Provider  string
	Operation string
	Method    string
	Path      string
	Params    map[string]string // path parameters by name
	Query     url.Values
	Body      map[string]any
}

func (m *Match) matches(r *Request) bool {
	if m.Operation != "" && !contains(strings.Split(m.Operation, "|"), r.Operation) {
		return false
	}
	if m.Method != "" && !strings.EqualFold(m.Method, r.Method) {
		return false
	}
	if m.Path != "" && !globPath(m.Path, r.Path) {
		return false
	}
	if m.Resource != "" && !hasValue(r.Params, m.Resource) {
		return false
	}
	for _, name := range m.Has {
		if _, ok := r.Params[name]; !ok {
			return false
		}
	}
	for k, v := range m.Query {
		if r.Query.Get(k) != v {
			return false
		}
	}
	for k, v := range m.Body {
		got, ok := r.Body[k]
		if !ok || !sameValue(got, v) {
			return false
		}
	}
	return true
}

// sameValue compares a JSON value with a rule's value loosely: 1 and "1" are the same, as
// the panels' validators see them.
func sameValue(a, b any) bool {
	return fmt.Sprint(a) == fmt.Sprint(b)
}

// globPath matches a path against a pattern: "*" is one segment, "**" the rest.
func globPath(pattern, path string) bool {
	ps := strings.Split(strings.Trim(pattern, "/"), "/")
	xs := strings.Split(strings.Trim(path, "/"), "/")
	for i, p := range ps {
		if p == "**" {
			return true
		}
		if i >= len(xs) || (p != "*" && p != xs[i]) {
			return false
		}
	}
	return len(ps) == len(xs)
}

func hasValue(m map[string]string, v string) bool {
	for _, x := range m {
		if x == v {
			return true
		}
	}
	return false
}
