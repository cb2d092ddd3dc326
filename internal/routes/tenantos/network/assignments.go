package network

import (
	"fmt"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// listIpAssignments lists the IPs and networks assigned to a server the caller manages
// (others' servers are not found), in the order they were first known.
func listIpAssignments(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		out := []tenantos.IPAssignmentView{}
		err := provider.World(c).View(func(tx *tenantos.Tx) error {
			srv, err := tenantos.VisibleServer(tx, tenantos.CallerOf(c).User, provider.PathInt(c, "server_id"))
			if err != nil {
				return err
			}
			out, err = viewServerIPs(tx, tenantos.CallerOf(c).User, srv.ID)
			return err
		})
		if err != nil {
			return err
		}
		return tenantos.OK(c, out)
	}
}

func viewServerIPs(tx *tenantos.Tx, viewer *tenantos.User, serverID int64) ([]tenantos.IPAssignmentView, error) {
	ips, err := tenantos.ServerIPs(tx, serverID)
	if err != nil {
		return nil, err
	}
	out := []tenantos.IPAssignmentView{}
	for _, ip := range ips {
		v, err := tenantos.ViewIPAssignment(tx, viewer, ip)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// createIpAssignment assigns IPs (or, in IPv6 subnets, child networks in CIDR notation) of
// one subnet to a server, all or none. The subnet must be one getAssignableSubnets offers
// for the server (422 on subnets_id otherwise); every IP must lie in it (422 on ips); an IP
// another server has, a reserved one, or a network overlapping either, is refused with 409
// and nothing is assigned. IPv6 addresses and networks the panel does not know yet are
// created as they are assigned (and forgotten when released). The first IP a server gets
// becomes its primary IP. The answer is the new assignments, as listIpAssignments shows
// them; performVlanActions is accepted and has nothing to do (no switch automation).
func createIpAssignment(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		var in struct {
			SubnetsID   int64    `json:"subnets_id"`
			IPs         []string `json:"ips"`
			Description *string  `json:"description"`
		}
		if err := provider.Bind(c, &in); err != nil {
			return err
		}
		if len(in.IPs) == 0 {
			return tenantos.Invalid("ips", "The ips field is required.")
		}
		var out []tenantos.IPAssignmentView
		err := provider.World(c).Update(func(tx *tenantos.Tx) error {
			out = []tenantos.IPAssignmentView{}
			who := tenantos.CallerOf(c).User
			srv, err := tenantos.VisibleServer(tx, tenantos.CallerOf(c).User, provider.PathInt(c, "server_id"))
			if err != nil {
				return err
			}
			cat, err := loadCatalog(tx)
			if err != nil {
				return err
			}
			s := cat.byID[in.SubnetsID]
			if s == nil || !offerable(tx, cat, who, s, srv) {
				return errSubnetsID
			}
			all, err := cat.records(tx, s)
			if err != nil {
				return err
			}
			var targets []*target
			seen := map[string]bool{}
			for _, raw := range in.IPs {
				t, err := resolveTarget(tx, cat, s, raw, "ips")
				if err != nil {
					return err
				}
				if seen[t.key()] {
					continue
				}
				seen[t.key()] = true
				if err := checkAssignable(cat, all, t, srv.ID); err != nil {
					return err
				}
				targets = append(targets, t)
			}
			var ids []int64
			var names []string
			for _, t := range targets {
				rec, err := assignTarget(tx, srv, t, in.Description)
				if err != nil {
					return err
				}
				ids, names = append(ids, rec.ID), append(names, rec.Address)
			}
			for _, id := range ids {
				rec, err := tenantos.IPs.Get(tx, id)
				if err != nil {
					return err
				}
				v, err := tenantos.ViewIPAssignment(tx, who, rec)
				if err != nil {
					return err
				}
				out = append(out, v)
			}
			return logServer(c, tx, srv, "IP assignment added: "+strings.Join(names, ", "))
		})
		if err != nil {
			return err
		}
		return tenantos.OK(c, out)
	}
}

// deleteIpAssignment takes IPs off a server: the body's ip, or every entry of ips (the
// path's id may be anything, "0" included, as the panel's own VLAN module sends it). An IP
// that is not assigned to this server is refused with 422 naming the field, and nothing is
// removed. Generated IPv4 addresses stay known, free again; addresses and networks that were
// created when they were assigned are forgotten; PTR records of the IPs go with them. When
// the primary IP goes, the server's next IP becomes primary.
func deleteIpAssignment(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		var in struct {
			IP  string   `json:"ip"`
			IPs []string `json:"ips"`
		}
		if err := provider.Bind(c, &in); err != nil {
			return err
		}
		type entry struct{ field, value string }
		var list []entry
		if strings.TrimSpace(in.IP) != "" {
			list = append(list, entry{"ip", in.IP})
		}
		for _, v := range in.IPs {
			list = append(list, entry{"ips", v})
		}
		if len(list) == 0 {
			return tenantos.Invalid("ip", "The ip field is required when ips is not present.")
		}
		err := provider.World(c).Update(func(tx *tenantos.Tx) error {
			srv, err := tenantos.VisibleServer(tx, tenantos.CallerOf(c).User, provider.PathInt(c, "server_id"))
			if err != nil {
				return err
			}
			var ids []int64
			var names []string
			seen := map[int64]bool{}
			for _, e := range list {
				pfx, _, ok := parseTarget(e.value)
				if !ok {
					return tenantos.Invalidf(e.field, "The IP %q is not a valid IP address or network with prefix length.", e.value)
				}
				rec := findIP(tx, pfx)
				if rec == nil || rec.ServerID != srv.ID {
					return tenantos.Invalidf(e.field, "The IP %s is not assigned to this server.", addressKey(pfx))
				}
				if !seen[rec.ID] {
					seen[rec.ID] = true
					ids, names = append(ids, rec.ID), append(names, rec.Address)
				}
			}
			for _, id := range ids {
				if err := release(tx, id); err != nil {
					return err
				}
			}
			return logServer(c, tx, srv, "IP assignment removed: "+strings.Join(names, ", "))
		})
		if err != nil {
			return err
		}
		return tenantos.Done(c)
	}
}

// logServer writes an activity entry about a server's IPs.
func logServer(c echo.Context, tx *tenantos.Tx, srv *tenantos.Server, desc string) error {
	return tenantos.LogActivity(c, tx, tenantos.LogEntry{RelationType: "servers", RelationID: srv.ID, RootType: "servers",
		RootID: srv.ID, Description: desc, MetaHref: fmt.Sprintf("/servers/%d", srv.ID), MetaText: srv.Servername})
}
