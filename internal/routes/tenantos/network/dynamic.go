package network

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// maxDynamic is the most IPs and networks one dynamic assignment hands out.
const maxDynamic = 256

// addressRequest is an entry of ipv4Addresses or ipv6Addresses.
type addressRequest struct {
	Count                 int     `json:"count"`
	CidrSize              *int    `json:"cidrSize"`
	AssignmentMode        string  `json:"assignmentMode"`
	RestrictToSameSubnet  bool    `json:"restrictToSameSubnet"`
	RestrictToOwner       *int64  `json:"restrictToSubnetsOwnedByUserId"`
	AllowOwnFallback      bool    `json:"allowOwnSubnetsAsFallbackForRestrictedUser"`
	FromSubnetIDs         []int64 `json:"fromSubnetIds"`
	ExcludeSubnetIDs      []int64 `json:"excludeSubnetIds"`
	FromParentSubnetIDs   []int64 `json:"fromParentSubnetIds"`
	ExcludeParentSubnetID []int64 `json:"excludeParentSubnetsIds"`
}

// networkRequest is an entry of ipv4Subnets or ipv6Subnets.
type networkRequest struct {
	CidrSize            int     `json:"cidrSize"`
	AssignmentMode      string  `json:"assignmentMode"`
	SubnetSelectionMode string  `json:"subnetSelectionMode"`
	FromParentSubnetIDs []int64 `json:"fromParentSubnetIds"`
	ExcludeParentIDs    []int64 `json:"excludeParentSubnetsIds"`
	RestrictToOwner     *int64  `json:"restrictToSubnetsOwnedByUserId"`
	AllowOwnFallback    bool    `json:"allowOwnSubnetsAsFallbackForRestrictedUser"`
	AssignOwnershipTo   *int64  `json:"assignSubnetOwnershipToUserId"`
	GatewayMethod       string  `json:"gatewayMethod"`
	GatewayCustomIP     string  `json:"gatewayCustomIp"`
	CopyVlan            bool    `json:"copyVlanConfigurationFromParent"`
}

// deleteExisting reads deleteExistingIpAssignments: {ipv4, ipv6}, or one flag for both.
func deleteExisting(raw json.RawMessage) (v4, v6 bool) {
	var both looseBool
	if json.Unmarshal(raw, &both) == nil && len(raw) > 0 && raw[0] != '{' {
		return bool(both), bool(both)
	}
	var o struct {
		IPv4 looseBool `json:"ipv4"`
		IPv6 looseBool `json:"ipv6"`
	}
	json.Unmarshal(raw, &o)
	return bool(o.IPv4), bool(o.IPv6)
}

// dynamicRun is one setDynamicIpAssignments request in its transaction.
type dynamicRun struct {
	tx     *tenantos.Tx
	caller *tenantos.User
	srv    *tenantos.Server
	names  []string
}

// candidates are the subnets of one family the server may get IPs from dynamically:
// assignable to it (see getAssignableSubnets), not excluded from dynamic assignments,
// among from (when given), not among exclude, owned by owner (when given; with fallback,
// the panel's own subnets when owner has none), in priority order.
func (r *dynamicRun) candidates(cat *catalog, family string, from, exclude []int64, owner *int64, fallback bool) []*tenantos.Subnet {
	pick := func(ownerID int64) []*tenantos.Subnet {
		var out []*tenantos.Subnet
		for _, s := range cat.all {
			switch {
			case s.Type != family, s.ExcludeFromDynamic, len(from) > 0 && !tenantos.Contains(from, s.ID), tenantos.Contains(exclude, s.ID),
				ownerID != 0 && s.UserID != ownerID, !offerable(r.tx, cat, r.caller, s, r.srv):
				continue
			}
			out = append(out, s)
		}
		byPriority(out)
		return out
	}
	if owner == nil {
		return pick(0)
	}
	out := pick(*owner)
	if len(out) == 0 && fallback {
		out = pick(tenantos.AdminID)
	}
	return out
}

