package network

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// maxSplit is the most child subnets or IPs one split makes: a /48 split into /64s would be
// 65,536 subnets, so such a split must say how many it wants (toAmount).
const maxSplit = 256

// slots calls fn for each aligned network of length bits inside s, in address order, that
// overlaps none of s's child subnets, until fn returns false.
func slots(cat *catalog, s *tenantos.Subnet, bits int, fn func(netip.Prefix) bool) {
	sp := tenantos.SubnetPrefix(s)
	if bits < sp.Bits() || bits > sp.Addr().BitLen() {
		return
	}
	var kids []netip.Prefix
	for _, ch := range cat.children[s.ID] {
		kids = append(kids, tenantos.SubnetPrefix(ch))
	}
	cand := netip.PrefixFrom(sp.Addr(), bits)
	for sp.Contains(cand.Addr()) {
		end := lastAddr(cand)
		hit := false
		for _, k := range kids {
			if k.Overlaps(cand) {
				hit = true
				if k.Bits() <= bits {
					end = lastAddr(k)
				}
				break
			}
		}
		if !hit && !fn(cand) {
			return
		}
		next := end.Next()
		if !next.IsValid() || !sp.Contains(next) {
			return
		}
		cand = netip.PrefixFrom(next, bits)
	}
}

// childGateway is the gateway of a new child network: its first or last address, or the
// custom one's host part (the bits below the child's prefix length) in the child.
func childGateway(p netip.Prefix, method, custom string) (netip.Addr, error) {
	switch method {
	case "last":
		return lastAddr(p), nil
	case "custom":
		c, err := netip.ParseAddr(strings.TrimSpace(custom))
		if err != nil || c.BitLen() != p.Addr().BitLen() {
			return netip.Addr{}, fmt.Errorf("custom gateway %q", custom)
		}
		if p.Contains(c) {
			return c, nil
		}
		net, host := p.Addr().AsSlice(), c.AsSlice()
		for i := range net {
			keep := max(0, min(8, p.Bits()-8*i)) // bits of this byte that are the network's
			mask := byte(0xff) << (8 - keep)
			if keep == 0 {
				mask = 0
			}
			net[i] = net[i]&mask | host[i]&^mask
		}
		a, _ := netip.AddrFromSlice(net)
		return a, nil
	}
	return p.Addr().Next(), nil
}

// newChild stores a child subnet of parent with network p: it inherits the parent's owner
// (or owner), resolvers, RDNS server, priority and dynamic-assignment setting, and with
// copyVlan its network automation settings.
func newChild(tx *tenantos.Tx, cat *catalog, parent *tenantos.Subnet, p netip.Prefix, gw netip.Addr, owner int64, copyAuto bool) (*tenantos.Subnet, error) {
	id, err := tenantos.Subnets.NextID(tx)
	if err != nil {
		return nil, err
	}
	if owner == 0 {
		owner = parent.UserID
	}
	root := parent.ID
	ch := &tenantos.Subnet{ID: id, Subnet: p.Addr().String(), CIDR: p.Bits(), Netmask: tenantos.Netmask(p), Gateway: gw.String(),
		Type: parent.Type, Priority: parent.Priority, RootSubnetID: &root, External: parent.External, OfferIfTags: []string{},
		DontOfferIfTags: []string{}, OnlyIfAgents: []int64{}, DNSResolvers: append([]string{}, parent.DNSResolvers...), UserID: owner,
		RdnsServerID: parent.RdnsServerID, ExcludeFromDynamic: parent.ExcludeFromDynamic, Created: tx.Now, Updated: tx.Now}
	if err := tenantos.Subnets.Put(tx, id, ch); err != nil {
		return nil, err
	}
	st := &subnetSettings{ID: id, OnDemand: true}
	if copyAuto {
		copyVlan(st, loadSettings(tx, parent.ID))
	}
	if err := settingsOf.Put(tx, id, st); err != nil {
		return nil, err
	}
	cat.all = append(cat.all, ch)
	cat.byID[id] = ch
	cat.children[parent.ID] = append(cat.children[parent.ID], ch)
	return ch, nil
}

// moveIP makes ip a record of subnet to (its range went to a new child subnet).
func moveIP(tx *tenantos.Tx, ip *tenantos.IP, to int64) error {
	set := tx.Set(tenantos.Name, tenantos.SetIPsBySubnet)
	if err := set.Remove(idKey(ip.SubnetID), idKey(ip.ID)); err != nil {
		return err
	}
	if err := set.Add(idKey(to), idKey(ip.ID)); err != nil {
		return err
	}
	ip.SubnetID = to
	return tenantos.IPs.Put(tx, ip.ID, ip)
}

