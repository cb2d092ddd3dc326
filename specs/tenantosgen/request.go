package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Request bodies are converted from the vendor's (Scribe's) schemas: types, required lists
// and the rules Scribe wrote into descriptions ("Must be one of …", "Must not be greater
// than 255 characters.") become enum, maxLength, minimum, default …; the vendor's prose is
// not copied: the few sentences worth keeping are rewritten by rule, and notable fields get
// a description of our own from fieldDocs. Objects are left open (Laravel ignores unknown
// fields). Every JSON body gets an example built from the vendor's field examples, repaired
// where it would not pass its own schema.

// rules are what a vendor description says about a field, in our words and keywords.
type rules struct {
	text           []string
	enum           []string
	min, max       string // numbers
	minLen, maxLen string
	minItems       string
	def            any
	format         string
}

var (
	reSentence = regexp.MustCompile(`\.\s+`)
	reTags     = regexp.MustCompile("</?code>|`")
	reParen    = regexp.MustCompile(`\s*\([^)]*\)`)
	reEnumSep  = regexp.MustCompile(`\s*,\s*(?:or\s+)?|\s+or\s+`)
	reEnumVal  = regexp.MustCompile(`^[A-Za-z0-9_+\-]+$`)
)

// sentences splits a description the way it reads: at ". ", keeping each sentence's period.
func sentences(desc string) []string {
	desc = strings.TrimSpace(desc)
	var out []string
	for desc != "" {
		loc := reSentence.FindStringIndex(desc)
		// A period inside `…` is not the end of a sentence.
		for loc != nil && strings.Count(desc[:loc[0]], "`")%2 == 1 {
			next := reSentence.FindStringIndex(desc[loc[1]:])
			if next == nil {
				loc = nil
				break
			}
			loc = []int{loc[1] + next[0], loc[1] + next[1]}
		}
		if loc == nil {
			out = append(out, desc)
			break
		}
		out = append(out, desc[:loc[0]+1])
		desc = desc[loc[1]:]
	}
	return out
}

func clean(s string) string { return strings.TrimSpace(reTags.ReplaceAllString(s, "")) }

// parseEnum reads "Must be one of a, b, or c." in its several spellings; nil when the list
// is not a list of plain values ("Must be one of powerprovider.supportedFeatures").
func parseEnum(rest string) []string {
	var list string
	if strings.HasPrefix(rest, "`") {
		end := strings.Index(rest[1:], "`")
		if end < 0 {
			return nil
		}
		list = rest[1 : end+1]
	} else {
		list = rest
		if i := strings.Index(list, ". "); i >= 0 {
			list = list[:i]
		}
	}
	list = reParen.ReplaceAllString(clean(list), "")
	list = strings.TrimSuffix(strings.TrimSpace(list), ".")
	var out []string
	for _, v := range reEnumSep.Split(list, -1) {
		v = strings.TrimSuffix(strings.TrimSpace(v), ".")
		if v == "" || v == "or" {
			continue
		}
		if !reEnumVal.MatchString(v) {
			return nil
		}
		out = append(out, v)
	}
	return out
}

var (
	reMaxChars   = regexp.MustCompile(`^Must not be greater than (\d+) characters\.$`)
	reMaxKB      = regexp.MustCompile(`^Must not be greater than (\d+) kilobytes\.$`)
	reMax        = regexp.MustCompile(`^Must not be greater than ([\d.]+)\.$`)
	reMinChars   = regexp.MustCompile(`^Must be at least (\d+) characters\.$`)
	reMin        = regexp.MustCompile(`^Must be at least ([\d.]+)\.$`)
	reBetween    = regexp.MustCompile(`^Must be between (\d+) and (\d+)\.$`)
	reMinItems   = regexp.MustCompile(`^Must have at least (\d+) items?\.$`)
	reDefault    = regexp.MustCompile(`^(?:Defaults? (?:is|to)|The default value is) (true|false)(?: if not set)?\.$`)
	reReqUnless  = regexp.MustCompile(`^This field is required when (.+) is not present\.$`)
	reReqWith    = regexp.MustCompile(`^This field is required when (.+) is present\.$`)
	reReqWhen    = regexp.MustCompile(`^This field is required when (.+) is (.+)\.$`)
	reDateFormat = regexp.MustCompile(`^Must be a valid date in the format (.+)\.$`)
	reHostname   = regexp.MustCompile(`^Must be a valid hostname and not be greater than (\d+) characters\.$`)
)

