package devices

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// vlanID reads the VLAN id of field (1 to 4094).
func (a *actionRun) vlanID(field string) (int64, error) {
	raw, ok := a.body[field]
	if !ok || raw == nil {
		return 0, tenantos.Invalidf(field, "The %s field is required.", field)
	}
	id, ok := integer(raw)
	if !ok || id < 1 || id > 4094 {
		return 0, tenantos.Invalidf(field, "The %s must be a VLAN id between 1 and 4094.", field)
	}
	return id, nil
}

// l3IPs reads the l3Ips field: the VLAN's layer 3 addresses in CIDR notation ("10.10.10.1/24").
func (a *actionRun) l3IPs() ([]string, bool, error) {
	raw, ok := a.body["l3Ips"]
	if !ok || raw == nil {
		return nil, false, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, true, tenantos.Invalid("l3Ips", "The l3 ips must be an array.")
	}
	out := []string{}
	for i, v := range list {
		s, _ := str(v)
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, true, tenantos.Invalidf(fmt.Sprintf("l3Ips.%d", i), "The l3 ips.%d must be an address with its prefix length (10.10.10.1/24).", i)
		}
		if s = p.String(); !tenantos.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, true, nil
}

// createVlan adds a VLAN to the switch: id (1 to 4094, not there yet, else 422 on id), name
// (required) and its layer 3 addresses.
func createVlan(a *actionRun) (any, error) {
	id, err := a.vlanID("id")
	if err != nil {
		return nil, err
	}
	name, _ := str(a.body["name"])
	if name == "" {
		return nil, tenantos.Invalid("name", "The name field is required.")
	}
	if findVlan(a.d, id) != nil {
		return nil, tenantos.Invalidf("id", "The switch already has VLAN %d.", id)
	}
	ips, _, err := a.l3IPs()
	if err != nil {
		return nil, err
	}
	a.d.Vlans = append(a.d.Vlans, tenantos.Vlan{ID: id, Name: name, L3IPs: tenantos.List(ips)})
	sort.Slice(a.d.Vlans, func(i, j int) bool { return a.d.Vlans[i].ID < a.d.Vlans[j].ID })
	a.log("createVlan", fmt.Sprintf("Created VLAN %d (%s)", id, name), nil, 0)
	return "ok", nil
}

// updateVlan changes a VLAN's name or layer 3 addresses (the VLAN must exist, else 422 on id).
func updateVlan(a *actionRun) (any, error) {
	id, err := a.vlanID("id")
	if err != nil {
		return nil, err
	}
	v := findVlan(a.d, id)
	if v == nil {
		return nil, tenantos.Invalidf("id", "The switch has no VLAN %d.", id)
	}
	var notes []string
	if name, ok := str(a.body["name"]); ok && name != "" {
		v.Name = name
		notes = append(notes, "name "+name)
	}
	ips, sent, err := a.l3IPs()
	if err != nil {
		return nil, err
	}
	if sent {
		v.L3IPs = ips
		notes = append(notes, "layer 3 addresses "+strings.Join(ips, ", "))
	}
	a.log("updateVlan", fmt.Sprintf("Updated VLAN %d: %s", id, strings.Join(notes, ", ")), nil, 0)
	return "ok", nil
}

// deleteVlanFromInterface takes a VLAN off an interface: its access VLAN, its native VLAN or
// one of its trunk VLANs (422 on vlanId when the interface does not carry it). The VLAN stays
// on the switch.
func deleteVlanFromInterface(a *actionRun) (any, error) {
	p, err := a.port()
	if err != nil {
		return nil, err
	}
	id, err := a.vlanID("vlanId")
	if err != nil {
		return nil, err
	}
	found := false
	if p.AccessVlan == id {
		p.AccessVlan, found = 0, true
	}
	if p.NativeVlan == id {
		p.NativeVlan, found = 0, true
	}
	rest := []int64{}
	for _, v := range p.TrunkVlans {
		if v == id {
			found = true
			continue
		}
		rest = append(rest, v)
	}
	if !found {
		return nil, tenantos.Invalidf("vlanId", "The interface %s does not carry VLAN %d.", p.Name, id)
	}
	p.TrunkVlans = rest
	a.log("deleteVlanFromInterface", fmt.Sprintf("Removed VLAN %d from interface %s", id, portLabel(p)), p, 0)
	return "ok", nil
}
