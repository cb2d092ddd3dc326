package inventory

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// A server's detailedHardwareInformation (tenantos.Server.Hardware) is the summary of its
// hardware by kind of part: the mainboard, the memory, the CPUs and the disks, each with a
// value (the board's version, the total memory and disk space in MB, the CPU's clock in MHz),
// a count and the parts in details. The fixtures give it for the default servers (and their
// inventory items are seeded from it); the VPS group writes a VM's from its resources; this
// group rewrites a part whenever the items of its component change (through the API or a
// detection report), so that the summary and the items always agree.
//
// How a part is made of items, after the vendor's examples (hwsummary/withDetails of the
// server whose items listServerInventory shows):
//   - mainboard: the first board's model and version (value), one detail per board;
//   - memory: value is the sum of the modules' sizes, model the last module's, one detail
//     per module;
//   - cpu: the first CPU's model and clock (value), its Cores, Threads and MHz Turbo custom
//     fields as cores, threads and mhzTurbo when set; count is the number of CPUs;
//   - disk: value is the sum of the disks' sizes, model the disk's or "multiple" when there
//     are several, one detail per disk.

// hardware is a detailedHardwareInformation; a part the server has nothing of is left out.
type hardware struct {
	Mainboard *textPart `json:"mainboard,omitempty"`
	Memory    *sizePart `json:"memory,omitempty"`
	CPU       *cpuPart  `json:"cpu,omitempty"`
	Disk      *sizePart `json:"disk,omitempty"`
}

type textPart struct {
	Model     string    `json:"model"`
	Value     flexText  `json:"value"`
	Count     flexInt   `json:"count"`
	ValueType string    `json:"valueType"`
	Details   []*detail `json:"details"`
}

type sizePart struct {
	Model     string    `json:"model"`
	Value     flexInt   `json:"value"`
	Count     flexInt   `json:"count"`
	ValueType string    `json:"valueType"`
	Details   []*detail `json:"details"`
}

type cpuPart struct {
	Model     string    `json:"model"`
	Value     flexText  `json:"value"`
	Count     flexInt   `json:"count"`
	ValueType string    `json:"valueType"`
	Cores     *flexText `json:"cores,omitempty"`
	Threads   *flexText `json:"threads,omitempty"`
	MHzTurbo  *flexInt  `json:"mhzTurbo,omitempty"`
}

type detail struct {
	Model string   `json:"model"`
	Size  flexText `json:"size"`
}

// flexText is a string that may have been stored as a number.
type flexText string

func (f *flexText) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*f = ""
		return nil
	}
	var s string
	if json.Unmarshal(b, &s) == nil {
		*f = flexText(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = flexText(n.String())
	return nil
}

// flexInt is an integer that may have been stored as a numeric string.
type flexInt int64

func (f *flexInt) UnmarshalJSON(b []byte) error {
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		var s string
		if json.Unmarshal(b, &s) != nil {
			*f = 0
			return nil
		}
		n = json.Number(strings.TrimSpace(s))
	}
	*f = flexInt(number(string(n)))
	return nil
}

// number reads the integer at the start of s ("16384", "2200.000", "953869 MB"); 0 when
// there is none.
func number(s string) int64 {
	s = strings.TrimSpace(s)
	end := 0
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	n, _ := strconv.ParseInt(s[:end], 10, 64)
	return n
}

// readHardware decodes a server's detailedHardwareInformation; what cannot be read counts
// as nothing.
func readHardware(raw json.RawMessage) *hardware {
	hw := &hardware{}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, hw); err != nil {
			return &hardware{}
		}
	}
	return hw
}

// encode is the stored form: every part with its details.
func (hw *hardware) encode() json.RawMessage {
	raw, _ := json.Marshal(hw)
	return raw
}

// summary is the hardware summary, with details (withDetails) or with details null.
func (hw *hardware) summary(withDetails bool) *hardware {
	out := &hardware{CPU: hw.CPU}
	text := func(p *textPart) *textPart {
		if p == nil {
			return nil
		}
		c := *p
		c.Details = detailsOf(p.Details, withDetails)
		return &c
	}
	size := func(p *sizePart) *sizePart {
		if p == nil {
			return nil
		}
		c := *p
		c.Details = detailsOf(p.Details, withDetails)
		return &c
	}
	out.Mainboard, out.Memory, out.Disk = text(hw.Mainboard), size(hw.Memory), size(hw.Disk)
	return out
}