// fixedPhrases rewrites the vendor's stock validation sentences.
var fixedPhrases = map[string]string{
	"Must be a valid date.":                                        "A date and time, e.g. 2025-08-25T15:29:15.",
	"Must be a date before now.":                                   "A moment in the past.",
	"Must be a valid IP address.":                                  "An IP address.",
	"Must be a valid IP address (network address).":                "The network address of the subnet.",
	"Must be a valid IP address or a subnet with CIDR.":            "An IP address, or a subnet with its prefix length.",
	"Must be a valid IP address which is assigned to this server.": "An IP address assigned to this server.",
	"Must be a IP/subnet which is assigned to the server.":         "An IP address or subnet assigned to the server.",
	"Must be an array of valid IP addresses.":                      "A list of IP addresses.",
	"Must be a valid email address.":                               "An email address.",
	"Must be a valid URL.":                                         "A URL.",
	"Must be a valid subnet (without CIDR).":                       "A network address, without prefix length.",
	"Must be an image.":                                            "An image file.",
	"Must be a file.":                                              "A file.",
	"Must be a valid time zone, such as Africa/Accra.":             "A time zone name such as Europe/Berlin.",
}

// parseRules reads the rules out of a vendor description.
func parseRules(desc string) rules {
	var r rules
	for _, s := range sentences(desc) {
		c := clean(s)
		if rest, ok := strings.CutPrefix(s, "Must be one of "); ok {
			r.enum = parseEnum(rest)
			continue
		}
		if m := reMaxChars.FindStringSubmatch(c); m != nil {
			r.maxLen = m[1]
		} else if m := reMaxKB.FindStringSubmatch(c); m != nil {
			r.text = append(r.text, "At most "+m[1]+" KB.")
		} else if m := reMax.FindStringSubmatch(c); m != nil {
			r.max = m[1]
		} else if m := reMinChars.FindStringSubmatch(c); m != nil {
			r.minLen = m[1]
		} else if m := reMin.FindStringSubmatch(c); m != nil {
			r.min = m[1]
		} else if m := reBetween.FindStringSubmatch(c); m != nil {
			r.min, r.max = m[1], m[2]
		} else if m := reMinItems.FindStringSubmatch(c); m != nil {
			r.minItems = m[1]
		} else if m := reDefault.FindStringSubmatch(c); m != nil {
			r.def = m[1] == "true"
		} else if m := reReqUnless.FindStringSubmatch(c); m != nil {
			r.text = append(r.text, "Needed unless "+m[1]+" is sent.")
		} else if m := reReqWith.FindStringSubmatch(c); m != nil {
			r.text = append(r.text, "Needed when "+m[1]+" is sent.")
		} else if m := reReqWhen.FindStringSubmatch(c); m != nil {
			r.text = append(r.text, "Needed when "+m[1]+" is "+m[2]+".")
		} else if m := reDateFormat.FindStringSubmatch(c); m != nil {
			r.text = append(r.text, "A date and time written as "+m[1]+".")
		} else if m := reHostname.FindStringSubmatch(c); m != nil {
			r.text = append(r.text, "A host name.")
			r.maxLen = m[1]
		} else if p, ok := fixedPhrases[c]; ok {
			r.text = append(r.text, p)
			if c == "Must be a valid email address." {
				r.format = "email"
			}
		}
	}
	return r
}