// available lists up to want addresses of s that can be handed out, in address order: its
// free IPs and, where addresses are made on demand, addresses it does not know yet (not its
// gateway or network address, not inside a child subnet or an assigned network).
func available(tx *tenantos.Tx, cat *catalog, s *tenantos.Subnet, want int) ([]*target, error) {
	recs, err := tenantos.SubnetIPs(tx, s.ID)
	if err != nil {
		return nil, err
	}
	all, err := cat.records(tx, s)
	if err != nil {
		return nil, err
	}
	nets := assignedNets(all)
	var kids []netip.Prefix
	for _, ch := range cat.children[s.ID] {
		kids = append(kids, tenantos.SubnetPrefix(ch))
	}
	inUse := func(p netip.Prefix) bool {
		for _, k := range kids {
			if k.Overlaps(p) {
				return true
			}
		}
		for _, n := range nets {
			if prefixOf(n).Overlaps(p) {
				return true
			}
		}
		return false
	}
	var out []*target
	known := map[string]bool{}
	for _, rec := range recs {
		known[rec.Address] = true
		if !isNetwork(rec) && free(nets, rec) && !inUse(prefixOf(rec)) {
			out = append(out, &target{prefix: prefixOf(rec), ip: rec, in: s})
		}
	}
	if onDemand(tx, s) {
		sp := tenantos.SubnetPrefix(s)
		made := 0
		for a, n := sp.Addr(), 0; a.IsValid() && sp.Contains(a) && made < want && n < 1<<16; a, n = a.Next(), n+1 {
			p := netip.PrefixFrom(a, a.BitLen())
			if known[a.String()] || roleReserved(s, a) || inUse(p) {
				continue
			}
			out = append(out, &target{prefix: p, in: s})
			made++
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].prefix.Addr().Less(out[j].prefix.Addr()) })
	return out, nil
}

// sequential finds count consecutive addresses in list (sorted), nil when there are none.
func sequential(list []*target, count int) []*target {
	for i := 0; i+count <= len(list); i++ {
		ok := true
		for j := i + 1; j < i+count && ok; j++ {
			ok = list[j-1].prefix.Addr().Next() == list[j].prefix.Addr()
		}
		if ok {
			return list[i : i+count]
		}
	}
	return nil
}

