package network

import (
	"net/netip"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// assignedIP is the record of an address or network (field's value) assigned to srv; 422
// naming field otherwise.
func assignedIP(tx *tenantos.Tx, srv *tenantos.Server, value, field string) (*tenantos.IP, error) {
	if strings.TrimSpace(value) == "" {
		return nil, tenantos.Invalidf(field, "The %s field is required.", field)
	}
	pfx, _, ok := parseTarget(value)
	if !ok {
		return nil, tenantos.Invalidf(field, "The IP %q is not a valid IP address or network with prefix length.", value)
	}
	rec := findIP(tx, pfx)
	if rec == nil || rec.ServerID != srv.ID {
		return nil, tenantos.Invalidf(field, "The IP %s is not assigned to this server.", addressKey(pfx))
	}
	return rec, nil
}

// updateIpAssignment changes one IP of a server: the body's ip (the path's id may be
// anything). description sets the assignment's description ("" or null clears it).
// primary_ip true makes it the server's only primary IP; false on the primary IP hands the
// primary flag to the server's next IP (a server with IPs always has a primary one, so false
// on its only IP changes nothing). ptrRecord sets the PTR record, "" or null deletes it, and
// setPtrTemplate resets it to the template (see ptrTemplate) — only in subnets with an RDNS
// server (422 on ptrRecord otherwise). For an assigned network the PTR is that of one of its
// addresses, subnetIp (required then). The answer is the assignment as listed.
func updateIpAssignment(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		var in struct {
			IP             string  `json:"ip"`
			Description    *string `json:"description"`
			PrimaryIP      *bool   `json:"primary_ip"`
			PtrRecord      *string `json:"ptrRecord"`
			SetPtrTemplate bool    `json:"setPtrTemplate"`
			SubnetIP       string  `json:"subnetIp"`
		}
		if err := provider.Bind(c, &in); err != nil {
			return err
		}
		raw := rawBody(c)
		clearDesc, deletePtr := sentEmpty(raw, "description"), sentEmpty(raw, "ptrRecord")
		var out tenantos.IPAssignmentView
		err := provider.World(c).Update(func(tx *tenantos.Tx) error {
			srv, err := tenantos.VisibleServer(tx, tenantos.CallerOf(c).User, provider.PathInt(c, "server_id"))
			if err != nil {
				return err
			}
			rec, err := assignedIP(tx, srv, in.IP, "ip")
			if err != nil {
				return err
			}
			s, err := tenantos.Subnets.Get(tx, rec.SubnetID)
			if err != nil {
				return err
			}
			var changes []string
			if in.SetPtrTemplate || in.PtrRecord != nil || deletePtr {
				if s.RdnsServerID == nil {
					return errNoRdns("ptrRecord", s)
				}
				slot := ptrSlot{subnet: s, rec: rec}
				if isNetwork(rec) {
					addr, err := netip.ParseAddr(strings.TrimSpace(in.SubnetIP))
					switch {
					case strings.TrimSpace(in.SubnetIP) == "":
						return tenantos.Invalid("subnetIp", "The subnet ip field is required when ip is a subnet.")
					case err != nil || !prefixOf(rec).Contains(addr):
						return tenantos.Invalidf("subnetIp", "The subnet ip must be an IP address of %s.", rec.Address)
					}
					slot.addr, slot.inner = addr, true
				} else {
					slot.addr = prefixOf(rec).Addr()
				}
				v, err := ptrValue(tx, s, slot.addr, in.SetPtrTemplate, in.PtrRecord, "ptrRecord")
				if err != nil {
					return err
				}
				if err := slot.set(tx, v); err != nil {
					return err
				}
				changes = append(changes, "PTR of "+slot.addr.String()+" set to \""+v+"\"")
			}
			if in.PrimaryIP != nil {
				if err := setPrimary(tx, srv, rec.ID, *in.PrimaryIP); err != nil {
					return err
				}
				changes = append(changes, "primary")
			}
			if rec, err = tenantos.IPs.Get(tx, rec.ID); err != nil {
				return err
			}
			switch {
			case in.Description != nil:
				rec.Description = in.Description
			case clearDesc:
				rec.Description = nil
			}
			rec.Updated = tx.Now
			if err := tenantos.IPs.Put(tx, rec.ID, rec); err != nil {
				return err
			}
			if out, err = tenantos.ViewIPAssignment(tx, tenantos.CallerOf(c).User, rec); err != nil {
				return err
			}
			desc := "IP assignment " + rec.Address + " updated"
			if len(changes) > 0 {
				desc += ": " + strings.Join(changes, ", ")
			}
			return logServer(c, tx, srv, desc)
		})
		if err != nil {
			return err
		}
		return tenantos.OK(c, out)
	}
}

// setPrimary makes the IP id the server's primary one (on), or hands the flag to the next
// IP (off).
func setPrimary(tx *tenantos.Tx, srv *tenantos.Server, id int64, on bool) error {
	ips, err := tenantos.ServerIPs(tx, srv.ID)
	if err != nil {
		return err
	}
	want := id
	if !on {
		want = 0
		cur := false
		for _, ip := range ips {
			cur = cur || (ip.ID == id && ip.Primary)
		}
		if !cur {
			return nil
		}
		for _, ip := range ips {
			if ip.ID != id {
				want = ip.ID
				break
			}
		}
		if want == 0 {
			return nil // its only IP stays primary
		}
	}
	for _, ip := range ips {
		if ip.Primary != (ip.ID == want) {
			ip.Primary, ip.Updated = ip.ID == want, tx.Now
			if err := tenantos.IPs.Put(tx, ip.ID, ip); err != nil {
				return err
			}
		}
	}
	return nil
}

// getIpAssignmentRdns answers the PTR record of an IP of the server ({ptrRecord}, "" when
// it has none). The IP must be assigned to the server and its subnet have an RDNS server
// (422 on ip otherwise).
func getIpAssignmentRdns(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		var in struct {
			IP string `json:"ip"`
		}
		if err := provider.Bind(c, &in); err != nil {
			return err
		}
		var ptr string
		err := provider.World(c).View(func(tx *tenantos.Tx) error {
			srv, err := tenantos.VisibleServer(tx, tenantos.CallerOf(c).User, provider.PathInt(c, "server"))
			if err != nil {
				return err
			}
			rec, err := assignedIP(tx, srv, in.IP, "ip")
			if err != nil {
				return err
			}
			s, err := tenantos.Subnets.Get(tx, rec.SubnetID)
			if err != nil {
				return err
			}
			if s.RdnsServerID == nil {
				return errNoRdns("ip", s)
			}
			ptr = rec.PTR
			return nil
		})
		if err != nil {
			return err
		}
		return tenantos.OK(c, map[string]string{"ptrRecord": ptr})
	}
}
