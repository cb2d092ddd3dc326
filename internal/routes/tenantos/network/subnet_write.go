package network

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// maxGenerated is the largest IPv4 subnet whose IPs are generated with it (a /20): larger
// ones get their IPs as they are assigned.
const maxGenerated = 4096

// looseBool is a flag as PHP clients send it: true/false, 1/0 or "1"/"0".
type looseBool bool

func (b *looseBool) UnmarshalJSON(raw []byte) error {
	switch strings.Trim(strings.ToLower(string(raw)), `"`) {
	case "true", "1", "on", "yes":
		*b = true
	default:
		*b = false
	}
	return nil
}

// restrictionInput is what createSubnet and updateSubnet share besides VLAN automation.
type restrictionInput struct {
	UserID                *int64     `json:"userId"`
	Description           *string    `json:"description"`
	Priority              *int64     `json:"priority"`
	OfferIfTags           []string   `json:"offer_if_server_has_tag"`
	DontOfferIfTags       []string   `json:"dont_offer_if_server_has_tag"`
	OnlyIfAgents          []int64    `json:"only_if_server_has_remote_agents"`
	ApplyRestrictionsDown *looseBool `json:"apply_restrictions_to_childs"`
	DNSResolvers          []string   `json:"dns_resolvers"`
}

// apply validates and copies what was sent into s (the owner must exist, agents must be
// remote agents of the panel, resolvers must be IP addresses).
func (in *restrictionInput) apply(tx *tenantos.Tx, s *tenantos.Subnet) error {
	if in.UserID != nil {
		if !tenantos.Users.Has(tx, *in.UserID) {
			return tenantos.Invalid("userId", "The selected user id is invalid.")
		}
		s.UserID = *in.UserID
	}
	if in.Description != nil {
		s.Description = in.Description
	}
	if in.Priority != nil {
		s.Priority = in.Priority
	}
	if in.OfferIfTags != nil {
		s.OfferIfTags = in.OfferIfTags
	}
	if in.DontOfferIfTags != nil {
		s.DontOfferIfTags = in.DontOfferIfTags
	}
	if in.OnlyIfAgents != nil {
		for i, a := range in.OnlyIfAgents {
			if !tenantos.RemoteAgents.Has(tx, a) {
				return tenantos.Invalidf(fmt.Sprintf("only_if_server_has_remote_agents.%d", i), "The selected only_if_server_has_remote_agents.%d is invalid.", i)
			}
		}
		s.OnlyIfAgents = in.OnlyIfAgents
	}
	if in.ApplyRestrictionsDown != nil {
		s.ApplyRestrictionsDown = bool(*in.ApplyRestrictionsDown)
	}
	if in.DNSResolvers != nil {
		for i, r := range in.DNSResolvers {
			a, err := netip.ParseAddr(strings.TrimSpace(r))
			if err != nil {
				return tenantos.Invalidf(fmt.Sprintf("dns_resolvers.%d", i), "The dns_resolvers.%d must be a valid IP address.", i)
			}
			in.DNSResolvers[i] = a.String()
		}
		s.DNSResolvers = in.DNSResolvers
	}
	return nil
}

