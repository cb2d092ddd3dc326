package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Response schemas are inferred from the vendor's examples (decision 6 of the brief):
// objects are closed and list every key seen; integers are integer, other numbers number;
// a value that is only ever null is open and nullable; an empty array has open items; the
// elements of an array of objects are merged (a key missing from some is listed, never
// required); PHP arrays that hold data keys (or are [] when empty) are open.

// located is one value of a vendor example and where it sits: "<operationId>:result/*/ip".
// Array elements are "*". The pointer lets a component take the place of what is found at
// any of its sources.
type located struct {
	v   any
	ptr string
}

func (l located) at(seg string) located { return located{ptr: l.ptr + "/" + seg} }

// phpMap describes the open parts that are PHP arrays with data for keys.
const phpMap = "A PHP array whose keys are data: an object, or [] when empty."

// openPaths are schema paths (dotted, "[]" for array items, starting with the component or
// operationId) left open on purpose: PHP arrays whose keys are data, or that PHP writes as []
// when empty, and parts whose shape depends on something else. A rule matches a path equal
// to it or ending in "."+path.
var openPaths = []struct{ path, why string }{
	{"Brand.color_scheme", phpMap},                        // {light: {primary: …}, dark: {…}}
	{"Brand.defaultColorScheme", phpMap},                  // same
	{"Brand.languageOverrides", phpMap},                   // language → key → text
	{"ExternalProvider.providerDetails.storages", phpMap}, // keyed by node name
	{"ExternalProvider.providerDetails.networks", phpMap}, // keyed by node name
	{"ExternalProvider.nodeResources", phpMap},            // keyed by node name
	{"ExternalProvider.meta", "Settings particular to the kind of provider."},
	{"NetworkDevice.meta", "Settings of the device ({cachePorts: true}, …); [] when none."},
	{"NetworkDevice.statusCache", "The last status poll: {content, time}, or [] before the first poll."},
	{"getNetworkDeviceExtendedDetails.result.meta", "Settings of the device ({cachePorts: true}, …); [] when none."},
	{"User.prefs", "Interface preferences; [] when none."},
	{"CurrentUser.prefs", "Interface preferences; [] when none."},
	{"AliasUser.prefs", "Interface preferences; [] when none."},
	{"User.subUsers", phpMap}, // {"1": 2, "2": 3}: a PHP list with holes
	{"ActivityLogEntry.modelchanges", "Changed fields (field → {original, changes}), [] or a JSON string."},
	{"Connection.related_data.meta", "Settings of the connection; they differ per type (ipmi, pxe …)."},
	{"BackupStorage.configuration", "Access details; they differ per provider (s3, ftp, local)."},
	{"RdnsProvider.data", "Access details; they differ per provider."},
	{"VpsPlan.planconfig.ifaces", phpMap},             // iface0, iface1, …
	{"VpsPlan.planconfig.disks", phpMap},              // disk0, disk1, …
	{"VpsPlan.planconfig.additionalHardware", phpMap}, // cdrom → cdrom0 → …
	{"VpsPlan.additionalHardware", phpMap},            // same, at the top level of GET …/vpsplans/{id}
	{"InstallProfile.features", phpMap},               // {"0": …, follow_install_progress: …}
	{"runNetworkDeviceAction.result", "The answer depends on the action; getFeatures answers the actions and their fields."},
	{"runServerConnectionAction.result", "The answer depends on the action; getSupportedActions answers {powerActions}."},
	{"getSubnetRdnsAssignment", "The vendor documents only {}; the shape is not known."},
}

