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

// managerTarget is what one adminIp of the IP manager stands for.
type managerTarget struct {
	label    string
	recs     []*tenantos.IP   // the IP records it covers
	subnet   *tenantos.Subnet // the subnet whose network it is exactly (type subnet)
	createIn *tenantos.Subnet // where a record for it can be made when there is none
	prefix   netip.Prefix
	home     *tenantos.Subnet // the subnet it is logged under
}

// resolveManager reads adminIp (an address for type singleIp, a network with prefix length
// for type subnet). An address is its record; a network is its own record if it has one,
// the subnet with exactly that network if there is one, and every IP record inside it.
// When the panel knows nothing of it but a subnet holds it (an IPv6 subnet, or an IPv4 one
// without generated IPs), a record can be made for it (reserve, comment). Anything else is
// refused with 422 on field.
func resolveManager(tx *tenantos.Tx, cat *catalog, raw, typ, field string) (*managerTarget, error) {
	p, network, ok := parseTarget(raw)
	switch {
	case !ok && typ == "subnet":
		return nil, tenantos.Invalidf(field, "The %s must be a subnet with CIDR.", fieldWords(field))
	case !ok:
		return nil, tenantos.Invalidf(field, "The %s must be a valid IP address.", fieldWords(field))
	case typ == "subnet" && !network:
		return nil, tenantos.Invalidf(field, "The %s must be a subnet with CIDR (type is subnet).", fieldWords(field))
	case typ != "subnet" && network:
		return nil, tenantos.Invalidf(field, "The %s must be a single IP address (type is singleIp).", fieldWords(field))
	}
	t := &managerTarget{label: addressKey(p), prefix: p}
	home := cat.containing(p)
	if typ == "subnet" {
		t.subnet = cat.byPrefix(p)
		if t.subnet != nil {
			home = t.subnet
		}
	}
	if rec := findIP(tx, p); rec != nil {
		t.recs = append(t.recs, rec)
	}
	if network && home != nil {
		all, err := cat.records(tx, home)
		if err != nil {
			return nil, err
		}
		for _, r := range all {
			if (len(t.recs) == 0 || r.ID != t.recs[0].ID) && holds(p, prefixOf(r)) {
				t.recs = append(t.recs, r)
			}
		}
	}
	if len(t.recs) == 0 && t.subnet == nil && home != nil && onDemand(tx, home) {
		t.createIn = home
	}
	if len(t.recs) == 0 && t.subnet == nil && t.createIn == nil {
		if home == nil {
			return nil, tenantos.Invalidf(field, "The IP %s is in no subnet of the panel.", t.label)
		}
		return nil, tenantos.Invalidf(field, "The IP %s is not known: it was deleted from the IP manager.", t.label)
	}
	if home == nil && len(t.recs) > 0 {
		home, _ = tenantos.Subnets.Get(tx, t.recs[0].SubnetID)
	}
	t.home = home
	return t, nil
}

// assigned is the first of the target's IPs that a server has, nil when none.
func (t *managerTarget) assigned() *tenantos.IP {
	for _, r := range t.recs {
		if r.ServerID != 0 {
			return r
		}
	}
	return nil
}

func errAssigned(t *managerTarget, r *tenantos.IP) error {
	return apierr.Conflict(fmt.Sprintf("The IP %s is assigned to server %d.", r.Address, r.ServerID))
}

// reserve reserves the target: its IPs are no longer handed out (listFreeIps and the
// assignable IPs leave them out; usageStatistics counts them as reserved), and a subnet that
// is exactly its network is no longer offered. strict refuses (409) a target that is
// reserved already; an assigned IP is always refused (409).
func (t *managerTarget) reserve(tx *tenantos.Tx, strict bool) error {
	if r := t.assigned(); r != nil {
		return errAssigned(t, r)
	}
	changed := false
	for _, r := range t.recs {
		if !r.Reserved {
			r.Reserved, r.Updated, changed = true, tx.Now, true
			if err := tenantos.IPs.Put(tx, r.ID, r); err != nil {
				return err
			}
		}
		if err := keep(tx, r); err != nil {
			return err
		}
	}
	if t.subnet != nil && !t.subnet.Reserved {
		t.subnet.Reserved, t.subnet.Updated, changed = true, tx.Now, true
		if err := tenantos.Subnets.Put(tx, t.subnet.ID, t.subnet); err != nil {
			return err
		}
	}
	if t.createIn != nil {
		if _, err := tenantos.AddIP(tx, t.createIn.ID, t.label, true, tx.Now); err != nil {
			return err
		}
		changed = true
	}
	if strict && !changed {
		return apierr.Conflict("The IP " + t.label + " is already reserved.")
	}
	return nil
}

// unreserve releases the target's reservations; strict refuses (409) a target with none.
func (t *managerTarget) unreserve(tx *tenantos.Tx, strict bool) error {
	changed := false
	for _, r := range t.recs {
		if r.Reserved {
			r.Reserved, r.Updated, changed = false, tx.Now, true
			if err := tenantos.IPs.Put(tx, r.ID, r); err != nil {
				return err
			}
		}
	}
	if t.subnet != nil && t.subnet.Reserved {
		t.subnet.Reserved, t.subnet.Updated, changed = false, tx.Now, true
		if err := tenantos.Subnets.Put(tx, t.subnet.ID, t.subnet); err != nil {
			return err
		}
	}
	if strict && !changed {
		return apierr.Conflict("The IP " + t.label + " is not reserved.")
	}
	return nil
}