// detailsOf is a part's details as a summary shows them: null without details, a list
// (never null) with them.
func detailsOf(d []*detail, with bool) []*detail {
	if !with {
		return nil
	}
	return tenantos.List(d)
}

// hardwareComponents are the components whose items make a part of the summary.
var hardwareComponents = []int64{compMainboard, compMemory, compCPU, compDisk}

// isHardware reports whether a component's items make a part of the summary.
func isHardware(id int64) bool { return tenantos.Contains(hardwareComponents, id) }

// rebuildParts rewrites the parts of hw made by the components touched, from the server's
// items of them; a part whose component has no item left is left out.
func rebuildParts(tx *tenantos.Tx, hw *hardware, list []*Item, touched map[int64]bool) error {
	byComp := map[int64][]*Item{}
	for _, it := range list {
		byComp[it.ComponentID] = append(byComp[it.ComponentID], it)
	}
	valueType := func(id int64, def string) string {
		if c, err := components.Get(tx, id); err == nil && c.ValueType != "" {
			return c.ValueType
		}
		return def
	}
	if touched[compMainboard] {
		hw.Mainboard = nil
		if its := byComp[compMainboard]; len(its) > 0 {
			p := &textPart{Model: its[0].Model, Value: flexText(its[0].Value), Count: flexInt(len(its)), ValueType: valueType(compMainboard, "text"),
				Details: []*detail{}}
			for _, it := range its {
				p.Details = append(p.Details, &detail{Model: it.Model, Size: flexText(it.Value)})
			}
			hw.Mainboard = p
		}
	}
	sized := func(id int64, multiple bool) *sizePart {
		its := byComp[id]
		if len(its) == 0 {
			return nil
		}
		p := &sizePart{Count: flexInt(len(its)), ValueType: valueType(id, "mb"), Details: []*detail{}}
		for _, it := range its {
			p.Value += flexInt(number(it.Value))
			p.Model = it.Model
			p.Details = append(p.Details, &detail{Model: it.Model, Size: flexText(strconv.FormatInt(number(it.Value), 10))})
		}
		if multiple && len(its) > 1 {
			p.Model = "multiple"
		}
		return p
	}
	if touched[compMemory] {
		hw.Memory = sized(compMemory, false)
	}
	if touched[compDisk] {
		hw.Disk = sized(compDisk, true)
	}
	if touched[compCPU] {
		hw.CPU = nil
		if its := byComp[compCPU]; len(its) > 0 {
			first := its[0]
			p := &cpuPart{Model: first.Model, Value: flexText(first.Value), Count: flexInt(len(its)), ValueType: valueType(compCPU, "MHz")}
			if p.Value == "" {
				p.Value = flexText(fieldValue(first, fieldMHzNormal))
			}
			if v := fieldValue(first, fieldCores); v != "" {
				t := flexText(v)
				p.Cores = &t
			}
			if v := fieldValue(first, fieldThreads); v != "" {
				t := flexText(v)
				p.Threads = &t
			}
			if v := fieldValue(first, fieldMHzTurbo); v != "" {
				n := flexInt(number(v))
				p.MHzTurbo = &n
			}
			hw.CPU = p
		}
	}
	return nil
}

// fieldValue is an item's value of a custom field, "" when it has none.
func fieldValue(it *Item, fieldID int64) string {
	for _, f := range it.Fields {
		if f.FieldID == fieldID {
			return f.Value
		}
	}
	return ""
}

// refreshHardware rewrites the parts of a server's detailedHardwareInformation that the
// components touched make (those of them that make one), from its items, and stores the
// server when that changed something.
func refreshHardware(tx *tenantos.Tx, s *tenantos.Server, touched map[int64]bool) error {
	relevant := false
	for id := range touched {
		relevant = relevant || isHardware(id)
	}
	if !relevant {
		return nil
	}
	list, err := serverItems(tx, s.ID)
	if err != nil {
		return err
	}
	hw := readHardware(s.Hardware)
	if err := rebuildParts(tx, hw, list, touched); err != nil {
		return err
	}
	raw := hw.encode()
	if bytes.Equal(raw, s.Hardware) {
		return nil
	}
	s.Hardware, s.Updated = raw, tx.Now
	return tenantos.Servers.Put(tx, s.ID, s)
}