// reqSchema converts one vendor request schema. where is the field path ("config",
// "ipv4Addresses[].count"), "" for the body itself.
func (g *gen) reqSchema(id string, v *obj, where string) *obj {
	s := newObj()
	typ := v.str("type")
	nullable := false
	switch typ {
	case "required": // channelSetAccess.slot: Scribe took a rule for the type
		typ = "integer"
		g.note("repaired: %s %s has type %q, now integer", id, where, "required")
	case "Enter": // createServer ipassignments[].ip: the first word of its description
		typ = "string"
		g.note("repaired: %s %s has type %q, now string", id, where, "Enter")
	case "null": // runServerPowerAction method: ignored by the panel
		typ, nullable = "string", true
		g.note("repaired: %s %s has type %q, now a nullable string", id, where, "null")
	case "array.": // updateBackupStorage configuration
		typ = ""
		g.note("repaired: %s %s has type %q, now free-form", id, where, "array.")
	}
	if t, ok := fieldTypes[id+" "+where]; ok {
		typ = t
	}
	r := parseRules(v.str("description"))
	if typ == "string" && len(r.enum) > 0 && allInts(r.enum) {
		// Laravel's in:0,1 takes 0 as well as "0"; as an integer the value is coerced from
		// either.
		typ = "integer"
	}
	props := v.child("properties")
	_, propsList := v.m["properties"].([]any)
	_, exampleIsArray := v.m["example"].([]any)
	free := false
	switch typ {
	case "object":
		if propsList || props == nil {
			if propsList {
				g.note("repaired: %s %s has \"properties\" as a list, now a free-form object", id, orBody(where))
			}
			free = true
			if where == "" {
				s.set("type", "object")
			}
		} else if where == "" || !exampleIsArray {
			s.set("type", "object")
		}
	case "":
		free = true
	default:
		s.set("type", typ)
	}
	if nullable {
		s.set("nullable", true)
	}
	desc := fieldDoc(id, where)
	if free && where != "" {
		desc = joinText(desc, "Free-form; a PHP array, so [] counts as empty.")
	}
	desc = joinText(desc, strings.Join(r.text, " "))
	if desc != "" {
		s.set("description", desc)
	}
	if f := v.str("format"); f != "" {
		s.set("format", f)
	} else if r.format != "" {
		s.set("format", r.format)
	}
	if len(r.enum) > 0 && (typ == "string" || typ == "integer") {
		vals := make([]any, len(r.enum))
		for i, e := range r.enum {
			if typ == "integer" {
				n, err := strconv.Atoi(e)
				if err != nil {
					panic(fmt.Sprintf("%s %s: enum value %q is not an integer", id, where, e))
				}
				vals[i] = num(n)
			} else {
				vals[i] = e
			}
		}
		s.set("enum", vals)
	}
	switch typ {
	case "integer", "number":
		if r.min != "" {
			s.set("minimum", json.Number(r.min))
		}
		if r.max != "" {
			s.set("maximum", json.Number(r.max))
		}
	case "string":
		if r.minLen != "" {
			s.set("minLength", json.Number(r.minLen))
		}
		if r.maxLen != "" {
			s.set("maxLength", json.Number(r.maxLen))
		}
	case "array":
		if r.minItems != "" {
			s.set("minItems", json.Number(r.minItems))
		}
	}
	if r.def != nil && typ == "boolean" {
		s.set("default", r.def)
	}
	if props != nil && !propsList {
		var req []any
		for _, k := range asStrings(v.m["required"]) {
			if contains(optional[id], k) && where == "" {
				g.note("%s: %s made optional (the handler requires it where the panel does)", id, k)
				continue
			}
			if props.has(k) {
				req = append(req, k)
			}
		}
		if len(req) > 0 {
			s.set("required", req)
		}
		out := newObj()
		for _, k := range props.keys {
			out.set(k, g.reqSchema(id, props.child(k), join(where, k)))
		}
		s.set("properties", out)
	}
	if typ == "array" {
		if items := v.child("items"); items != nil {
			s.set("items", g.reqSchema(id, items, where+"[]"))
		}
	}
	return s
}

func allInts(vals []string) bool {
	for _, v := range vals {
		if _, err := strconv.Atoi(v); err != nil {
			return false
		}
	}
	return true
}

func orBody(where string) string {
	if where == "" {
		return "(body)"
	}
	return where
}

func join(where, k string) string {
	if where == "" {
		return k
	}
	return where + "." + k
}

func joinText(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}

// absent marks a field the example leaves out.
type absentT struct{}

var absent = absentT{}

// reqExample builds the example of a request field from the vendor's (v) for our schema s,
// repairing what would not pass: nulls in lists, values outside the rules, missing required
// fields. A field the vendor gives no example for is left out unless it is required.
func (g *gen) reqExample(id string, v, s *obj, where string, required bool) any {
	if ex, ok := exampleOverrides[id+" "+where]; ok {
		if f, ok := ex.(func(*gen) any); ok {
			return f(g)
		}
		return clone(ex)
	}
	vex, hasEx := v.m["example"]
	props := s.child("properties")
	switch {
	case props != nil:
		// An object the vendor gives a real example for (not PHP's []) keeps it.
		if o, ok := vex.(*obj); ok && len(o.keys) > 0 {
			return g.fitObject(id, o, s, where)
		}
		out := newObj()
		req := map[string]bool{}
		for _, k := range asStrings(s.m["required"]) {
			req[k] = true
		}
		vprops := v.child("properties")
		for _, k := range props.keys {
			ex := g.reqExample(id, vprops.child(k), props.child(k), join(where, k), req[k])
			if ex != absent {
				out.set(k, ex)
			}
		}
		return out
	case s.str("type") == "array":
		items := s.child("items")
		arr, ok := vex.([]any)
		if ok && !(len(arr) == 1 && isEmptyArray(arr[0])) {
			out := []any{}
			for _, e := range arr {
				if e == nil {
					continue
				}
				if items != nil && len(validate(items, e, g.schemas)) > 0 {
					continue
				}
				out = append(out, e)
			}
			if len(out) > 0 || !required {
				return out
			}
		}
		if items != nil {
			if vi := v.child("items"); vi != nil {
				if e := g.reqExample(id, vi, items, where+"[]", required); e != absent {
					return []any{e}
				}
			}
		}
		if required {
			return []any{}
		}
		return absent
	}
	if !hasEx || vex == nil {
		if required {
			return synth(s, where)
		}
		return absent
	}
	return g.fitScalar(id, vex, s, where, required)
}

