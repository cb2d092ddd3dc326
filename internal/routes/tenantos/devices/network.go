package devices

import (
	"fmt"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// subnetVlan is the VLAN automation of a subnet as the network group keeps it (its records of
// collection networkSubnetSettings, by subnet id; see network.subnetSettings). Only read here.
type subnetVlan struct {
	ID                        int64   `json:"id"`
	EnableSwitchAutomation    *bool   `json:"enableSwitchAutomation"`
	VlanMode                  *string `json:"vlanMode"`
	AccessVlanGenerationMode  *string `json:"accessVlanGenerationMode"`
	StaticAccessVlanID        *int64  `json:"staticAccessVlanId"`
	RangeStartAccessVlanID    *int64  `json:"rangeStartAccessVlanId"`
	RangeEndAccessVlanID      *int64  `json:"rangeEndAccessVlanId"`
	TrunkVlans                []int64 `json:"trunkVlans"`
	VlanLayer3Mode            *string `json:"vlanLayer3Mode"`
	VlanLayer3IP              *string `json:"vlanLayer3Ip"`
	ReuseAccessVlan           *bool   `json:"reuseAccessVlan"`
	UseExistingPortAccessVlan *bool   `json:"useExistingPortAccessVlan"`
}

var subnetVlans = provider.Records[subnetVlan]{Provider: tenantos.Name, Coll: "networkSubnetSettings", NotFound: tenantos.ErrSubnetNotFound}

func (v *subnetVlan) on() bool { return v.EnableSwitchAutomation != nil && *v.EnableSwitchAutomation }

// opt is an optional setting, def when unset.
func opt(s *string, def string) string {
	if s == nil || *s == "" {
		return def
	}
	return *s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
func flag(b *bool, def bool) bool {
	if b == nil {
		return def
	}
	return *b
}

// switchPort is a switch port a server hangs on.
type switchPort struct {
	conn *tenantos.Connection
	d    *tenantos.NetworkDevice
	p    *tenantos.DevicePort
}

// serverSwitchPorts lists the switch ports of a server's connections (devices loaded once).
func serverSwitchPorts(tx *tenantos.Tx, serverID int64) ([]switchPort, error) {
	conns, err := tenantos.ServerConnections(tx, serverID)
	if err != nil {
		return nil, err
	}
	devs := map[int64]*tenantos.NetworkDevice{}
	var out []switchPort
	for _, c := range conns {
		if c.Type != tenantos.ConnSwitch {
			continue
		}
		d, ok := devs[c.DeviceID()]
		if !ok {
			if d, err = tenantos.NetworkDevices.Get(tx, c.DeviceID()); err != nil {
				continue
			}
			devs[d.ID] = d
		}
		if p := d.PortByID(c.MetaInt("portId")); p != nil && d.Kind == tenantos.DeviceSwitch {
			out = append(out, switchPort{conn: c, d: d, p: p})
		}
	}
	return out, nil
}

// getManageableNetworkPorts answers GET /api/servers/{server}/network/getManageableNetworkPorts:
// {hasManageablePorts}, whether the server hangs on a switch port the panel manages (a switch
// port connection to a switch of the panel). Whoever sees the server may ask.
func (g *group) getManageableNetworkPorts(c echo.Context) error {
	has := false
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		s, err := tenantos.VisibleServer(tx, tenantos.CallerOf(c).User, serverID(c))
		if err != nil {
			return err
		}
		ports, err := serverSwitchPorts(tx, s.ID)
		has = len(ports) > 0
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, map[string]bool{"hasManageablePorts": has})
}

// regenerateVlanConfiguration answers POST /api/servers/{server}/network/
// regenerateVlanConfiguration {performVlanActions}: the server's switch ports get the VLAN
// configuration its subnets' VLAN automation asks for (the settings the network group keeps
// with each subnet: enable_switch_automation, vlan_mode, access_vlan_generation_mode …), with
// "perform" (the default); "preview" works it out and changes nothing, "none" does nothing.
//
// For each switch port of the server with advanced management: the first subnet of the
// server's IPs (primary first) with switch automation gives the access VLAN, fixed
// (static_access_vlan_id) or taken from its range: the port's current access VLAN when it
// is in the range and not another server's (reuse), else the lowest VLAN of the range no
// other port of the switch has. vlan_mode access makes the port an access port of that VLAN;
// native+trunk makes it a trunk with that native VLAN and the subnet's trunk_vlans. Missing
// VLANs are created on the switch (the access VLAN named tos-server-<id>); layer 3 mode
// gateway puts each automated subnet's gateway (with its prefix length) on the access VLAN,
// custom the subnet's vlan_layer3_ip. Each change goes into the switch's action log and the
// server's activity log (rootType serverNetwork).
//
// Decisions where the documentation is silent: a server without a switch port under advanced
// management is 422 on server; a server whose subnets have no switch automation is left as it
// is ("ok"); a range with no VLAN left is 422 on server; administrators and resellers only
// (end users 403).
func (g *group) regenerateVlanConfiguration(c echo.Context) error {
	var in struct {
		PerformVlanActions string `json:"performVlanActions"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	mode := in.PerformVlanActions
	if mode == "" {
		mode = "perform"
	}
	who := tenantos.CallerOf(c)
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		s, err := tenantos.VisibleServer(tx, who.User, serverID(c))
		if err != nil {
			return err
		}
		if who.User.RoleID == tenantos.RoleUser {
			return errEndUser
		}
		if mode == "none" {
			return nil
		}
		ports, err := serverSwitchPorts(tx, s.ID)
		if err != nil {
			return err
		}
		var managed []switchPort
		for _, sp := range ports {
			if sp.d.AdvancedManagement() {
				managed = append(managed, sp)
			}
		}
		if len(managed) == 0 {
			return tenantos.Invalid("server", "The server has no switch port under advanced management.")
		}
		plan, err := vlanPlan(tx, s)
		if err != nil || plan == nil {
			return err
		}
		changed := map[int64]*tenantos.NetworkDevice{}
		w, err := loadWiring(tx)
		if err != nil {
			return err
		}
		for _, sp := range managed {
			desc, err := applyPlan(w, sp, plan, s)
			if err != nil {
				return err
			}
			if mode != "perform" {
				continue
			}
			sp.d.AddLog(tenantos.DeviceLog{Action: "regenerateVlanConfiguration", Description: desc, PortID: &sp.p.ID, Success: true,
				UserID: who.Real.ID, RelationID: s.ID, Created: tx.Now})
			sp.d.Updated = tx.Now
			changed[sp.d.ID] = sp.d
			if err := logServer(c, tx, s, "serverNetwork", desc); err != nil {
				return err
			}
		}
		if mode != "perform" {
			return nil
		}
		ids := make([]int64, 0, len(changed))
		for id := range changed {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		for _, id := range ids {
			if err := tenantos.NetworkDevices.Put(tx, id, changed[id]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}

// plan is the VLAN configuration a server's subnets ask for.
type plan struct {
	settings *subnetVlan
	l3       []string // layer 3 addresses for the access VLAN
}

// vlanPlan reads the VLAN automation of the server's subnets; nil when none has it.
func vlanPlan(tx *tenantos.Tx, s *tenantos.Server) (*plan, error) {
	ips, err := tenantos.ServerIPs(tx, s.ID)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(ips, func(i, j int) bool { return ips[i].Primary && !ips[j].Primary })
	var out *plan
	seen := map[int64]bool{}
	for _, ip := range ips {
		if seen[ip.SubnetID] {
			continue
		}
		seen[ip.SubnetID] = true
		st, err := subnetVlans.Get(tx, ip.SubnetID)
		if err != nil || !st.on() {
			continue
		}
		sn, err := tenantos.Subnets.Get(tx, ip.SubnetID)
		if err != nil {
			continue
		}
		if out == nil {
			out = &plan{settings: st}
		}
		switch opt(st.VlanLayer3Mode, "none") {
		case "gateway":
			if sn.Gateway != "" {
				out.l3 = append(out.l3, fmt.Sprintf("%s/%d", sn.Gateway, sn.CIDR))
			}
		case "custom":
			if ip := deref(st.VlanLayer3IP); ip != "" {
				out.l3 = append(out.l3, ip)
			}
		}
	}
	return out, nil
}

// applyPlan gives one switch port of server s its VLAN configuration (on sp.d, which the
// caller stores) and says what it did.
func applyPlan(w *wiring, sp switchPort, pl *plan, s *tenantos.Server) (string, error) {
	st, d, p := pl.settings, sp.d, sp.p
	vlan := int64(0)
	if opt(st.AccessVlanGenerationMode, "range") == "fixed" {
		if st.StaticAccessVlanID == nil || *st.StaticAccessVlanID < 1 {
			return "", tenantos.Invalid("server", "The subnet's VLAN automation has no static access VLAN.")
		}
		vlan = *st.StaticAccessVlanID
	} else {
		lo, hi := int64(2), int64(4094)
		if st.RangeStartAccessVlanID != nil {
			lo = *st.RangeStartAccessVlanID
		}
		if st.RangeEndAccessVlanID != nil {
			hi = *st.RangeEndAccessVlanID
		}
		used := map[int64]bool{}
		for i := range d.Ports {
			q := &d.Ports[i]
			if q.ID == p.ID || sameServer(w, d, q, s.ID) {
				continue
			}
			for _, v := range []int64{q.AccessVlan, q.NativeVlan} {
				if v > 0 {
					used[v] = true
				}
			}
		}
		current := p.AccessVlan
		if p.Mode == "trunk" {
			current = p.NativeVlan
		}
		reuse := flag(st.ReuseAccessVlan, true) || flag(st.UseExistingPortAccessVlan, true)
		if reuse && current >= lo && current <= hi && !used[current] {
			vlan = current
		}
		for v := lo; vlan == 0 && v <= hi; v++ {
			if !used[v] && !contains64(st.TrunkVlans, v) {
				vlan = v
			}
		}
		if vlan == 0 {
			return "", tenantos.Invalidf("server", "No VLAN of the range %d-%d is free on switch %s.", lo, hi, d.Name)
		}
	}
	ensureVlan(d, vlan, fmt.Sprintf("tos-server-%d", s.ID))
	for _, t := range st.TrunkVlans {
		ensureVlan(d, t, fmt.Sprintf("vlan%d", t))
	}
	if v := findVlan(d, vlan); v != nil {
		for _, ip := range pl.l3 {
			if !tenantos.Contains(v.L3IPs, ip) {
				v.L3IPs = append(v.L3IPs, ip)
			}
		}
	}
	if opt(st.VlanMode, "access") == "native+trunk" {
		p.Mode, p.AccessVlan, p.NativeVlan = "trunk", 0, vlan
		p.TrunkVlans = append([]int64{}, st.TrunkVlans...)
		return fmt.Sprintf("VLAN configuration of server %s on %s port %s: trunk, native VLAN %d, VLANs %s", s.Servername, d.Name, p.Name,
			vlan, joinIDs(st.TrunkVlans)), nil
	}
	p.Mode, p.AccessVlan, p.NativeVlan, p.TrunkVlans = "access", vlan, 0, []int64{}
	return fmt.Sprintf("VLAN configuration of server %s on %s port %s: access VLAN %d", s.Servername, d.Name, p.Name, vlan), nil
}

// sameServer reports whether only server id hangs on port q.
func sameServer(w *wiring, d *tenantos.NetworkDevice, q *tenantos.DevicePort, id int64) bool {
	conns := w.at(d, q.ID)
	for _, c := range conns {
		if c.ServerID != id {
			return false
		}
	}
	return len(conns) > 0
}

// ensureVlan creates a VLAN on the switch when it has none by that id.
func ensureVlan(d *tenantos.NetworkDevice, id int64, name string) {
	if id < 1 || findVlan(d, id) != nil {
		return
	}
	d.Vlans = append(d.Vlans, tenantos.Vlan{ID: id, Name: name, L3IPs: []string{}})
	sort.Slice(d.Vlans, func(i, j int) bool { return d.Vlans[i].ID < d.Vlans[j].ID })
}

func joinIDs(ids []int64) string {
	parts := make([]string, 0, len(ids))
	for _, id := range ids {
		parts = append(parts, fmt.Sprint(id))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