// extraProperties are properties of inferred response objects, by schema path, that the
// vendor's examples do not show but the panel's answers carry, as JSON schemas.
var extraProperties = map[string][]struct{ name, schema string }{
	// With advanced management (SSH), a switch's details carry its interfaces with their VLANs
	// and the switch's VLANs: what the VLAN actions change. Tenantos' own VLAN automation
	// listener reads extendedDetails.interfaces[].vlans[] (isAccessVlan, isNativeVlan), by the
	// interface's name (shor0814/tenantosVLANAutomation).
	"getNetworkDeviceExtendedDetails.result.extendedDetails": {
		{"interfaces", `{"type": "array", "description": "The switch's interfaces and their VLANs (advanced management only).",
			"items": {"type": "object", "additionalProperties": false, "properties": {"id": {"type": "integer"},
			"name": {"type": "string"}, "description": {"type": "string"}, "portAdminStatus": {"type": "string"},
			"mode": {"type": "string"}, "vlans": {"type": "array", "items": {"type": "object", "additionalProperties": false,
			"properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "isAccessVlan": {"type": "boolean"},
			"isNativeVlan": {"type": "boolean"}, "isTrunkVlan": {"type": "boolean"}}}}}}}`},
		{"vlans", `{"type": "array", "description": "The switch's VLANs (advanced management only).",
			"items": {"type": "object", "additionalProperties": false, "properties": {"id": {"type": "integer"},
			"name": {"type": "string"}, "l3Ips": {"type": "array", "items": {"type": "string"}}}}}`},
	},
}

// openPath tells whether a path is left open, and why.
func openPath(path string) (string, bool) {
	for _, r := range openPaths {
		if path == r.path || strings.HasSuffix(path, "."+r.path) {
			return r.why, true
		}
	}
	return "", false
}

// dataKeys: an object whose keys are data rather than field names ("en-us", "1", "...").
func dataKeys(o *obj) bool {
	for _, k := range o.keys {
		if k == "..." || strings.ContainsAny(k, "-. ") || strings.Trim(k, "0123456789") == "" {
			return true
		}
	}
	return false
}

func openSchema(description string, nullable bool) *obj {
	s := newObj()
	if description != "" {
		s.set("description", description)
	}
	if nullable {
		s.set("nullable", true)
	}
	return s.set("x-panelsim-open", true)
}

func ref(name string) *obj { return newObj().set("$ref", "#/components/schemas/"+name) }

// infer builds the schema of the values vals, all found at the schema path path. self is
// the component being inferred (its own sources are not replaced by a reference to it).
func (g *gen) infer(vals []located, path, self string) *obj {
	if name := g.componentAt(vals, self); name != "" {
		return ref(name)
	}
	if why, ok := openPath(path); ok {
		return openSchema(why, true)
	}
	if t, ok := responseTypes[path]; ok {
		g.note("type of %s set to %s", path, t)
		return newObj().set("type", t).set("nullable", true)
	}
	kinds := map[string]bool{}
	nulls := false
	for _, l := range vals {
		switch x := l.v.(type) {
		case nil:
			nulls = true
		case *obj:
			kinds["object"] = true
		case []any:
			kinds["array"] = true
		case string:
			kinds["string"] = true
		case bool:
			kinds["boolean"] = true
		case json.Number:
			if isInt(x) {
				kinds["integer"] = true
			} else {
				kinds["number"] = true
			}
		default:
			panic(fmt.Sprintf("infer %s: %T", path, l.v))
		}
	}
	if kinds["integer"] && kinds["number"] {
		delete(kinds, "integer")
	}
	if len(kinds) == 0 {
		return openSchema("Always null in the vendor's examples; its type is not documented.", true)
	}
	if len(kinds) > 1 {
		names := sortedKeys(kinds)
		g.note("mixed types at %s: %s (left open)", path, strings.Join(names, ", "))
		return openSchema("Either "+strings.Join(names, " or ")+" (the vendor's examples differ).", true)
	}
	var kind string
	for k := range kinds {
		kind = k
	}
	s := newObj()
	switch kind {
	case "object":
		for _, l := range vals {
			if o, ok := l.v.(*obj); ok && (dataKeys(o) || g.openPtrs[l.ptr]) {
				return openSchema(phpMap, true)
			}
		}
		s.set("type", "object")
		if nulls {
			s.set("nullable", true)
		}
		s.set("additionalProperties", false)
		props := newObj()
		var keys []string
		byKey := map[string][]located{}
		for _, l := range vals {
			o, ok := l.v.(*obj)
			if !ok {
				continue
			}
			for _, k := range o.keys {
				if _, seen := byKey[k]; !seen {
					keys = append(keys, k)
				}
				c := l.at(k)
				c.v = o.m[k]
				byKey[k] = append(byKey[k], c)
			}
		}
		for _, k := range keys {
			props.set(k, g.infer(byKey[k], path+"."+k, self))
		}
		for _, f := range extraProperties[path] {
			g.note("added: %s.%s, which the vendor's examples do not show (extraProperties)", path, f.name)
			props.set(f.name, mustJSON(f.schema))
		}
		s.set("properties", props)
	case "array":
		s.set("type", "array")
		if nulls {
			s.set("nullable", true)
		}
		var elems []located
		for _, l := range vals {
			arr, _ := l.v.([]any)
			for _, e := range arr {
				c := l.at("*")
				c.v = e
				elems = append(elems, c)
			}
		}
		if len(elems) == 0 {
			if name := g.componentAtPtrs(vals, self); name != "" {
				s.set("items", ref(name))
			} else {
				s.set("items", openSchema("Always empty in the vendor's examples; the items are not documented.", true))
			}
		} else {
			s.set("items", g.infer(elems, path+"[]", self))
		}
	default:
		s.set("type", kind)
		if nulls {
			s.set("nullable", true)
		}
	}
	return s
}

