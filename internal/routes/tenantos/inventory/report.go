package inventory

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// A detection report (the body the script posts; see hwdetect.sh) is checked the way the
// panel's validator would: every part is optional, but one at least must be there; objects
// and lists must be what they are, texts texts of at most 255 characters, sizes and clocks
// whole numbers of at least 0, a disk's type HDD, SSD or NVMe, and no list longer than
// maxEntries. A part with nothing in it (an object of empty texts) counts as not there, so
// that it leaves what the panel knew; a list that is there replaces what the panel knew,
// without the entries of size 0 (an empty memory slot).

// maxEntries bounds each list of a report.
const maxEntries = 256

// report is a checked report: the items it makes, by component.
type report struct {
	parts map[int64][]*Item
}

func (r *report) items() map[int64][]*Item { return r.parts }

// problems are the refusals of a report, by field, in the order found.
type problems struct {
	fields map[string][]string
	order  []string
}

func (p *problems) add(field, format string, a ...any) {
	if p.fields == nil {
		p.fields = map[string][]string{}
	}
	if _, ok := p.fields[field]; !ok {
		p.order = append(p.order, field)
	}
	p.fields[field] = append(p.fields[field], fmt.Sprintf(format, a...))
}

// object reads the object at key (false when it is not there, or is not an object).
func (p *problems) object(m map[string]any, key, path string) (map[string]any, bool) {
	v, ok := m[key]
	if !ok || v == nil {
		return nil, false
	}
	o, ok := v.(map[string]any)
	if !ok {
		p.add(path, "The %s field must be an array.", path)
	}
	return o, ok
}

// list reads the list at key (false when it is not there, or is not a list).
func (p *problems) list(m map[string]any, key string) ([]any, bool) {
	v, ok := m[key]
	if !ok || v == nil {
		return nil, false
	}
	l, ok := v.([]any)
	if !ok {
		p.add(key, "The %s field must be an array.", key)
		return nil, false
	}
	if len(l) > maxEntries {
		p.add(key, "The %s field must not have more than %d items.", key, maxEntries)
		return nil, false
	}
	return l, true
}

// text reads the text at key, "" when it is not there.
func (p *problems) text(m map[string]any, path, key string) string {
	field := path + "." + key
	var s string
	switch v := m[key].(type) {
	case nil:
		return ""
	case string:
		s = strings.TrimSpace(v)
	case json.Number:
		s = v.String()
	default:
		p.add(field, "The %s field must be a string.", field)
		return ""
	}
	if len([]rune(s)) > maxText {
		p.add(field, "The %s field must not be greater than %d characters.", field, maxText)
		return ""
	}
	return s
}

// whole reads the whole number at key, 0 when it is not there.
func (p *problems) whole(m map[string]any, path, key string) int64 {
	field := path + "." + key
	var n int64
	switch v := m[key].(type) {
	case nil:
		return 0
	case json.Number:
		i, err := v.Int64()
		if err != nil {
			f, ferr := v.Float64()
			if ferr != nil || f != float64(int64(f)) {
				p.add(field, "The %s field must be an integer.", field)
				return 0
			}
			i = int64(f)
		}
		n = i
	case string:
		i, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			p.add(field, "The %s field must be an integer.", field)
			return 0
		}
		n = i
	default:
		p.add(field, "The %s field must be an integer.", field)
		return 0
	}
	if n < 0 {
		p.add(field, "The %s field must be at least 0.", field)
		return 0
	}
	return n
}

// entries reads a list of objects.
func (p *problems) entries(m map[string]any, key string) ([]map[string]any, bool) {
	l, ok := p.list(m, key)
	if !ok {
		return nil, false
	}
	out := []map[string]any{}
	for i, v := range l {
		o, isObj := v.(map[string]any)
		if !isObj {
			p.add(fmt.Sprintf("%s.%d", key, i), "The %s.%d field must be an array.", key, i)
			continue
		}
		out = append(out, o)
	}
	return out, true
}

// diskTypes are the disk types a report may name, as the Disk Type field's options.
var diskTypes = map[string]string{"hdd": "HDD", "ssd": "SSD", "nvme": "NVMe"}