func isEmptyArray(v any) bool { a, ok := v.([]any); return ok && len(a) == 0 }

// fitObject keeps a vendor object example, loosening the schema of a field whose own
// schema the example contradicts (the example is what the vendor says the panel takes).
func (g *gen) fitObject(id string, ex *obj, s *obj, where string) any {
	props := s.child("properties")
	for _, k := range ex.keys {
		p := props.child(k)
		if p == nil {
			continue
		}
		if errs := validate(p, ex.m[k], g.schemas); len(errs) > 0 {
			for _, kw := range []string{"type", "items", "properties", "required", "enum"} {
				p.del(kw)
			}
			p.set("description", joinText(p.str("description"), "Any JSON value; the vendor's example has an object here."))
			g.note("loosened: %s %s (the vendor's example contradicts its type)", id, join(where, k))
		}
	}
	return clone(ex)
}

// fitScalar repairs a scalar example that breaks its field's rules.
func (g *gen) fitScalar(id string, ex any, s *obj, where string, required bool) any {
	if errs := validate(s, ex, g.schemas); len(errs) == 0 {
		if str, ok := ex.(string); !(ok && str == "" && required) {
			return ex
		}
	}
	fixed := synth(s, where)
	if str, ok := ex.(string); ok && (s.str("type") == "integer" || s.str("type") == "number") {
		if _, err := strconv.ParseFloat(str, 64); err == nil {
			if n := json.Number(str); len(validate(s, n, g.schemas)) == 0 {
				fixed = n
			}
		}
	}
	if n, ok := ex.(json.Number); ok {
		if m, ok := s.m["minimum"].(json.Number); ok && compare(n, m) < 0 {
			fixed = m
		} else if m, ok := s.m["maximum"].(json.Number); ok && compare(n, m) > 0 {
			fixed = m
		}
	}
	if str, ok := ex.(string); ok && s.str("type") == "string" {
		if _, hasEnum := s.m["enum"]; !hasEnum && str != "" {
			if m, ok := intOf(s.m["maxLength"]); ok && len([]rune(str)) > m {
				fixed = string([]rune(str)[:m])
			}
		}
	}
	g.note("example repaired: %s %s: %s → %s", id, where, short(ex), short(fixed))
	return fixed
}

func compare(a, b json.Number) int {
	x, _ := a.Float64()
	y, _ := b.Float64()
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func short(v any) string {
	b, _ := json.Marshal(plain(v))
	if len(b) > 40 {
		return string(b[:40]) + "…"
	}
	return string(b)
}

// synth makes a value that fits a schema, for required fields the vendor gives no usable
// example for.
func synth(s *obj, where string) any {
	if enum, ok := s.m["enum"].([]any); ok && len(enum) > 0 {
		return enum[0]
	}
	if ex, ok := synthByName[lastField(where)]; ok {
		return ex
	}
	switch s.str("type") {
	case "integer", "number":
		if m, ok := s.m["minimum"].(json.Number); ok {
			return m
		}
		return num(1)
	case "boolean":
		return true
	case "array":
		return []any{}
	case "object":
		return newObj()
	}
	str := "example"
	if m, ok := intOf(s.m["minLength"]); ok && m > len(str) {
		str = strings.Repeat("x", m)
	}
	return str
}

func lastField(where string) string {
	where = strings.TrimSuffix(where, "[]")
	if i := strings.LastIndex(where, "."); i >= 0 {
		return where[i+1:]
	}
	return where
}

var synthByName = map[string]any{
	"languageName": "Español",
	"name":         "example",
}