// componentAt names the component whose sources hold vals, "" when none (or only self).
func (g *gen) componentAt(vals []located, self string) string {
	name := ""
	for _, l := range vals {
		if c := g.compAt[l.ptr]; c != "" && c != self {
			name = c
		}
	}
	return name
}

// componentAtPtrs names the component whose sources are the items of the arrays vals (for
// arrays that are empty in every example).
func (g *gen) componentAtPtrs(vals []located, self string) string {
	for _, l := range vals {
		if c := g.compAt[l.ptr+"/*"]; c != "" && c != self {
			return c
		}
	}
	return ""
}

// resolve finds the values a pointer designates in an example ("result/*/ipassignments/*").
func resolve(root any, opID, ptr string) []located {
	cur := []located{{v: root, ptr: opID + ":"}}
	if ptr == "" {
		return cur
	}
	for _, seg := range strings.Split(ptr, "/") {
		var next []located
		for _, l := range cur {
			switch x := l.v.(type) {
			case *obj:
				if v, ok := x.get(seg); ok && seg != "*" {
					c := l.at(seg)
					c.v = v
					next = append(next, c)
				}
			case []any:
				if seg == "*" {
					for _, e := range x {
						c := l.at("*")
						c.v = e
						next = append(next, c)
					}
				}
			}
		}
		cur = next
	}
	return cur
}

// sanitize removes the vendor's "..." placeholders from an example: keys named "..." and
// array elements that hold nothing else. An object that had such a key stands for more
// keys than it shows: its pointer goes into open, and its schema is left open.
func sanitize(v any, ptr string, open map[string]bool) any {
	switch x := v.(type) {
	case *obj:
		out := newObj()
		for _, k := range x.keys {
			if k == "..." {
				open[ptr] = true
				continue
			}
			out.set(k, sanitize(x.m[k], ptr+"/"+k, open))
		}
		return out
	case []any:
		out := []any{}
		for _, e := range x {
			if o, ok := e.(*obj); ok && placeholderOnly(o) {
				continue
			}
			out = append(out, sanitize(e, ptr+"/*", open))
		}
		return out
	}
	return v
}

// placeholderOnly: an object that only stands for "more of the same" ({"...": "..."},
// {"id": "...", "name": "..."}).
func placeholderOnly(o *obj) bool {
	if o.has("...") && len(o.keys) == 1 {
		return true
	}
	for _, k := range o.keys {
		if o.m[k] != "..." {
			return false
		}
	}
	return len(o.keys) > 0
}

func (g *gen) note(format string, args ...any) {
	g.notes = append(g.notes, fmt.Sprintf(format, args...))
}

func sortedNotes(notes []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range notes {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}