// remove deletes the target from the IP manager: its IPs are forgotten, and a subnet that
// is exactly its network is deleted with its child subnets. Assigned IPs are refused (409).
func (t *managerTarget) remove(tx *tenantos.Tx, cat *catalog) error {
	if r := t.assigned(); r != nil {
		return errAssigned(t, r)
	}
	if t.subnet != nil {
		if err := removeSubnetTree(tx, cat, t.subnet); err != nil {
			return err
		}
	}
	for _, r := range t.recs {
		if tenantos.IPs.Has(tx, r.ID) {
			if err := forgetIP(tx, r); err != nil {
				return err
			}
		}
	}
	return nil
}

// setComment sets (or with "" removes) the IP manager's comment of the target's IPs; a
// subnet that is exactly the network and has no IP records gets it as its description.
func (t *managerTarget) setComment(tx *tenantos.Tx, comment string) error {
	for _, r := range t.recs {
		r.Comment, r.Updated = comment, tx.Now
		if err := tenantos.IPs.Put(tx, r.ID, r); err != nil {
			return err
		}
		if err := keep(tx, r); err != nil {
			return err
		}
	}
	if len(t.recs) == 0 && t.subnet != nil {
		t.subnet.Description, t.subnet.Updated = nil, tx.Now
		if comment != "" {
			t.subnet.Description = &comment
		}
		return tenantos.Subnets.Put(tx, t.subnet.ID, t.subnet)
	}
	if t.createIn != nil && comment != "" {
		ip, err := tenantos.AddIP(tx, t.createIn.ID, t.label, false, tx.Now)
		if err != nil {
			return err
		}
		ip.Comment = comment
		return tenantos.IPs.Put(tx, ip.ID, ip)
	}
	return nil
}

type managerInput struct {
	AdminIP string `json:"adminIp"`
	Type    string `json:"type"`
	Comment string `json:"comment"`
}

// managerOp runs one IP manager action on adminIp in a transaction (administrators only).
func managerOp(c echo.Context, verb string, act func(tx *tenantos.Tx, cat *catalog, t *managerTarget, in *managerInput) error) error {
	if err := adminOnly(c); err != nil {
		return err
	}
	var in managerInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		cat, err := loadCatalog(tx)
		if err != nil {
			return err
		}
		t, err := resolveManager(tx, cat, in.AdminIP, in.Type, "adminIp")
		if err != nil {
			return err
		}
		if err := act(tx, cat, t, &in); err != nil {
			return err
		}
		return logManager(c, tx, t.home, fmt.Sprintf("IP manager: %s %s", verb, t.label))
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}

// reserveIp reserves an IP or a subnet (see managerTarget.reserve); 409 when it is assigned
// or reserved already.
func reserveIp(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		return managerOp(c, "reserved", func(tx *tenantos.Tx, _ *catalog, t *managerTarget, _ *managerInput) error {
			return t.reserve(tx, true)
		})
	}
}

// unreserveIp releases the reservation of an IP or a subnet; 409 when it has none.
func unreserveIp(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		return managerOp(c, "unreserved", func(tx *tenantos.Tx, _ *catalog, t *managerTarget, _ *managerInput) error {
			return t.unreserve(tx, true)
		})
	}
}

// setIpComment sets or (empty comment) removes the comment of an IP or of the IPs of a
// subnet; withDetails shows it as the IP's description.
func setIpComment(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		return managerOp(c, "comment set on", func(tx *tenantos.Tx, _ *catalog, t *managerTarget, in *managerInput) error {
			return t.setComment(tx, strings.TrimSpace(in.Comment))
		})
	}
}

// deleteIp deletes an IP or a subnet from the IP manager (see managerTarget.remove); 409
// when an IP of it is assigned.
func deleteIp(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		return managerOp(c, "deleted", func(tx *tenantos.Tx, cat *catalog, t *managerTarget, _ *managerInput) error {
			return t.remove(tx, cat)
		})
	}
}

// runIpMassAction reserves, unreserves or deletes many IPs or subnets at once
// (administrators only), all or none: an assigned IP refuses the whole request (409), an
// entry the panel cannot find refuses it with 422 on ips; reserving what is reserved already
// and unreserving what is not are no errors here.
func runIpMassAction(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := adminOnly(c); err != nil {
			return err
		}
		var in struct {
			Mode string   `json:"mode"`
			IPs  []string `json:"ips"`
			Type string   `json:"type"`
		}
		if err := provider.Bind(c, &in); err != nil {
			return err
		}
		if len(in.IPs) == 0 {
			return tenantos.Invalid("ips", "The ips field is required.")
		}
		err := provider.World(c).Update(func(tx *tenantos.Tx) error {
			for i, raw := range in.IPs {
				cat, err := loadCatalog(tx)
				if err != nil {
					return err
				}
				t, err := resolveManager(tx, cat, raw, in.Type, fmt.Sprintf("ips.%d", i))
				if err != nil {
					return err
				}
				switch in.Mode {
				case "reserve":
					err = t.reserve(tx, false)
				case "unreserve":
					err = t.unreserve(tx, false)
				case "delete":
					err = t.remove(tx, cat)
				}
				if err != nil {
					return err
				}
				if err := logManager(c, tx, t.home, fmt.Sprintf("IP manager: %s %s", in.Mode, t.label)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		return tenantos.Done(c)
	}
}

func logManager(c echo.Context, tx *tenantos.Tx, s *tenantos.Subnet, desc string) error {
	if s == nil || !tenantos.Subnets.Has(tx, s.ID) {
		return tenantos.LogActivity(c, tx, tenantos.LogEntry{RelationType: "system", RootType: "ipManager", Description: desc, AdminOnly: true})
	}
	return logSubnet(c, tx, s, desc)
}
