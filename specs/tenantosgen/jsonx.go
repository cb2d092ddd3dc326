package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// obj is a JSON object that keeps its keys in insertion order, so that the output follows
// the vendor's order of fields and a fixed order of OpenAPI keywords.
type obj struct {
	keys []string
	m    map[string]any
}

func newObj() *obj { return &obj{m: map[string]any{}} }

// set adds or replaces k (a replaced key keeps its place) and returns o for chaining.
func (o *obj) set(k string, v any) *obj {
	if _, ok := o.m[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.m[k] = v
	return o
}

func (o *obj) get(k string) (any, bool) {
	v, ok := o.m[k]
	return v, ok
}

func (o *obj) has(k string) bool { _, ok := o.m[k]; return ok }

func (o *obj) del(k string) {
	if _, ok := o.m[k]; !ok {
		return
	}
	delete(o.m, k)
	for i, key := range o.keys {
		if key == k {
			o.keys = append(o.keys[:i:i], o.keys[i+1:]...)
			break
		}
	}
}

func (o *obj) str(k string) string { s, _ := o.m[k].(string); return s }

func (o *obj) child(k string) *obj { c, _ := o.m[k].(*obj); return c }

// decodeOrdered parses JSON keeping object key order and number literals (json.Number).
func decodeOrdered(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("trailing data after the JSON value")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := newObj()
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				o.set(kt.(string), v)
			}
			_, err := dec.Token()
			return o, err
		case '[':
			arr := []any{}
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
			_, err := dec.Token()
			return arr, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	default:
		return t, nil // string, bool, json.Number, nil
	}
}

// clone copies a JSON value deeply.
func clone(v any) any {
	switch x := v.(type) {
	case *obj:
		c := newObj()
		for _, k := range x.keys {
			c.set(k, clone(x.m[k]))
		}
		return c
	case []any:
		c := make([]any, len(x))
		for i, e := range x {
			c[i] = clone(e)
		}
		return c
	}
	return v
}

// isInt tells a JSON integer literal from other numbers.
func isInt(n json.Number) bool { return !strings.ContainsAny(string(n), ".eE") }

// num makes a json.Number from a Go number.
func num(v any) json.Number {
	switch x := v.(type) {
	case int:
		return json.Number(strconv.Itoa(x))
	case int64:
		return json.Number(strconv.FormatInt(x, 10))
	case float64:
		return json.Number(strconv.FormatFloat(x, 'f', -1, 64))
	}
	panic(fmt.Sprintf("num: %T", v))
}

// plain converts a value to what encoding/json would produce (map[string]any, float64, …),
// for the example validator.
func plain(v any) any {
	switch x := v.(type) {
	case *obj:
		m := make(map[string]any, len(x.keys))
		for _, k := range x.keys {
			m[k] = plain(x.m[k])
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plain(e)
		}
		return out
	case json.Number:
		f, _ := x.Float64()
		return f
	case int:
		return float64(x)
	}
	return v
}

// toNode turns a value into a YAML node. Small collections of scalars are written in flow
// style ({type: string}) as the other documents of specs/ are; everything else in block
// style. (Writing the examples in flow style, or shared examples once with anchors, makes
// the file smaller but not quicker to load: kin-openapi's time goes with the number of
// nodes.)
func toNode(v any) *yaml.Node {
	switch x := v.(type) {
	case *obj:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, k := range x.keys {
			n.Content = append(n.Content, scalar("!!str", k), toNode(x.m[k]))
		}
		if flowable(n) {
			n.Style = yaml.FlowStyle
		}
		return n
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, e := range x {
			n.Content = append(n.Content, toNode(e))
		}
		if flowable(n) {
			n.Style = yaml.FlowStyle
		}
		return n
	case []string:
		arr := make([]any, len(x))
		for i, s := range x {
			arr[i] = s
		}
		return toNode(arr)
	case string:
		n := scalar("!!str", x)
		if reDateLike.MatchString(x) {
			n.Style = yaml.DoubleQuotedStyle // YAML 1.1 readers would take it for a timestamp
		}
		return n
	case bool:
		return scalar("!!bool", strconv.FormatBool(x))
	case json.Number:
		if isInt(x) {
			return scalar("!!int", string(x))
		}
		return scalar("!!float", string(x))
	case int:
		return scalar("!!int", strconv.Itoa(x))
	case nil:
		return scalar("!!null", "null")
	}
	panic(fmt.Sprintf("toNode: %T", v))
}

var reDateLike = regexp.MustCompile(`^\d{4}-\d\d?-\d\d?([Tt ]|$)`)

func scalar(tag, value string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value}
}

// flowable: every child a short single-line scalar (or an empty collection), and the
// whole fits on a line.
func flowable(n *yaml.Node) bool {
	if len(n.Content) == 0 {
		return true
	}
	width := 0
	for _, c := range n.Content {
		switch c.Kind {
		case yaml.ScalarNode:
			if strings.ContainsAny(c.Value, "\n") || len(c.Value) > 60 {
				return false
			}
			width += len(c.Value) + 3
		case yaml.MappingNode, yaml.SequenceNode:
			if len(c.Content) > 0 {
				return false
			}
			width += 4
		default:
			return false
		}
	}
	return width <= 90
}

// encodeYAML writes the document with two-space indentation.
func encodeYAML(doc *obj) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(toNode(doc)); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
