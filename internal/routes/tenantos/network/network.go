package network

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// What the group keeps besides the core's records, in the same world.
const (
	// idxOnDemand marks the IPs that exist only because they were assigned (IPv6 addresses
	// and child networks, addresses of IPv4 subnets made without generateIps): they are
	// forgotten when they are taken off their server.
	idxOnDemand = "networkOnDemand"
)

var (
	// settingsOf are the subnet settings the core's Subnet has no field for (VLAN
	// automation, how its IPs come to exist), by subnet id. A subnet without one has the
	// defaults: nothing set, IPv4 addresses generated.
	settingsOf = provider.Records[subnetSettings]{Provider: tenantos.Name, Coll: "networkSubnetSettings",
		NotFound: tenantos.ErrSubnetNotFound}
	// subPtrsOf are the PTR records of addresses inside an assigned network (the subnetIp of
	// updateIpAssignment), by the id of the network's IP record.
	subPtrsOf = provider.Records[subPtrs]{Provider: tenantos.Name, Coll: "networkSubPtrs",
		NotFound: apierr.NotFound("PTR records not found.")}
)

// subnetSettings is what a subnet has besides tenantos.Subnet.
type subnetSettings struct {
	ID int64 `json:"id"`
	// OnDemand: the subnet's IPv4 addresses were not generated with it; they are created as
	// they are assigned (IPv6 subnets always work this way).
	OnDemand                     bool    `json:"onDemand"`
	EnableSwitchAutomation       *bool   `json:"enableSwitchAutomation"`
	VlanMode                     *string `json:"vlanMode"`
	AccessVlanGenerationMode     *string `json:"accessVlanGenerationMode"`
	StaticAccessVlanID           *int64  `json:"staticAccessVlanId"`
	RangeStartAccessVlanID       *int64  `json:"rangeStartAccessVlanId"`
	RangeEndAccessVlanID         *int64  `json:"rangeEndAccessVlanId"`
	TrunkVlans                   []int64 `json:"trunkVlans"`
	VlanLayer3Mode               *string `json:"vlanLayer3Mode"`
	VlanLayer3IP                 *string `json:"vlanLayer3Ip"`
	ReuseAccessVlan              *bool   `json:"reuseAccessVlan"`
	UseExistingPortAccessVlan    *bool   `json:"useExistingPortAccessVlan"`
	VlanRemoveLayer3IPOnUnassign *bool   `json:"vlanRemoveLayer3IpOnUnassign"`
	CopyToChilds                 *bool   `json:"copyToChilds"`
	ExcludeFromDynamic           *bool   `json:"excludeFromDynamic"` // as the client set it (the core keeps the flag)
}

// subPtrs are the PTR records inside one assigned network, valid while it stays with
// ServerID.
type subPtrs struct {
	ID       int64             `json:"id"` // the network's IP id
	ServerID int64             `json:"serverId"`
	Records  map[string]string `json:"records"` // address -> PTR
}

// loadSettings is a subnet's settings, the defaults when it has none stored.
func loadSettings(tx *tenantos.Tx, id int64) *subnetSettings {
	if st, err := settingsOf.Get(tx, id); err == nil {
		return st
	}
	return &subnetSettings{ID: id}
}

// vlanInput is the VLAN automation part of createSubnet and updateSubnet.
type vlanInput struct {
	EnableSwitchAutomation       *bool   `json:"enable_switch_automation"`
	CopyToChilds                 *bool   `json:"copy_network_automation_configuration_to_childs"`
	VlanMode                     *string `json:"vlan_mode"`
	AccessVlanGenerationMode     *string `json:"access_vlan_generation_mode"`
	StaticAccessVlanID           *int64  `json:"static_access_vlan_id"`
	RangeStartAccessVlanID       *int64  `json:"range_start_access_vlan_id"`
	RangeEndAccessVlanID         *int64  `json:"range_end_access_vlan_id"`
	TrunkVlans                   []int64 `json:"trunk_vlans"`
	VlanLayer3Mode               *string `json:"vlan_layer3_mode"`
	VlanLayer3IP                 *string `json:"vlan_layer3_ip"`
	ReuseAccessVlan              *bool   `json:"reuse_access_vlan"`
	UseExistingPortAccessVlan    *bool   `json:"use_existing_port_access_vlan"`
	VlanRemoveLayer3IPOnUnassign *bool   `json:"vlan_remove_layer3_ip_on_unassign"`
	ExcludeFromDynamic           *bool   `json:"exclude_from_dynamic_ip_assignments"`
}

