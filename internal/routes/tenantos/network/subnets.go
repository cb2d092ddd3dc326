package network

import (
	"fmt"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// visibleSubnet loads a subnet the caller may see: an administrator every subnet, others
// the subnets owned by users they manage (themselves included); the rest are not found.
func visibleSubnet(tx *tenantos.Tx, c echo.Context, id int64) (*tenantos.Subnet, error) {
	s, err := tenantos.Subnets.Get(tx, id)
	if err != nil {
		return nil, err
	}
	if !tenantos.ManagesID(tx, tenantos.CallerOf(c).User, s.UserID) {
		return nil, tenantos.ErrSubnetNotFound
	}
	return s, nil
}

// listSubnets lists the subnets the caller may see (see visibleSubnet), child subnets
// included, in id order, each with its usage computed from its IPs.
func listSubnets(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		out := []*subnetView{}
		err := provider.World(c).View(func(tx *tenantos.Tx) error {
			who := tenantos.CallerOf(c).User
			cat, err := loadCatalog(tx)
			if err != nil {
				return err
			}
			for _, s := range cat.all {
				if !tenantos.ManagesID(tx, who, s.UserID) {
					continue
				}
				v, err := viewSubnet(tx, cat, who, s)
				if err != nil {
					return err
				}
				out = append(out, v)
			}
			return nil
		})
		if err != nil {
			return err
		}
		return tenantos.OK(c, out)
	}
}

// getSubnet shows one subnet the caller may see.
func getSubnet(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		var out *subnetView
		err := provider.World(c).View(func(tx *tenantos.Tx) error {
			s, err := visibleSubnet(tx, c, provider.PathInt(c, "id"))
			if err != nil {
				return err
			}
			cat, err := loadCatalog(tx)
			if err != nil {
				return err
			}
			out, err = viewSubnet(tx, cat, tenantos.CallerOf(c).User, s)
			return err
		})
		if err != nil {
			return err
		}
		return tenantos.OK(c, out)
	}
}

// getSubnetWithDetails shows a subnet with every IP the panel knows in it (a free IP has
// servers_id 0 and empty server fields; description is the IP manager's comment, or else
// the assignment's description), its direct child subnets (as getSubnet shows them) and
// what its RDNS server can do (both 0 without one).
func getSubnetWithDetails(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		var out *detailsView
		err := provider.World(c).View(func(tx *tenantos.Tx) error {
			who := tenantos.CallerOf(c).User
			s, err := visibleSubnet(tx, c, provider.PathInt(c, "subnetId"))
			if err != nil {
				return err
			}
			cat, err := loadCatalog(tx)
			if err != nil {
				return err
			}
			v, err := viewSubnet(tx, cat, who, s)
			if err != nil {
				return err
			}
			rdns := tenantos.Flag(s.RdnsServerID != nil)
			out = &detailsView{subnetView: v, IPs: []detailIP{}, ChildSubnets: []*subnetView{},
				RdnsFeatures: rdnsFeatures{CanManageUnassignedIPs: rdns, CanManageAssignedIPs: rdns}}
			ips, err := tenantos.SubnetIPs(tx, s.ID)
			if err != nil {
				return err
			}
			for _, ip := range ips {
				d := detailIP{IP: ip.Address, Reserved: tenantos.Flag(ip.Reserved), Description: ip.Description, RdnsEntry: ip.PTR}
				if ip.Comment != "" {
					d.Description = tenantos.Text(ip.Comment)
				}
				if srv, err := tenantos.Servers.Get(tx, ip.ServerID); err == nil {
					d.ServersID, d.Servername, d.ServersOwnerID = srv.ID, srv.Servername, srv.UserID
					if u, err := tenantos.Users.Get(tx, srv.UserID); err == nil {
						d.ServersOwnerRealname = u.Name
					}
				}
				out.IPs = append(out.IPs, d)
			}
			for _, ch := range cat.children[s.ID] {
				cv, err := viewSubnet(tx, cat, who, ch)
				if err != nil {
					return err
				}
				out.ChildSubnets = append(out.ChildSubnets, cv)
			}
			return nil
		})
		if err != nil {
			return err
		}
		return tenantos.OK(c, out)
	}
}

// listFreeIps lists the IPs of a subnet that are neither assigned, reserved, nor inside an
// assigned network: [{id, ip}], in the order they were added (address order for generated
// subnets). An IPv6 subnet lists only the addresses the panel knows (added by a split).
func listFreeIps(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		out := []freeIPView{}
		err := provider.World(c).View(func(tx *tenantos.Tx) error {
			s, err := visibleSubnet(tx, c, provider.PathInt(c, "subnetId"))
			if err != nil {
				return err
			}
			cat, err := loadCatalog(tx)
			if err != nil {
				return err
			}
			ips, err := freeIPs(tx, cat, s)
			for _, ip := range ips {
				out = append(out, freeIPView{ID: ip.ID, IP: ip.Address})
			}
			return err
		})
		if err != nil {
			return err
		}
		return tenantos.OK(c, out)
	}
}

// deleteSubnet deletes a subnet (administrators only) with its IPs and the child subnets
// split from it. It is refused with 409 while any IP of it or of its child subnets is
// assigned to a server; nothing is deleted then.
func deleteSubnet(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := adminOnly(c); err != nil {
			return err
		}
		err := provider.World(c).Update(func(tx *tenantos.Tx) error {
			s, err := tenantos.Subnets.Get(tx, provider.PathInt(c, "id"))
			if err != nil {
				return err
			}
			cat, err := loadCatalog(tx)
			if err != nil {
				return err
			}
			if err := removeSubnetTree(tx, cat, s); err != nil {
				return err
			}
			return logSubnet(c, tx, s, fmt.Sprintf("Subnet %s deleted", tenantos.SubnetPrefix(s)))
		})
		if err != nil {
			return err
		}
		return tenantos.Done(c)
	}
}

// removeSubnetTree deletes s, its child subnets and all their IPs; 409 when one is assigned.
func removeSubnetTree(tx *tenantos.Tx, cat *catalog, s *tenantos.Subnet) error {
	tree := cat.tree(s)
	var all []*tenantos.IP
	for _, t := range tree {
		ips, err := tenantos.SubnetIPs(tx, t.ID)
		if err != nil {
			return err
		}
		for _, ip := range ips {
			if ip.ServerID != 0 {
				return apierr.Conflict(fmt.Sprintf("The subnet %s cannot be deleted: its IP %s is assigned to server %d.",
					tenantos.SubnetPrefix(s), ip.Address, ip.ServerID))
			}
		}
		all = append(all, ips...)
	}
	for _, ip := range all {
		if err := forgetIP(tx, ip); err != nil {
			return err
		}
	}
	for _, t := range tree {
		if err := settingsOf.Delete(tx, t.ID); err != nil {
			return err
		}
		if err := tenantos.Subnets.Delete(tx, t.ID); err != nil {
			return err
		}
	}
	return nil
}

// logSubnet writes an activity entry about a subnet (seen by administrators).
func logSubnet(c echo.Context, tx *tenantos.Tx, s *tenantos.Subnet, desc string) error {
	return tenantos.LogActivity(c, tx, tenantos.LogEntry{RelationType: "subnets", RelationID: s.ID, RootType: "subnet", RootID: s.ID,
		Description: desc, MetaHref: fmt.Sprintf("/subnets/%d", s.ID), MetaText: tenantos.SubnetPrefix(s).String(), AdminOnly: true})
}