// parseReport checks a report and makes its items; what it refuses is in problems.
func parseReport(body []byte) (*report, *problems) {
	p := &problems{}
	var root map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&root) != nil {
		root = nil // not a JSON object: nothing is there
	}
	rep := &report{parts: map[int64][]*Item{}}
	if o, ok := p.object(root, "mainboard", "mainboard"); ok {
		man, model, version, serial := p.text(o, "mainboard", "manufacturer"), p.text(o, "mainboard", "model"),
			p.text(o, "mainboard", "version"), p.text(o, "mainboard", "serial")
		if man+model+version+serial != "" {
			rep.parts[compMainboard] = []*Item{{Model: firstOf(model, man), Value: version, Serial: serial, Description: man}}
		}
	}
	if o, ok := p.object(root, "bios", "bios"); ok {
		vendor, version, date := p.text(o, "bios", "vendor"), p.text(o, "bios", "version"), p.text(o, "bios", "date")
		if vendor+version+date != "" {
			rep.parts[compBIOS] = []*Item{{Model: vendor, Value: version, Serial: date}}
		}
	}
	if o, ok := p.object(root, "system", "system"); ok {
		man, product, serial := p.text(o, "system", "manufacturer"), p.text(o, "system", "product"), p.text(o, "system", "serial")
		if man+product+serial != "" {
			rep.parts[compSystem] = []*Item{{Model: firstOf(product, man), Value: man, Serial: serial}}
		}
	}
	if list, ok := p.entries(root, "cpus"); ok {
		rep.parts[compCPU] = []*Item{}
		for i, o := range list {
			path := fmt.Sprintf("cpus.%d", i)
			model := p.text(o, path, "model")
			mhz, turbo, cores, threads := p.whole(o, path, "mhz"), p.whole(o, path, "mhzTurbo"), p.whole(o, path, "cores"), p.whole(o, path, "threads")
			if model == "" && mhz+turbo+cores+threads == 0 {
				continue
			}
			it := &Item{Model: model, Fields: []FieldValue{}}
			if mhz > 0 {
				it.Value = itoa(mhz)
			}
			for _, f := range []struct {
				id int64
				n  int64
			}{{fieldCores, cores}, {fieldMHzTurbo, turbo}, {fieldMHzNormal, mhz}, {fieldThreads, threads}} {
				if f.n > 0 {
					it.Fields = append(it.Fields, FieldValue{FieldID: f.id, Value: itoa(f.n)})
				}
			}
			rep.parts[compCPU] = append(rep.parts[compCPU], it)
		}
	}
	if list, ok := p.entries(root, "memory"); ok {
		rep.parts[compMemory] = []*Item{}
		for i, o := range list {
			path := fmt.Sprintf("memory.%d", i)
			model, man, serial, size := p.text(o, path, "model"), p.text(o, path, "manufacturer"), p.text(o, path, "serial"), p.whole(o, path, "sizeMb")
			if size == 0 {
				continue
			}
			rep.parts[compMemory] = append(rep.parts[compMemory], &Item{Model: firstOf(model, man), Value: itoa(size), Serial: serial, Description: man})
		}
	}
	if list, ok := p.entries(root, "disks"); ok {
		rep.parts[compDisk] = []*Item{}
		for i, o := range list {
			path := fmt.Sprintf("disks.%d", i)
			name, model, serial, size := p.text(o, path, "name"), p.text(o, path, "model"), p.text(o, path, "serial"), p.whole(o, path, "sizeMb")
			kind := p.text(o, path, "type")
			if kind != "" {
				k, ok := diskTypes[strings.ToLower(kind)]
				if !ok {
					p.add(path+".type", "The selected %s.type is invalid.", path)
					continue
				}
				kind = k
			}
			if size == 0 {
				continue
			}
			it := &Item{Model: model, Value: itoa(size), Serial: serial, Description: name}
			if kind != "" {
				it.Fields = []FieldValue{{FieldID: fieldDiskType, Value: kind}}
			}
			rep.parts[compDisk] = append(rep.parts[compDisk], it)
		}
	}
	if list, ok := p.entries(root, "nics"); ok {
		rep.parts[compNIC] = []*Item{}
		for i, o := range list {
			path := fmt.Sprintf("nics.%d", i)
			name, mac, model := p.text(o, path, "name"), p.text(o, path, "mac"), p.text(o, path, "model")
			if name+mac+model == "" {
				continue
			}
			rep.parts[compNIC] = append(rep.parts[compNIC], &Item{Model: firstOf(model, name), Value: mac, Description: name})
		}
	}
	if len(rep.parts) == 0 && p.fields == nil {
		p.add("mainboard", "The mainboard field is required when none of bios / system / cpus / memory / disks / nics are present.")
	}
	if p.fields != nil {
		return nil, p
	}
	return rep, nil
}

// firstOf is the first text that is not empty.
func firstOf(texts ...string) string {
	for _, t := range texts {
		if t != "" {
			return t
		}
	}
	return ""
}
