package network

import (
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// restrictionsAllow reports whether a subnet's own restrictions let it be offered to srv:
// offer_if_server_has_tag (any of them), dont_offer_if_server_has_tag (none of them) and
// only_if_server_has_remote_agents (the server's agent is listed).
func restrictionsAllow(s *tenantos.Subnet, srv *tenantos.Server) bool {
	if len(s.OfferIfTags) > 0 {
		ok := false
		for _, t := range s.OfferIfTags {
			ok = ok || tenantos.Contains(srv.Tags, t)
		}
		if !ok {
			return false
		}
	}
	for _, t := range s.DontOfferIfTags {
		if tenantos.Contains(srv.Tags, t) {
			return false
		}
	}
	return len(s.OnlyIfAgents) == 0 || (srv.AgentID != 0 && tenantos.Contains(s.OnlyIfAgents, srv.AgentID))
}

// offerable reports whether the caller may hand out IPs of subnet s to srv: the subnet is
// not reserved, the caller manages its owner (an administrator every subnet, a reseller its
// own and its users', an end user the subnets given to it), and its restrictions — and those
// of the subnets above it that apply_restrictions_to_childs — allow the server. A new VM is
// a server without tags or agent.
func offerable(tx *tenantos.Tx, cat *catalog, caller *tenantos.User, s *tenantos.Subnet, srv *tenantos.Server) bool {
	if s.Reserved || !tenantos.ManagesID(tx, caller, s.UserID) || !restrictionsAllow(s, srv) {
		return false
	}
	seen := map[int64]bool{s.ID: true}
	for p := cat.parent(s); p != nil && !seen[p.ID]; p = cat.parent(p) {
		seen[p.ID] = true
		if p.Reserved || (p.ApplyRestrictionsDown && !restrictionsAllow(p, srv)) {
			return false
		}
	}
	return true
}

// assignableSubnets lists what getAssignableSubnets shows for srv, in id order.
func assignableSubnets(tx *tenantos.Tx, caller *tenantos.User, srv *tenantos.Server) ([]assignableView, error) {
	cat, err := loadCatalog(tx)
	if err != nil {
		return nil, err
	}
	out := []assignableView{}
	for _, s := range cat.all {
		if !offerable(tx, cat, caller, s, srv) {
			continue
		}
		v, err := viewAssignable(tx, cat, caller, s)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// getAssignableSubnets lists the subnets whose IPs the caller may assign to a server it
// manages (others' servers are not found), with their usage. Which subnets: see offerable.
// A subnet without free IPs is still listed (its usage says so).
func getAssignableSubnets(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		var out []assignableView
		err := provider.World(c).View(func(tx *tenantos.Tx) error {
			srv, err := tenantos.VisibleServer(tx, tenantos.CallerOf(c).User, provider.PathInt(c, "server"))
			if err != nil {
				return err
			}
			out, err = assignableSubnets(tx, tenantos.CallerOf(c).User, srv)
			return err
		})
		if err != nil {
			return err
		}
		return tenantos.OK(c, out)
	}
}

// getVirtualizationAssignableSubnets lists the subnets a new VPS may get IPs from: as for a
// server, with a server that has no tags and no remote agent yet (so subnets offered only to
// tagged servers or to an agent's servers are left out).
func getVirtualizationAssignableSubnets(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		var out []assignableView
		err := provider.World(c).View(func(tx *tenantos.Tx) error {
			var err error
			out, err = assignableSubnets(tx, tenantos.CallerOf(c).User, &tenantos.Server{TypeOfServer: "vm"})
			return err
		})
		if err != nil {
			return err
		}
		return tenantos.OK(c, out)
	}
}

// getAssignableIpsOfSubnet lists what the caller may assign to a server from one subnet:
// its free IPs ({id, ip}, the same as listFreeIps), then its child subnets nothing of which
// is assigned or reserved ({id: the child subnet's id, ip: its network with prefix length}).
// A subnet that is not assignable to the server (see getAssignableSubnets) is refused as
// Laravel's exists rule would (422 on subnets_id).
func getAssignableIpsOfSubnet(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		var in struct {
			SubnetsID int64 `json:"subnets_id"`
		}
		if err := provider.Bind(c, &in); err != nil {
			return err
		}
		out := []freeIPView{}
		err := provider.World(c).View(func(tx *tenantos.Tx) error {
			srv, err := tenantos.VisibleServer(tx, tenantos.CallerOf(c).User, provider.PathInt(c, "server"))
			if err != nil {
				return err
			}
			cat, err := loadCatalog(tx)
			if err != nil {
				return err
			}
			s := cat.byID[in.SubnetsID]
			if s == nil || !offerable(tx, cat, tenantos.CallerOf(c).User, s, srv) {
				return errSubnetsID
			}
			ips, err := freeIPs(tx, cat, s)
			if err != nil {
				return err
			}
			for _, ip := range ips {
				out = append(out, freeIPView{ID: ip.ID, IP: ip.Address})
			}
			kids, err := freeChildren(tx, cat, s)
			if err != nil {
				return err
			}
			for _, ch := range kids {
				if offerable(tx, cat, tenantos.CallerOf(c).User, ch, srv) {
					out = append(out, freeIPView{ID: ch.ID, IP: tenantos.SubnetPrefix(ch).String()})
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		return tenantos.OK(c, out)
	}
}

// errSubnetsID refuses a subnets_id that names no subnet the caller may use for the server.
var errSubnetsID = tenantos.Invalid("subnets_id", "The selected subnets id is invalid.")
