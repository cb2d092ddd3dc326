package network

import (
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// subnetView is the subnet object of GET /api/subnets, keys in the documented order.
type subnetView struct {
	ID                           int64          `json:"id"`
	Subnet                       string         `json:"subnet"`
	CIDR                         int            `json:"cidr"`
	Netmask                      string         `json:"netmask"`
	Gateway                      string         `json:"gw"`
	Type                         string         `json:"type"`
	Priority                     *int64         `json:"priority"`
	RootSubnetID                 *int64         `json:"rootSubnetId"`
	IsExternalProvider           int            `json:"isExternalProvider"`
	Reserved                     int            `json:"reserved"`
	OfferIfTags                  []string       `json:"offer_if_server_has_tag"`
	DontOfferIfTags              []string       `json:"dont_offer_if_server_has_tag"`
	OnlyIfAgents                 []int64        `json:"only_if_server_has_remote_agents"`
	ApplyRestrictionsDown        int            `json:"apply_restrictions_to_childs"`
	DNSResolvers                 []string       `json:"dns_resolvers"`
	EnableSwitchAutomation       *int           `json:"enable_switch_automation"`
	VlanMode                     *string        `json:"vlan_mode"`
	AccessVlanGenerationMode     *string        `json:"access_vlan_generation_mode"`
	StaticAccessVlanID           *int64         `json:"static_access_vlan_id"`
	RangeStartAccessVlanID       *int64         `json:"range_start_access_vlan_id"`
	RangeEndAccessVlanID         *int64         `json:"range_end_access_vlan_id"`
	TrunkVlans                   []int64        `json:"trunk_vlans"`
	VlanLayer3Mode               *string        `json:"vlan_layer3_mode"`
	VlanLayer3IP                 *string        `json:"vlan_layer3_ip"`
	ReuseAccessVlan              *int           `json:"reuse_access_vlan"`
	UseExistingPortAccessVlan    *int           `json:"use_existing_port_access_vlan"`
	VlanRemoveLayer3IPOnUnassign *int           `json:"vlan_remove_layer3_ip_on_unassign"`
	UserID                       int64          `json:"userId"`
	CopyToChilds                 *int           `json:"copy_network_automation_configuration_to_childs"`
	ExcludeFromDynamic           *int           `json:"exclude_from_dynamic_ip_assignments"`
	RdnsAvailable                int            `json:"rdnsAvailable"`
	RdnsServerID                 *int64         `json:"rdnsServerId"`
	UsageStatistics              usageView      `json:"usageStatistics"`
	Description                  *string        `json:"description"`
	SubnetAttributes             attributesView `json:"subnetAttributes"`
	VlanAutomationAvailable      bool           `json:"vlanAutomationAvailable"`
	OwnerChain                   []ownerLink    `json:"ownerChain"`
	SubnetOwnedByUser            bool           `json:"subnetOwnedByUser"`
}

type usageView struct {
	Free           int     `json:"free"`
	Reserved       int     `json:"reserved"`
	Used           int     `json:"used"`
	TotalIps       int     `json:"totalIps"`
	UsedPercentage float64 `json:"usedPercentage"`
}

// attributesView is subnetAttributes (and the "type" of an assignable subnet).
type attributesView struct {
	HasChildSubnets      int    `json:"hasChildSubnets"`
	AmountOfDirectChilds int    `json:"amountOfDirectChilds"`
	HasSubIps            int    `json:"hasSubIps"`
	AmountOfSubIps       int    `json:"amountOfSubIps"`
	Type                 string `json:"type"`
}

type ownerLink struct {
	UserID   int64  `json:"userId"`
	Name     string `json:"name"`
	Username string `json:"username"`
}

// detailsView is GET /api/subnets/{id}/withDetails: the subnet with its IPs, its child
// subnets and what RDNS can do for it.
type detailsView struct {
	*subnetView
	IPs          []detailIP    `json:"ips"`
	ChildSubnets []*subnetView `json:"childSubnets"`
	RdnsFeatures rdnsFeatures  `json:"rdnsFeatures"`
}

// detailIP is an IP of withDetails. A free IP has servers_id 0 and empty server fields (the
// document types them as a number and strings).
type detailIP struct {
	IP                   string  `json:"ip"`
	Reserved             int     `json:"reserved"`
	ServersID            int64   `json:"servers_id"`
	Description          *string `json:"description"`
	ServersOwnerRealname string  `json:"servers_owner_realname"`
	ServersOwnerID       int64   `json:"servers_owner_id"`
	Servername           string  `json:"servername"`
	RdnsEntry            string  `json:"rdns_entry"`
}

type rdnsFeatures struct {
	CanManageUnassignedIPs int `json:"canManageUnassignedIPs"`
	CanManageAssignedIPs   int `json:"canManageAssignedIPs"`
}

// assignableView is an entry of getAssignableSubnets.
type assignableView struct {
	ID                      int64          `json:"id"`
	Subnet                  string         `json:"subnet"` // with its prefix length
	Type                    attributesView `json:"type"`
	UsageStatistics         assignUsage    `json:"usageStatistics"`
	VlanAutomationAvailable bool           `json:"vlanAutomationAvailable"`
	OwnerChain              []ownerLink    `json:"ownerChain"`
	IsDirectOwner           bool           `json:"isDirectOwner"`
}

type assignUsage struct {
	Free           int     `json:"free"`
	Reserved       int     `json:"reserved"`
	Used           int     `json:"used"`
	TotalUsed      int     `json:"totalUsed"`
	TotalIps       int     `json:"totalIps"`
	UsedPercentage float64 `json:"usedPercentage"`
}

// freeIPView is an entry of listFreeIps and getAssignableIpsOfSubnet.
type freeIPView struct {
	ID int64  `json:"id"`
	IP string `json:"ip"`
}

func ownerChain(tx *tenantos.Tx, userID int64) []ownerLink {
	out := []ownerLink{}
	for _, u := range tenantos.OwnerChain(tx, userID) {
		out = append(out, ownerLink{UserID: u.ID, Name: u.Name, Username: u.Username})
	}
	return out
}

// attributes tells a subnet's child subnets and IPs.
func attributes(tx *tenantos.Tx, cat *catalog, s *tenantos.Subnet) attributesView {
	kids := len(cat.children[s.ID])
	ips := tx.Set(tenantos.Name, tenantos.SetIPsBySubnet).Len(idKey(s.ID))
	return attributesView{HasChildSubnets: tenantos.Flag(kids > 0), AmountOfDirectChilds: kids, HasSubIps: tenantos.Flag(ips > 0),
		AmountOfSubIps: ips, Type: s.Type}
}

// viewSubnet renders a subnet for viewer.
func viewSubnet(tx *tenantos.Tx, cat *catalog, viewer *tenantos.User, s *tenantos.Subnet) (*subnetView, error) {
	u, err := subnetUsage(tx, cat, s)
	if err != nil {
		return nil, err
	}
	st := loadSettings(tx, s.ID)
	exclude := st.ExcludeFromDynamic
	if exclude == nil && s.ExcludeFromDynamic {
		exclude = &s.ExcludeFromDynamic
	}
	return &subnetView{ID: s.ID, Subnet: s.Subnet, CIDR: s.CIDR, Netmask: s.Netmask, Gateway: s.Gateway, Type: s.Type,
		Priority: s.Priority, RootSubnetID: s.RootSubnetID, IsExternalProvider: tenantos.Flag(s.External), Reserved: tenantos.Flag(s.Reserved),
		OfferIfTags: tenantos.List(s.OfferIfTags), DontOfferIfTags: tenantos.List(s.DontOfferIfTags), OnlyIfAgents: tenantos.List(s.OnlyIfAgents),
		ApplyRestrictionsDown: tenantos.Flag(s.ApplyRestrictionsDown), DNSResolvers: tenantos.List(s.DNSResolvers),
		EnableSwitchAutomation: flagPtr(st.EnableSwitchAutomation), VlanMode: st.VlanMode, AccessVlanGenerationMode: st.AccessVlanGenerationMode,
		StaticAccessVlanID: st.StaticAccessVlanID, RangeStartAccessVlanID: st.RangeStartAccessVlanID, RangeEndAccessVlanID: st.RangeEndAccessVlanID,
		TrunkVlans: tenantos.List(st.TrunkVlans), VlanLayer3Mode: st.VlanLayer3Mode, VlanLayer3IP: st.VlanLayer3IP,
		ReuseAccessVlan: flagPtr(st.ReuseAccessVlan), UseExistingPortAccessVlan: flagPtr(st.UseExistingPortAccessVlan),
		VlanRemoveLayer3IPOnUnassign: flagPtr(st.VlanRemoveLayer3IPOnUnassign), UserID: s.UserID, CopyToChilds: flagPtr(st.CopyToChilds),
		ExcludeFromDynamic: flagPtr(exclude), RdnsAvailable: tenantos.Flag(s.RdnsServerID != nil), RdnsServerID: s.RdnsServerID,
		UsageStatistics: usageView{Free: u.Free, Reserved: u.Reserved, Used: u.Used, TotalIps: u.Total, UsedPercentage: u.Percentage()},
		Description:     s.Description, SubnetAttributes: attributes(tx, cat, s), OwnerChain: ownerChain(tx, s.UserID),
		SubnetOwnedByUser: tenantos.ManagesID(tx, viewer, s.UserID)}, nil
}

// viewAssignable renders a subnet as getAssignableSubnets lists it.
func viewAssignable(tx *tenantos.Tx, cat *catalog, viewer *tenantos.User, s *tenantos.Subnet) (assignableView, error) {
	u, err := subnetUsage(tx, cat, s)
	if err != nil {
		return assignableView{}, err
	}
	return assignableView{ID: s.ID, Subnet: tenantos.SubnetPrefix(s).String(), Type: attributes(tx, cat, s),
		UsageStatistics: assignUsage{Free: u.Free, Reserved: u.Reserved, Used: u.Used, TotalUsed: u.Used + u.Reserved, TotalIps: u.Total,
			UsedPercentage: u.Percentage()},
		OwnerChain: ownerChain(tx, s.UserID), IsDirectOwner: s.UserID == viewer.ID}, nil
}