// splitSubnet splits an IPv6 subnet (administrators only; 409 for IPv4). mode subnet makes
// child subnets of /toPrefix (rootSubnetId: the parent) with their gateway first, last or
// custom (gateway_custom: an address of the first child, or any address whose host part each
// child gets), skipping the room existing children take; toAmount says how many (all that
// fit when absent) and one split makes 256 at most (422 beyond: a /48 into /64s needs
// toAmount); it is refused with 409 while an IP of the subnet is assigned. mode singleIps
// adds IPs to the subnet: listOfIps, or the first toAmount addresses it does not know yet
// (not the gateway), 256 at most. IPv6 child subnets get no generated IPs.
func splitSubnet(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := adminOnly(c); err != nil {
			return err
		}
		var in struct {
			Mode          string   `json:"mode"`
			ToPrefix      *int     `json:"toPrefix"`
			GatewayMethod string   `json:"gateway_method"`
			GatewayCustom string   `json:"gateway_custom"`
			ToAmount      *int     `json:"toAmount"`
			ListOfIps     []string `json:"listOfIps"`
			CopyToChilds  *bool    `json:"copy_network_automation_configuration_to_childs"`
		}
		if err := provider.Bind(c, &in); err != nil {
			return err
		}
		if in.ToAmount != nil && (*in.ToAmount < 1 || *in.ToAmount > maxSplit) {
			return tenantos.Invalidf("toAmount", "The to amount must be between 1 and %d.", maxSplit)
		}
		err := provider.World(c).Update(func(tx *tenantos.Tx) error {
			s, err := tenantos.Subnets.Get(tx, provider.PathInt(c, "subnetId"))
			if err != nil {
				return err
			}
			if s.Type != "v6" {
				return apierr.Conflict("Only IPv6 subnets can be split.")
			}
			cat, err := loadCatalog(tx)
			if err != nil {
				return err
			}
			var desc string
			if in.Mode == "singleIps" {
				desc, err = splitSingleIps(tx, cat, s, in.ToAmount, in.ListOfIps)
			} else {
				copyAuto := loadSettings(tx, s.ID).CopyToChilds
				if in.CopyToChilds != nil {
					copyAuto = in.CopyToChilds
				}
				desc, err = splitChildren(tx, cat, s, in.ToPrefix, in.ToAmount, in.GatewayMethod, in.GatewayCustom, copyAuto != nil && *copyAuto)
			}
			if err != nil {
				return err
			}
			return logSubnet(c, tx, s, desc)
		})
		if err != nil {
			return err
		}
		return tenantos.Done(c)
	}
}

