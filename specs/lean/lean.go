// Package lean derives the runtime copy of an OpenAPI document: what a simulator needs to
// route and check requests (paths, operations, parameters, request bodies and the schemas
// they reach, extensions) without what only people and response checks read (descriptions,
// summaries, examples, response bodies). Parsing the copy takes a fraction of the time.
package lean

import (
	"bytes"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// dropped are the fields of OpenAPI objects no request check reads.
var dropped = map[string]bool{"description": true, "summary": true, "example": true, "examples": true, "externalDocs": true}

// named are the fields whose value maps names (property, path, status, media type…) to
// objects: their keys are names, never fields, and are all kept.
var named = map[string]bool{"paths": true, "properties": true, "patternProperties": true, "schemas": true, "parameters": true,
	"requestBodies": true, "headers": true, "securitySchemes": true, "links": true, "callbacks": true, "content": true,
	"encoding": true, "variables": true, "responses": true}

// verbatim are the fields whose value is data, not OpenAPI objects.
var verbatim = map[string]bool{"default": true, "enum": true, "const": true, "mapping": true, "required": true}

// Strip returns the runtime copy of the YAML document full, with header as its opening
// comment.
func Strip(full []byte, header string) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(full, &doc); err != nil {
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("lean: not a YAML mapping")
	}
	root := unalias(doc.Content[0])
	object(root)
	for _, op := range operations(root) {
		if r := field(op, "responses"); r != nil {
			bare(r)
		}
	}
	if comps := field(root, "components"); comps != nil {
		remove(comps, "responses", "headers", "examples", "links", "callbacks")
		prune(root, comps)
	}
	var out bytes.Buffer
	out.WriteString(header)
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// unalias copies the tree with every alias replaced by what it names, and no comments or
// anchors (what an anchor marked may be dropped while an alias to it stays).
func unalias(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	c := *n
	c.Anchor, c.HeadComment, c.LineComment, c.FootComment = "", "", "", ""
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, k := range n.Content {
		c.Content[i] = unalias(k)
	}
	return &c
}

// object strips an OpenAPI object (or a list of them) in place.
func object(n *yaml.Node) {
	switch n.Kind {
	case yaml.SequenceNode:
		for _, k := range n.Content {
			object(k)
		}
	case yaml.MappingNode:
		kept := n.Content[:0]
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, val := n.Content[i].Value, n.Content[i+1]
			switch {
			case dropped[key]:
				continue
			case verbatim[key] || strings.HasPrefix(key, "x-"):
			case named[key] && val.Kind == yaml.MappingNode:
				for j := 1; j < len(val.Content); j += 2 {
					object(val.Content[j])
				}
			default:
				object(val)
			}
			kept = append(kept, n.Content[i], val)
		}
		n.Content = kept
	}
}

// operations lists the operation objects under paths.
func operations(root *yaml.Node) []*yaml.Node {
	var out []*yaml.Node
	paths := field(root, "paths")
	if paths == nil {
		return nil
	}
	for i := 1; i < len(paths.Content); i += 2 {
		item := paths.Content[i]
		for j := 0; j+1 < len(item.Content); j += 2 {
			switch item.Content[j].Value {
			case "get", "put", "post", "delete", "options", "head", "patch", "trace":
				out = append(out, item.Content[j+1])
			}
		}
	}
	return out
}

// bare keeps a responses object's status codes, each with an empty description (the field
// OpenAPI requires), and nothing else.
func bare(responses *yaml.Node) {
	for i := 1; i < len(responses.Content); i += 2 {
		responses.Content[i] = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{
			{Kind: yaml.ScalarNode, Tag: "!!str", Value: "description"}, {Kind: yaml.ScalarNode, Tag: "!!str", Value: "", Style: yaml.SingleQuotedStyle}}}
	}
}

// prune drops the components nothing left in the document refers to, directly or through
// other components.
func prune(root, comps *yaml.Node) {
	used := map[string]bool{}
	var queue []string
	var refs func(n *yaml.Node)
	refs = func(n *yaml.Node) {
		if n.Kind == yaml.ScalarNode && strings.HasPrefix(n.Value, "#/components/") && !used[n.Value] {
			used[n.Value] = true
			queue = append(queue, n.Value)
		}
		for _, k := range n.Content {
			refs(k)
		}
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "components" {
			refs(root.Content[i+1])
		}
	}
	for len(queue) > 0 {
		ref := queue[0]
		queue = queue[1:]
		parts := strings.Split(strings.TrimPrefix(ref, "#/components/"), "/")
		if len(parts) != 2 {
			continue
		}
		if target := field(field(comps, parts[0]), parts[1]); target != nil {
			refs(target)
		}
	}
	for i := 1; i < len(comps.Content); i += 2 {
		group, kind := comps.Content[i], comps.Content[i-1].Value
		if kind == "securitySchemes" || group.Kind != yaml.MappingNode {
			continue
		}
		kept := group.Content[:0]
		for j := 0; j+1 < len(group.Content); j += 2 {
			if used["#/components/"+kind+"/"+group.Content[j].Value] {
				kept = append(kept, group.Content[j], group.Content[j+1])
			}
		}
		group.Content = kept
	}
}

// field is the value of a mapping's key, nil when absent.
func field(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// remove drops keys from a mapping.
func remove(n *yaml.Node, keys ...string) {
	kept := n.Content[:0]
	for i := 0; i+1 < len(n.Content); i += 2 {
		drop := false
		for _, k := range keys {
			drop = drop || n.Content[i].Value == k
		}
		if !drop {
			kept = append(kept, n.Content[i], n.Content[i+1])
		}
	}
	n.Content = kept
}