// createSubnet adds a subnet (administrators only). subnet must be the network address of
// the range (cidr, or the netmask when cidr is missing; both must agree), type must match its
// address family, the gateway must lie inside, and the range must not overlap any subnet of
// the panel (422 naming subnet; nothing is written). The owner is userId (the caller when
// absent). IPv4 subnets of up to 4096 addresses get all their IPs at once unless generateIps
// is false, with the network address, the gateway and the broadcast address reserved and
// the first and last usable addresses free unless the reserve_* flags say otherwise; larger
// IPv4 subnets refuse generateIps (422) and, like IPv6 subnets and those made with
// generateIps false, get their IPs as they are assigned. The answer is the new subnet.
func createSubnet(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := adminOnly(c); err != nil {
			return err
		}
		var in struct {
			restrictionInput
			vlanInput
			Subnet           string `json:"subnet"`
			CIDR             *int   `json:"cidr"`
			Netmask          string `json:"netmask"`
			Gw               string `json:"gw"`
			Type             string `json:"type"`
			GenerateIps      *bool  `json:"generateIps"`
			ReserveGateway   *bool  `json:"reserve_gateway_ip"`
			ReserveBroadcast *bool  `json:"reserve_broadcast_ip"`
			ReserveNetwork   *bool  `json:"reserve_network_address"`
			ReserveFirst     *bool  `json:"reserve_first_usable_ip"`
			ReserveLast      *bool  `json:"reserve_last_usable_ip"`
		}
		if err := provider.Bind(c, &in); err != nil {
			return err
		}
		prefix, gw, err := checkNetwork(in.Subnet, in.CIDR, in.Netmask, in.Gw, in.Type)
		if err != nil {
			return err
		}
		size := 1 << min(prefix.Addr().BitLen()-prefix.Bits(), 62)
		generate := in.Type == "v4" && (in.GenerateIps == nil && size <= maxGenerated || in.GenerateIps != nil && *in.GenerateIps)
		if generate && size > maxGenerated {
			return tenantos.Invalidf("generateIps", "The IPs of a subnet larger than %d addresses (/20) cannot be generated: leave generateIps off and they are created as they are assigned.", maxGenerated)
		}
		flag := func(b *bool, def bool) bool {
			if b == nil {
				return def
			}
			return *b
		}
		var out *subnetView
		err = provider.World(c).Update(func(tx *tenantos.Tx) error {
			cat, err := loadCatalog(tx)
			if err != nil {
				return err
			}
			for _, o := range cat.all {
				if tenantos.SubnetPrefix(o).Overlaps(prefix) {
					return tenantos.Invalidf("subnet", "The subnet %s overlaps the subnet %s (id %d).", prefix, tenantos.SubnetPrefix(o), o.ID)
				}
			}
			id, err := tenantos.Subnets.NextID(tx)
			if err != nil {
				return err
			}
			who := tenantos.CallerOf(c).User
			s := &tenantos.Subnet{ID: id, Subnet: prefix.Addr().String(), CIDR: prefix.Bits(), Netmask: tenantos.Netmask(prefix),
				Gateway: gw.String(), Type: in.Type, OfferIfTags: []string{}, DontOfferIfTags: []string{}, OnlyIfAgents: []int64{},
				DNSResolvers: []string{}, UserID: who.ID, Created: tx.Now, Updated: tx.Now}
			if err := in.restrictionInput.apply(tx, s); err != nil {
				return err
			}
			if in.ExcludeFromDynamic != nil {
				s.ExcludeFromDynamic = *in.ExcludeFromDynamic
			}
			if err := tenantos.Subnets.Put(tx, s.ID, s); err != nil {
				return err
			}
			st := &subnetSettings{ID: s.ID, OnDemand: in.Type == "v4" && !generate}
			in.vlanInput.apply(st)
			if err := settingsOf.Put(tx, st.ID, st); err != nil {
				return err
			}
			if generate {
				if err := tenantos.GenerateIPs(tx, s, flag(in.ReserveNetwork, true), flag(in.ReserveGateway, true),
					flag(in.ReserveBroadcast, true), flag(in.ReserveFirst, false), flag(in.ReserveLast, false)); err != nil {
					return err
				}
			}
			cat.all = append(cat.all, s)
			cat.byID[s.ID] = s
			if out, err = viewSubnet(tx, cat, who, s); err != nil {
				return err
			}
			return logSubnet(c, tx, s, fmt.Sprintf("Subnet %s created", prefix))
		})
		if err != nil {
			return err
		}
		return tenantos.OK(c, out)
	}
}

// checkNetwork validates a new subnet's network, prefix length, netmask, gateway and type.
func checkNetwork(subnet string, cidr *int, netmask, gateway, typ string) (netip.Prefix, netip.Addr, error) {
	addr, err := netip.ParseAddr(strings.TrimSpace(subnet))
	if err != nil || addr.Zone() != "" {
		return netip.Prefix{}, netip.Addr{}, tenantos.Invalid("subnet", "The subnet must be a valid IP address.")
	}
	addr = addr.Unmap()
	if (typ == "v4") != addr.Is4() {
		return netip.Prefix{}, netip.Addr{}, tenantos.Invalidf("type", "The type %s does not match the subnet %s.", typ, addr)
	}
	maskBits, maskOK := parseNetmask(netmask, addr.Is4())
	bitsLen := -1
	switch {
	case cidr != nil:
		bitsLen = *cidr
		if maskOK && maskBits != bitsLen && addr.Is4() {
			return netip.Prefix{}, netip.Addr{}, tenantos.Invalidf("netmask", "The netmask %s does not match the cidr %d.", netmask, *cidr)
		}
	case maskOK:
		bitsLen = maskBits
	case strings.TrimSpace(netmask) != "":
		return netip.Prefix{}, netip.Addr{}, tenantos.Invalid("netmask", "The netmask is not a valid netmask.")
	default:
		return netip.Prefix{}, netip.Addr{}, tenantos.Invalid("cidr", "The cidr field is required when netmask is not present.")
	}
	lo, hi := 8, 32
	if !addr.Is4() {
		lo, hi = 16, 128
	}
	if bitsLen < lo || bitsLen > hi {
		return netip.Prefix{}, netip.Addr{}, tenantos.Invalidf("cidr", "The cidr must be between %d and %d.", lo, hi)
	}
	prefix := netip.PrefixFrom(addr, bitsLen)
	if prefix.Masked().Addr() != addr {
		return netip.Prefix{}, netip.Addr{}, tenantos.Invalidf("subnet", "The subnet must be the network address of the range (%s).", prefix.Masked().Addr())
	}
	gw, err := netip.ParseAddr(strings.TrimSpace(gateway))
	if err != nil || !prefix.Contains(gw.Unmap()) {
		return netip.Prefix{}, netip.Addr{}, tenantos.Invalidf("gw", "The gateway must be an IP address inside %s.", prefix)
	}
	return prefix, gw.Unmap(), nil
}

