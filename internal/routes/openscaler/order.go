package openscaler

import (
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/panelsim/panelsim/specs"
)

// fieldOrder is the order of a request body's fields in the document, at every level: the
// order pydantic lists a model's errors in (the order its fields are declared in).
type fieldOrder struct {
	index map[string]int
	props map[string]*fieldOrder
	items *fieldOrder
}

// loadFieldOrders reads, for every operation with a JSON request body, its fields' order
// from the document's YAML (kin-openapi keeps properties in a map).
func loadFieldOrders() (map[string]*fieldOrder, error) {
	raw, err := specs.RuntimeRaw(Name)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("openscaler: document: %w", err)
	}
	root := deref(&doc)
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = deref(root.Content[0])
	}
	out := map[string]*fieldOrder{}
	paths := child(root, "paths")
	if paths == nil {
		return out, nil
	}
	for i := 1; i < len(paths.Content); i += 2 {
		item := deref(paths.Content[i])
		for j := 1; j < len(item.Content); j += 2 {
			op := deref(item.Content[j])
			id := child(op, "operationId")
			schema := child(child(child(child(op, "requestBody"), "content"), "application/json"), "schema")
			if id != nil && schema != nil {
				out[id.Value] = buildOrder(root, schema, 0)
			}
		}
	}
	return out, nil
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// child is the value of key in a mapping node (nil when there is none).
func child(n *yaml.Node, key string) *yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return deref(n.Content[i+1])
		}
	}
	return nil
}

func buildOrder(root, n *yaml.Node, depth int) *fieldOrder {
	if n == nil || depth > 12 {
		return nil
	}
	if ref := child(n, "$ref"); ref != nil {
		path := strings.Split(strings.TrimPrefix(ref.Value, "#/"), "/")
		target := root
		for _, p := range path {
			target = child(target, p)
		}
		return buildOrder(root, target, depth+1)
	}
	o := &fieldOrder{index: map[string]int{}, props: map[string]*fieldOrder{}}
	if props := child(n, "properties"); props != nil {
		for i := 0; i+1 < len(props.Content); i += 2 {
			name := props.Content[i].Value
			o.index[name] = i / 2
			o.props[name] = buildOrder(root, props.Content[i+1], depth+1)
		}
	}
	o.items = buildOrder(root, child(n, "items"), depth+1)
	return o
}

// key is where loc sorts: query before body, then the document's order at every level
// (list items by index).
func (o *fieldOrder) key(loc []any) []int {
	k := []int{1}
	if len(loc) > 0 && loc[0] == "query" {
		k[0] = 0
	}
	cur := o
	for _, seg := range loc[1:] {
		switch s := seg.(type) {
		case string:
			i, known := 1<<20, false
			if cur != nil {
				i, known = cur.index[s]
			}
			if !known {
				i = 1 << 20
			}
			k = append(k, i)
			if cur != nil {
				cur = cur.props[s]
			}
		case int:
			k = append(k, s)
			if cur != nil {
				cur = cur.items
			}
		}
	}
	return k
}

func less(a, b []int) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return len(a) < len(b)
}

// order sorts an operation's errors as FastAPI lists them and keeps one error per place,
// as pydantic does.
func (p *Provider) order(op string, items []pyError) []pyError {
	o := p.orders[op]
	sort.SliceStable(items, func(i, j int) bool { return less(o.key(items[i].Loc), o.key(items[j].Loc)) })
	out := items[:0]
	seen := map[string]bool{}
	for _, e := range items {
		k := fmt.Sprint(e.Loc)
		if !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	return out
}
