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

// adminPTR finds where the PTR record of adminIp lives. The address may be a record the
// panel knows, an address inside an assigned network, or (create) an address of an IPv6
// subnet or of an IPv4 subnet without generated IPs, whose record is then made. Its subnet
// must have an RDNS server; 422 on adminIp otherwise.
func adminPTR(tx *tenantos.Tx, raw string, create bool) (ptrSlot, error) {
	a, err := netip.ParseAddr(strings.TrimSpace(raw))
	if err != nil || a.Zone() != "" {
		return ptrSlot{}, tenantos.Invalid("adminIp", "The admin ip must be a valid IP address.")
	}
	a = a.Unmap()
	p := netip.PrefixFrom(a, a.BitLen())
	cat, err := loadCatalog(tx)
	if err != nil {
		return ptrSlot{}, err
	}
	slot := ptrSlot{addr: a}
	if rec := findIP(tx, p); rec != nil {
		slot.rec = rec
		if slot.subnet, err = tenantos.Subnets.Get(tx, rec.SubnetID); err != nil {
			return ptrSlot{}, err
		}
	} else {
		s := cat.containing(p)
		if s == nil {
			return ptrSlot{}, tenantos.Invalidf("adminIp", "The IP %s is in no subnet of the panel.", a)
		}
		slot.subnet = s
		all, err := cat.records(tx, s)
		if err != nil {
			return ptrSlot{}, err
		}
		for _, n := range assignedNets(all) {
			if prefixOf(n).Contains(a) {
				slot.rec, slot.inner = n, true
				if slot.subnet, err = tenantos.Subnets.Get(tx, n.SubnetID); err != nil {
					return ptrSlot{}, err
				}
				break
			}
		}
		if slot.rec == nil && create {
			if !onDemand(tx, s) {
				return ptrSlot{}, tenantos.Invalidf("adminIp", "The IP %s is not available in the subnet %s: it was deleted from the IP manager.", a, tenantos.SubnetPrefix(s))
			}
			if slot.subnet.RdnsServerID != nil {
				if slot.rec, err = tenantos.AddIP(tx, s.ID, a.String(), false, tx.Now); err != nil {
					return ptrSlot{}, err
				}
			}
		}
	}
	if slot.subnet.RdnsServerID == nil {
		return ptrSlot{}, errNoRdns("adminIp", slot.subnet)
	}
	return slot, nil
}

// getRdnsRecord answers the PTR record of any IP the panel's subnets hold (administrators
// only): {ptrRecord}, "" when there is none.
func getRdnsRecord(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := adminOnly(c); err != nil {
			return err
		}
		var in struct {
			AdminIP string `json:"adminIp"`
		}
		if err := provider.Bind(c, &in); err != nil {
			return err
		}
		var ptr string
		err := provider.World(c).View(func(tx *tenantos.Tx) error {
			slot, err := adminPTR(tx, in.AdminIP, false)
			if err != nil {
				return err
			}
			ptr = slot.get(tx)
			return nil
		})
		if err != nil {
			return err
		}
		return tenantos.OK(c, map[string]string{"ptrRecord": ptr})
	}
}

// setRdnsRecord sets the PTR record of any IP (administrators only), assigned or not:
// ptrRecord (a hostname; "" or none deletes the record), or the template with
// setPtrTemplate (see ptrTemplate).
func setRdnsRecord(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := adminOnly(c); err != nil {
			return err
		}
		var in struct {
			AdminIP        string  `json:"adminIp"`
			PtrRecord      *string `json:"ptrRecord"`
			SetPtrTemplate bool    `json:"setPtrTemplate"`
		}
		if err := provider.Bind(c, &in); err != nil {
			return err
		}
		err := provider.World(c).Update(func(tx *tenantos.Tx) error {
			slot, err := adminPTR(tx, in.AdminIP, in.SetPtrTemplate || in.PtrRecord != nil)
			if err != nil {
				return err
			}
			v, err := ptrValue(tx, slot.subnet, slot.addr, in.SetPtrTemplate, in.PtrRecord, "ptrRecord")
			if err != nil {
				return err
			}
			if err := slot.set(tx, v); err != nil {
				return err
			}
			return logRdns(c, tx, slot, fmt.Sprintf("PTR record of %s set to %q", slot.addr, v))
		})
		if err != nil {
			return err
		}
		return tenantos.Done(c)
	}
}

// deleteRdnsRecord deletes the PTR record of any IP (administrators only); an IP without
// one is fine.
func deleteRdnsRecord(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := adminOnly(c); err != nil {
			return err
		}
		var in struct {
			AdminIP string `json:"adminIp"`
		}
		if err := provider.Bind(c, &in); err != nil {
			return err
		}
		err := provider.World(c).Update(func(tx *tenantos.Tx) error {
			slot, err := adminPTR(tx, in.AdminIP, false)
			if err != nil {
				return err
			}
			if err := slot.set(tx, ""); err != nil {
				return err
			}
			return logRdns(c, tx, slot, fmt.Sprintf("PTR record of %s deleted", slot.addr))
		})
		if err != nil {
			return err
		}
		return tenantos.Done(c)
	}
}

func logRdns(c echo.Context, tx *tenantos.Tx, slot ptrSlot, desc string) error {
	return logSubnet(c, tx, slot.subnet, desc)
}

// clearPTRs forgets the PTR records of a subnet's IPs (its RDNS server changes or goes).
func clearPTRs(tx *tenantos.Tx, s *tenantos.Subnet) error {
	ips, err := tenantos.SubnetIPs(tx, s.ID)
	if err != nil {
		return err
	}
	for _, ip := range ips {
		if ip.PTR != "" {
			ip.PTR, ip.Updated = "", tx.Now
			if err := tenantos.IPs.Put(tx, ip.ID, ip); err != nil {
				return err
			}
		}
		if isNetwork(ip) {
			if err := subPtrsOf.Delete(tx, ip.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// linkRdns gives a subnet an RDNS server (nil: none); PTR records kept by another server
// are lost.
func linkRdns(tx *tenantos.Tx, s *tenantos.Subnet, server *int64) error {
	if !sameID(s.RdnsServerID, server) {
		if err := clearPTRs(tx, s); err != nil {
			return err
		}
	}
	s.RdnsServerID, s.Updated = server, tx.Now
	return tenantos.Subnets.Put(tx, s.ID, s)
}

// errNoAssignment is a subnet's RDNS link that does not exist.
var errNoAssignment = apierr.NotFound("The subnet has no RDNS server.")