func splitChildren(tx *tenantos.Tx, cat *catalog, s *tenantos.Subnet, toPrefix, toAmount *int, method, custom string, copyAuto bool) (string, error) {
	sp := tenantos.SubnetPrefix(s)
	switch {
	case toPrefix == nil:
		return "", tenantos.Invalid("toPrefix", "The to prefix field is required when mode is subnet.")
	case *toPrefix <= s.CIDR || *toPrefix > 128:
		return "", tenantos.Invalidf("toPrefix", "The to prefix must be between %d and 128.", s.CIDR+1)
	case method == "":
		return "", tenantos.Invalid("gateway_method", "The gateway method field is required when mode is subnet.")
	case method == "custom" && strings.TrimSpace(custom) == "":
		return "", tenantos.Invalid("gateway_custom", "The gateway custom field is required when gateway method is custom.")
	}
	if method == "custom" {
		if a, err := netip.ParseAddr(strings.TrimSpace(custom)); err != nil || !a.Is6() {
			return "", tenantos.Invalid("gateway_custom", "The gateway custom must be a valid IPv6 address.")
		}
	}
	want := 0
	if toAmount != nil {
		want = *toAmount
	} else {
		if diff := *toPrefix - s.CIDR; diff > 8 {
			return "", tenantos.Invalidf("toPrefix", "A split makes at most %d child subnets: %s into /%d would make 2^%d; give toAmount.", maxSplit, sp, *toPrefix, diff)
		}
		want = 1 << (*toPrefix - s.CIDR)
	}
	ips, err := tenantos.SubnetIPs(tx, s.ID)
	if err != nil {
		return "", err
	}
	for _, ip := range ips {
		if ip.ServerID != 0 {
			return "", apierr.Conflict(fmt.Sprintf("The subnet %s has IPs assigned (%s): it cannot be split.", sp, ip.Address))
		}
	}
	var made []netip.Prefix
	slots(cat, s, *toPrefix, func(p netip.Prefix) bool {
		made = append(made, p)
		return len(made) < want
	})
	switch {
	case len(made) == 0:
		return "", apierr.Conflict(fmt.Sprintf("The subnet %s has no room left for child subnets of /%d.", sp, *toPrefix))
	case toAmount != nil && len(made) < want:
		return "", tenantos.Invalidf("toAmount", "Only %d more child subnets of /%d fit in %s.", len(made), *toPrefix, sp)
	}
	for _, p := range made {
		gw, err := childGateway(p, method, custom)
		if err != nil {
			return "", tenantos.Invalid("gateway_custom", "The gateway custom must be a valid IPv6 address.")
		}
		if _, err := newChild(tx, cat, s, p, gw, 0, copyAuto); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("Subnet %s split: %d child subnets of /%d from %s", sp, len(made), *toPrefix, made[0]), nil
}

func splitSingleIps(tx *tenantos.Tx, cat *catalog, s *tenantos.Subnet, toAmount *int, list []string) (string, error) {
	sp := tenantos.SubnetPrefix(s)
	var add []netip.Addr
	switch {
	case len(list) > maxSplit:
		return "", tenantos.Invalidf("listOfIps", "The list of ips may not have more than %d items.", maxSplit)
	case len(list) > 0:
		seen := map[netip.Addr]bool{}
		for i, raw := range list {
			field := fmt.Sprintf("listOfIps.%d", i)
			a, err := netip.ParseAddr(strings.TrimSpace(raw))
			switch {
			case err != nil || !sp.Contains(a):
				return "", tenantos.Invalidf(field, "The %s must be an IP address of the subnet %s.", field, sp)
			case seen[a] || findIP(tx, netip.PrefixFrom(a, 128)) != nil:
				return "", tenantos.Invalidf(field, "The IP %s is already known.", a)
			}
			seen[a] = true
			add = append(add, a)
		}
	case toAmount != nil:
		for a := sp.Addr(); sp.Contains(a) && len(add) < *toAmount; a = a.Next() {
			if roleReserved(s, a) || findIP(tx, netip.PrefixFrom(a, 128)) != nil {
				continue
			}
			add = append(add, a)
		}
		if len(add) < *toAmount {
			return "", tenantos.Invalidf("toAmount", "Only %d more IPs fit in %s.", len(add), sp)
		}
	default:
		return "", tenantos.Invalid("toAmount", "The to amount field is required when list of ips is not present.")
	}
	for _, a := range add {
		if _, err := tenantos.AddIP(tx, s.ID, a.String(), false, tx.Now); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("Subnet %s split: %d single IPs added from %s", sp, len(add), add[0]), nil
}

// runSubnetChildsMassAction copies a subnet's settings to every subnet below it
// (administrators only): updateRdns its RDNS server, updateResolvers its resolvers,
// updateRestrictions its tag and agent restrictions, updateSubnetOwners its owner,
// updateNetworkAutomationSettings its VLAN automation, updateDynamicIpAssignmentsSetting
// whether dynamic assignments use it. A child losing or changing its RDNS server loses its
// PTR records.
func runSubnetChildsMassAction(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := adminOnly(c); err != nil {
			return err
		}
		var in struct {
			Rdns, Resolvers, Restrictions, Owners, Automation, Dynamic bool
		}
		var raw struct {
			Rdns         *bool `json:"updateRdns"`
			Resolvers    *bool `json:"updateResolvers"`
			Restrictions *bool `json:"updateRestrictions"`
			Owners       *bool `json:"updateSubnetOwners"`
			Automation   *bool `json:"updateNetworkAutomationSettings"`
			Dynamic      *bool `json:"updateDynamicIpAssignmentsSetting"`
		}
		if err := provider.Bind(c, &raw); err != nil {
			return err
		}
		b := func(v *bool) bool { return v != nil && *v }
		in.Rdns, in.Resolvers, in.Restrictions = b(raw.Rdns), b(raw.Resolvers), b(raw.Restrictions)
		in.Owners, in.Automation, in.Dynamic = b(raw.Owners), b(raw.Automation), b(raw.Dynamic)
		err := provider.World(c).Update(func(tx *tenantos.Tx) error {
			s, err := tenantos.Subnets.Get(tx, provider.PathInt(c, "subnetId"))
			if err != nil {
				return err
			}
			cat, err := loadCatalog(tx)
			if err != nil {
				return err
			}
			parentSettings := loadSettings(tx, s.ID)
			below := cat.tree(s)[1:]
			for _, ch := range below {
				if in.Rdns && !sameID(ch.RdnsServerID, s.RdnsServerID) {
					if err := clearPTRs(tx, ch); err != nil {
						return err
					}
					ch.RdnsServerID = s.RdnsServerID
				}
				if in.Resolvers {
					ch.DNSResolvers = append([]string{}, s.DNSResolvers...)
				}
				if in.Restrictions {
					ch.OfferIfTags = append([]string{}, s.OfferIfTags...)
					ch.DontOfferIfTags = append([]string{}, s.DontOfferIfTags...)
					ch.OnlyIfAgents = append([]int64{}, s.OnlyIfAgents...)
					ch.ApplyRestrictionsDown = s.ApplyRestrictionsDown
				}
				if in.Owners {
					ch.UserID = s.UserID
				}
				if in.Dynamic {
					ch.ExcludeFromDynamic = s.ExcludeFromDynamic
				}
				ch.Updated = tx.Now
				if err := tenantos.Subnets.Put(tx, ch.ID, ch); err != nil {
					return err
				}
				if in.Automation || in.Dynamic {
					st := loadSettings(tx, ch.ID)
					if in.Automation {
						copyVlan(st, parentSettings)
					}
					if in.Dynamic {
						st.ExcludeFromDynamic = parentSettings.ExcludeFromDynamic
					}
					if err := settingsOf.Put(tx, st.ID, st); err != nil {
						return err
					}
				}
			}
			return logSubnet(c, tx, s, fmt.Sprintf("Settings of subnet %s copied to %d child subnets", tenantos.SubnetPrefix(s), len(below)))
		})
		if err != nil {
			return err
		}
		return tenantos.Done(c)
	}
}

func sameID(a, b *int64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}