// apply copies what was sent into st.
func (v *vlanInput) apply(st *subnetSettings) {
	set := func(dst **bool, src *bool) {
		if src != nil {
			*dst = src
		}
	}
	setS := func(dst **string, src *string) {
		if src != nil {
			*dst = src
		}
	}
	setI := func(dst **int64, src *int64) {
		if src != nil {
			*dst = src
		}
	}
	set(&st.EnableSwitchAutomation, v.EnableSwitchAutomation)
	set(&st.CopyToChilds, v.CopyToChilds)
	setS(&st.VlanMode, v.VlanMode)
	setS(&st.AccessVlanGenerationMode, v.AccessVlanGenerationMode)
	setI(&st.StaticAccessVlanID, v.StaticAccessVlanID)
	setI(&st.RangeStartAccessVlanID, v.RangeStartAccessVlanID)
	setI(&st.RangeEndAccessVlanID, v.RangeEndAccessVlanID)
	if v.TrunkVlans != nil {
		st.TrunkVlans = v.TrunkVlans
	}
	setS(&st.VlanLayer3Mode, v.VlanLayer3Mode)
	setS(&st.VlanLayer3IP, v.VlanLayer3IP)
	set(&st.ReuseAccessVlan, v.ReuseAccessVlan)
	set(&st.UseExistingPortAccessVlan, v.UseExistingPortAccessVlan)
	set(&st.VlanRemoveLayer3IPOnUnassign, v.VlanRemoveLayer3IPOnUnassign)
	set(&st.ExcludeFromDynamic, v.ExcludeFromDynamic)
}

// copyVlan gives dst the network automation settings of src.
func copyVlan(dst, src *subnetSettings) {
	dst.EnableSwitchAutomation, dst.VlanMode, dst.AccessVlanGenerationMode = src.EnableSwitchAutomation, src.VlanMode, src.AccessVlanGenerationMode
	dst.StaticAccessVlanID, dst.RangeStartAccessVlanID, dst.RangeEndAccessVlanID = src.StaticAccessVlanID, src.RangeStartAccessVlanID, src.RangeEndAccessVlanID
	dst.TrunkVlans = append([]int64(nil), src.TrunkVlans...)
	dst.VlanLayer3Mode, dst.VlanLayer3IP = src.VlanLayer3Mode, src.VlanLayer3IP
	dst.ReuseAccessVlan, dst.UseExistingPortAccessVlan = src.ReuseAccessVlan, src.UseExistingPortAccessVlan
	dst.VlanRemoveLayer3IPOnUnassign, dst.CopyToChilds = src.VlanRemoveLayer3IPOnUnassign, src.CopyToChilds
}

// adminOnly refuses callers who are not administrators: the IP manager, RDNS and the
// subnet changes are the administrator's.
func adminOnly(c echo.Context) error {
	if !tenantos.CallerOf(c).Admin() {
		return tenantos.ErrForbidden
	}
	return nil
}

// pathServer is the server id of a path parameter declared as a string (any text that is
// not a number names no server).
func pathServer(c echo.Context, name string) int64 {
	if n := provider.PathInt(c, name); n > 0 {
		return n
	}
	n, _ := strconv.ParseInt(strings.TrimSpace(provider.PathString(c, name)), 10, 64)
	return n
}

// rawBody is the request body as the client sent it, by top-level field: the validated
// input drops empty strings and nulls (Laravel's ConvertEmptyStringsToNull), but an empty
// ptrRecord or description means "remove it", so handlers look here for those.
func rawBody(c echo.Context) map[string]json.RawMessage {
	req := c.Request()
	if req.Body == nil {
		return nil
	}
	b, _ := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(b))
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	return m
}

// sentEmpty reports whether the client sent field as "" or null.
func sentEmpty(raw map[string]json.RawMessage, field string) bool {
	v, ok := raw[field]
	if !ok {
		return false
	}
	s := strings.TrimSpace(string(v))
	return s == "null" || s == `""`
}

// flagPtr writes an optional boolean the way the panel's columns hold it: null, 0 or 1.
func flagPtr(b *bool) *int {
	if b == nil {
		return nil
	}
	n := tenantos.Flag(*b)
	return &n
}