// addresses hands out one ipv4Addresses or ipv6Addresses entry.
func (r *dynamicRun) addresses(family string, field string, req addressRequest) error {
	cat, err := loadCatalog(r.tx)
	if err != nil {
		return err
	}
	from := append(append([]int64{}, req.FromSubnetIDs...), req.FromParentSubnetIDs...)
	exclude := append(append([]int64{}, req.ExcludeSubnetIDs...), req.ExcludeParentSubnetID...)
	subnets := r.candidates(cat, family, from, exclude, req.RestrictToOwner, req.AllowOwnFallback)
	lists := make([][]*target, len(subnets))
	for i, s := range subnets {
		if lists[i], err = available(r.tx, cat, s, req.Count*2+16); err != nil {
			return err
		}
	}
	var picked []*target
	if req.AssignmentMode != "allowNonSequentialIps" {
		for _, l := range lists {
			if picked = sequential(l, req.Count); picked != nil {
				break
			}
		}
		if picked == nil && req.AssignmentMode == "failIfNotSequentialIps" {
			return apierr.Conflict(fmt.Sprintf("%s: there are no %d consecutive free IP%s in the subnets this server may use.", field, req.Count, plural(req.Count)))
		}
	}
	if picked == nil {
		for _, l := range lists {
			if req.RestrictToSameSubnet {
				if len(l) >= req.Count {
					picked = l[:req.Count]
					break
				}
				continue
			}
			picked = append(picked, l[:min(len(l), req.Count-len(picked))]...)
			if len(picked) == req.Count {
				break
			}
		}
	}
	if len(picked) < req.Count {
		return apierr.Conflict(fmt.Sprintf("%s: not enough free IPv%s addresses: %d wanted, %d available in the subnets this server may use.", field,
			family[1:], req.Count, len(picked)))
	}
	return r.assign(cat, picked)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// assign gives the picked targets to the server.
// The records of each tree are read once: the picked targets are distinct and all for the
// same server, so they cannot conflict with each other.
func (r *dynamicRun) assign(cat *catalog, picked []*target) error {
	trees := map[int64][]*tenantos.IP{}
	for _, t := range picked {
		top := cat.top(t.in).ID
		all, ok := trees[top]
		if !ok {
			var err error
			if all, err = cat.records(r.tx, t.in); err != nil {
				return err
			}
			trees[top] = all
		}
		if err := checkAssignable(cat, all, t, r.srv.ID); err != nil {
			return err
		}
		rec, err := assignTarget(r.tx, r.srv, t, nil)
		if err != nil {
			return err
		}
		r.names = append(r.names, rec.Address)
	}
	return nil
}

// network hands out one ipv4Subnets or ipv6Subnets entry: an existing free child subnet of
// that size (preferExistingOrSplitSubnet, requireExistingSubnet), or a new one split from a
// parent (preferExistingOrSplitSubnet, requireSplitSubnet) where a range of that size holds
// no assigned or reserved IP — a generated IPv4 parent's free IPs in the range move to the
// child. The child is assigned to the server whole.
func (r *dynamicRun) network(family, field string, req networkRequest) error {
	cat, err := loadCatalog(r.tx)
	if err != nil {
		return err
	}
	parents := r.candidates(cat, family, req.FromParentSubnetIDs, req.ExcludeParentIDs, req.RestrictToOwner, req.AllowOwnFallback)
	switch req.SubnetSelectionMode {
	case "smallestSubnetFirst":
		sort.SliceStable(parents, func(i, j int) bool { return parents[i].CIDR > parents[j].CIDR })
	case "largestSubnetFirst":
		sort.SliceStable(parents, func(i, j int) bool { return parents[i].CIDR < parents[j].CIDR })
	}
	var child *tenantos.Subnet
	if req.AssignmentMode != "requireSplitSubnet" {
		for _, p := range parents {
			kids, err := freeChildren(r.tx, cat, p)
			if err != nil {
				return err
			}
			for _, k := range kids {
				if k.CIDR == req.CidrSize && !k.ExcludeFromDynamic && offerable(r.tx, cat, r.caller, k, r.srv) {
					child = k
					break
				}
			}
			if child != nil {
				break
			}
		}
	}
	if child == nil && req.AssignmentMode != "requireExistingSubnet" {
		if child, err = r.carve(cat, parents, req); err != nil {
			return err
		}
	}
	if child == nil {
		return apierr.Conflict(fmt.Sprintf("%s: no free IPv%s subnet of /%d in the subnets this server may use.", field, family[1:], req.CidrSize))
	}
	if req.AssignOwnershipTo != nil && child.UserID != *req.AssignOwnershipTo {
		child.UserID, child.Updated = *req.AssignOwnershipTo, r.tx.Now
		if err := tenantos.Subnets.Put(r.tx, child.ID, child); err != nil {
			return err
		}
	}
	p := tenantos.SubnetPrefix(child)
	return r.assign(cat, []*target{{prefix: p, network: true, ip: findIP(r.tx, p), in: child}})
}

// carve makes a new child subnet of req.CidrSize in the first parent with room.
func (r *dynamicRun) carve(cat *catalog, parents []*tenantos.Subnet, req networkRequest) (*tenantos.Subnet, error) {
	for _, parent := range parents {
		if req.CidrSize <= parent.CIDR {
			continue
		}
		all, err := cat.records(r.tx, parent)
		if err != nil {
			return nil, err
		}
		var found netip.Prefix
		var inside []*tenantos.IP
		slots(cat, parent, req.CidrSize, func(p netip.Prefix) bool {
			inside = inside[:0]
			for _, rec := range all {
				if !prefixOf(rec).Overlaps(p) {
					continue
				}
				if rec.ServerID != 0 || rec.Reserved || rec.SubnetID != parent.ID {
					return true
				}
				inside = append(inside, rec)
			}
			found = p
			return false
		})
		if !found.IsValid() {
			continue
		}
		gw, err := childGateway(found, req.GatewayMethod, req.GatewayCustomIP)
		if err != nil || !found.Contains(gw) {
			return nil, tenantos.Invalid("gatewayCustomIp", "The gateway custom ip must be an IP address of the new subnet.")
		}
		child, err := newChild(r.tx, cat, parent, found, gw, 0, req.CopyVlan)
		if err != nil {
			return nil, err
		}
		for _, rec := range inside {
			if err := moveIP(r.tx, rec, child.ID); err != nil {
				return nil, err
			}
		}
		return child, nil
	}
	return nil, nil
}

// setDynamicIpAssignments assigns IPs and networks to a server by amount, picked by the
// panel, all or none (409 when there are not enough; nothing is assigned then).
// deleteExistingIpAssignments first takes the server's IPv4 and/or IPv6 IPs off. Each
// ipv4Addresses / ipv6Addresses entry takes count addresses from the subnets the server may
// use (see getAssignableSubnets), not excluded from dynamic assignments, in priority order:
// preferSequentialIps takes consecutive ones when a subnet has them, failIfNotSequentialIps
// only consecutive ones, allowNonSequentialIps the first free ones; restrictToSameSubnet keeps
// an entry in one subnet; restrictToSubnetsOwnedByUserId keeps it to that user's subnets,
// falling back to the panel's own (the administrator's) with
// allowOwnSubnetsAsFallbackForRestrictedUser; cidrSize of an address entry is not used.
// ipv4Subnets / ipv6Subnets entries get a whole child subnet of cidrSize (see network). One
// request hands out 256 IPs and networks at most. performVlanActions has nothing to do.
func setDynamicIpAssignments(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		var in struct {
			IPv4Addresses  []addressRequest `json:"ipv4Addresses"`
			IPv6Addresses  []addressRequest `json:"ipv6Addresses"`
			IPv4Subnets    []networkRequest `json:"ipv4Subnets"`
			IPv6Subnets    []networkRequest `json:"ipv6Subnets"`
			DeleteExisting json.RawMessage  `json:"deleteExistingIpAssignments"`
		}
		if err := provider.Bind(c, &in); err != nil {
			return err
		}
		total := len(in.IPv4Subnets) + len(in.IPv6Subnets)
		for _, group := range []struct {
			name string
			list []addressRequest
		}{{"ipv4Addresses", in.IPv4Addresses}, {"ipv6Addresses", in.IPv6Addresses}} {
			for i, a := range group.list {
				if a.Count < 1 {
					return tenantos.Invalidf(fmt.Sprintf("%s.%d.count", group.name, i), "The %s.%d.count must be at least 1.", group.name, i)
				}
				total += a.Count
			}
		}
		for _, group := range []struct {
			name string
			hi   int
			list []networkRequest
		}{{"ipv4Subnets", 32, in.IPv4Subnets}, {"ipv6Subnets", 128, in.IPv6Subnets}} {
			for i, n := range group.list {
				f := fmt.Sprintf("%s.%d.", group.name, i)
				if n.CidrSize < 1 || n.CidrSize > group.hi {
					return tenantos.Invalidf(f+"cidrSize", "The %scidrSize must be between 1 and %d.", f, group.hi)
				}
				if n.GatewayMethod == "custom" && strings.TrimSpace(n.GatewayCustomIP) == "" {
					return tenantos.Invalidf(f+"gatewayCustomIp", "The %sgatewayCustomIp field is required when %sgatewayMethod is custom.", f, f)
				}
			}
		}
		if total > maxDynamic {
			return tenantos.Invalidf("ipv4Addresses", "One dynamic assignment hands out at most %d IPs and subnets (%d asked).", maxDynamic, total)
		}
		del4, del6 := deleteExisting(in.DeleteExisting)
		err := provider.World(c).Update(func(tx *tenantos.Tx) error {
			srv, err := tenantos.VisibleServer(tx, tenantos.CallerOf(c).User, pathServer(c, "server"))
			if err != nil {
				return err
			}
			r := &dynamicRun{tx: tx, caller: tenantos.CallerOf(c).User, srv: srv}
			for _, owner := range [][]*int64{ownersOfA(in.IPv4Addresses), ownersOfA(in.IPv6Addresses), ownersOfN(in.IPv4Subnets), ownersOfN(in.IPv6Subnets)} {
				for _, o := range owner {
					if o != nil && !tenantos.Users.Has(tx, *o) {
						return tenantos.Invalid("restrictToSubnetsOwnedByUserId", "The selected restrict to subnets owned by user id is invalid.")
					}
				}
			}
			var removed []string
			if del4 || del6 {
				ips, err := tenantos.ServerIPs(tx, srv.ID)
				if err != nil {
					return err
				}
				for _, ip := range ips {
					if v6 := tenantos.IsIPv6(ip.Address); (v6 && del6) || (!v6 && del4) {
						removed = append(removed, ip.Address)
						if err := release(tx, ip.ID); err != nil {
							return err
						}
					}
				}
			}
			for i, a := range in.IPv4Addresses {
				if err := r.addresses("v4", fmt.Sprintf("ipv4Addresses.%d", i), a); err != nil {
					return err
				}
			}
			for i, a := range in.IPv6Addresses {
				if err := r.addresses("v6", fmt.Sprintf("ipv6Addresses.%d", i), a); err != nil {
					return err
				}
			}
			for i, n := range in.IPv4Subnets {
				if err := r.network("v4", fmt.Sprintf("ipv4Subnets.%d", i), n); err != nil {
					return err
				}
			}
			for i, n := range in.IPv6Subnets {
				if err := r.network("v6", fmt.Sprintf("ipv6Subnets.%d", i), n); err != nil {
					return err
				}
			}
			desc := "Dynamic IP assignment: " + strings.Join(r.names, ", ")
			if len(r.names) == 0 {
				desc = "Dynamic IP assignment: nothing assigned"
			}
			if len(removed) > 0 {
				desc += "; removed " + strings.Join(removed, ", ")
			}
			return logServer(c, tx, srv, desc)
		})
		if err != nil {
			return err
		}
		return tenantos.Done(c)
	}
}

func ownersOfA(list []addressRequest) []*int64 {
	var out []*int64
	for _, a := range list {
		out = append(out, a.RestrictToOwner)
	}
	return out
}

func ownersOfN(list []networkRequest) []*int64 {
	var out []*int64
	for _, n := range list {
		out = append(out, n.RestrictToOwner, n.AssignOwnershipTo)
	}
	return out
}