// parseNetmask reads a netmask: dotted for IPv4 (255.255.255.0), or a prefix length.
func parseNetmask(s string, v4 bool) (int, bool) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "/"))
	if s == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(s); err == nil {
		return n, true
	}
	m, err := netip.ParseAddr(s)
	if err != nil || m.Is4() != v4 {
		return 0, false
	}
	b := m.AsSlice()
	n, seenZero := 0, false
	for _, x := range b {
		for i := 7; i >= 0; i-- {
			if x&(1<<i) != 0 {
				if seenZero {
					return 0, false
				}
				n++
			} else {
				seenZero = true
			}
		}
	}
	return n, true
}

// updateSubnet changes a subnet (administrators only): its gateway (inside the subnet; in a
// subnet whose gateway IP was reserved the reservation moves with it, and a gateway that is
// assigned to a server is refused), owner, description ("" or null clears it), priority
// (null clears it), restrictions, resolvers, VLAN automation and whether dynamic
// assignments use it. The answer is the subnet as getSubnet shows it.
func updateSubnet(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := adminOnly(c); err != nil {
			return err
		}
		var in struct {
			restrictionInput
			vlanInput
			Gw string `json:"gw"`
		}
		if err := provider.Bind(c, &in); err != nil {
			return err
		}
		raw := rawBody(c)
		var out *subnetView
		err := provider.World(c).Update(func(tx *tenantos.Tx) error {
			s, err := tenantos.Subnets.Get(tx, provider.PathInt(c, "id"))
			if err != nil {
				return err
			}
			if err := in.restrictionInput.apply(tx, s); err != nil {
				return err
			}
			if sentEmpty(raw, "description") {
				s.Description = nil
			}
			if v, ok := raw["priority"]; ok && string(v) == "null" {
				s.Priority = nil
			}
			if strings.TrimSpace(in.Gw) != "" {
				if err := moveGateway(tx, s, in.Gw); err != nil {
					return err
				}
			}
			if in.ExcludeFromDynamic != nil {
				s.ExcludeFromDynamic = *in.ExcludeFromDynamic
			}
			s.Updated = tx.Now
			if err := tenantos.Subnets.Put(tx, s.ID, s); err != nil {
				return err
			}
			st := loadSettings(tx, s.ID)
			in.vlanInput.apply(st)
			if err := settingsOf.Put(tx, st.ID, st); err != nil {
				return err
			}
			cat, err := loadCatalog(tx)
			if err != nil {
				return err
			}
			if out, err = viewSubnet(tx, cat, tenantos.CallerOf(c).User, s); err != nil {
				return err
			}
			changed, _ := json.Marshal(provider.Input(c).Body)
			return logSubnet(c, tx, s, fmt.Sprintf("Subnet %s updated: %s", tenantos.SubnetPrefix(s), tenantos.Clip(string(changed), 512)))
		})
		if err != nil {
			return err
		}
		return tenantos.OK(c, out)
	}
}

// moveGateway sets a subnet's gateway; the reservation of the old gateway's IP, if it had
// one, moves to the new one.
func moveGateway(tx *tenantos.Tx, s *tenantos.Subnet, gateway string) error {
	gw, err := netip.ParseAddr(strings.TrimSpace(gateway))
	if err != nil || !tenantos.SubnetPrefix(s).Contains(gw.Unmap()) {
		return tenantos.Invalidf("gw", "The gateway must be an IP address inside %s.", tenantos.SubnetPrefix(s))
	}
	gw = gw.Unmap()
	if gw.String() == s.Gateway {
		return nil
	}
	newRec := findIP(tx, netip.PrefixFrom(gw, gw.BitLen()))
	if newRec != nil && newRec.ServerID != 0 {
		return tenantos.Invalidf("gw", "The IP %s is assigned to server %d and cannot be the gateway.", gw, newRec.ServerID)
	}
	if old, err := netip.ParseAddr(s.Gateway); err == nil {
		if oldRec := findIP(tx, netip.PrefixFrom(old, old.BitLen())); oldRec != nil && oldRec.Reserved && oldRec.ServerID == 0 && oldRec.SubnetID == s.ID {
			oldRec.Reserved, oldRec.Updated = false, tx.Now
			if err := tenantos.IPs.Put(tx, oldRec.ID, oldRec); err != nil {
				return err
			}
			if newRec != nil && !newRec.Reserved {
				newRec.Reserved, newRec.Updated = true, tx.Now
				if err := tenantos.IPs.Put(tx, newRec.ID, newRec); err != nil {
					return err
				}
			}
		}
	}
	s.Gateway = gw.String()
	return nil
}
