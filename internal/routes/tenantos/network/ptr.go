package network

import (
	"net/netip"
	"strings"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// ptrSlot is where the PTR record of one address is kept: the IP's own record
// (tenantos.IP.PTR), or, for an address inside an assigned network (subnetIp), the network's
// list of PTR records. rec is nil for an address the panel has no record of (its PTR is
// empty).
type ptrSlot struct {
	subnet *tenantos.Subnet
	rec    *tenantos.IP
	addr   netip.Addr
	inner  bool
}

func (ps ptrSlot) get(tx *tenantos.Tx) string {
	switch {
	case ps.rec == nil:
		return ""
	case !ps.inner:
		return ps.rec.PTR
	}
	sp, err := subPtrsOf.Get(tx, ps.rec.ID)
	if err != nil || sp.ServerID != ps.rec.ServerID {
		return ""
	}
	return sp.Records[ps.addr.String()]
}

// set stores value ("" deletes the record).
func (ps ptrSlot) set(tx *tenantos.Tx, value string) error {
	if ps.rec == nil {
		return nil
	}
	if !ps.inner {
		rec, err := tenantos.IPs.Get(tx, ps.rec.ID)
		if err != nil {
			return err
		}
		rec.PTR, rec.Updated = value, tx.Now
		return tenantos.IPs.Put(tx, rec.ID, rec)
	}
	sp, err := subPtrsOf.Get(tx, ps.rec.ID)
	if err != nil || sp.ServerID != ps.rec.ServerID {
		sp = &subPtrs{ID: ps.rec.ID, ServerID: ps.rec.ServerID, Records: map[string]string{}}
	}
	if value == "" {
		delete(sp.Records, ps.addr.String())
	} else {
		sp.Records[ps.addr.String()] = value
	}
	return subPtrsOf.Put(tx, sp.ID, sp)
}

// ptrTemplate is the record setPtrTemplate gives an address: the address with dashes, under
// "static." and the domain of the subnet's RDNS server (its serverName without the first
// label): 198.51.100.10 → 198-51-100-10.static.example.net for ns1.example.net; IPv6 is
// written compressed (2001-db8--5.static.example.net).
func ptrTemplate(tx *tenantos.Tx, s *tenantos.Subnet, addr netip.Addr) string {
	domain := "example.net"
	if s.RdnsServerID != nil {
		if rp, err := tenantos.RdnsProviders.Get(tx, *s.RdnsServerID); err == nil {
			name := strings.TrimSuffix(rp.ServerName, ".")
			if labels := strings.Split(name, "."); len(labels) > 2 {
				name = strings.Join(labels[1:], ".")
			}
			if name != "" {
				domain = name
			}
		}
	}
	dashed := strings.NewReplacer(".", "-", ":", "-").Replace(addr.String())
	return dashed + ".static." + domain
}

// validHostname reports whether s can be a PTR record: dot-separated labels of letters,
// digits, hyphens and underscores, none longer than 63 characters or starting or ending
// with a hyphen, 253 characters at most; a final dot is allowed.
func validHostname(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return false
			}
		}
	}
	return true
}

// ptrValue is the record a request asks for: the template, nothing (delete), or the
// hostname it gives (422 on field when it is not one).
func ptrValue(tx *tenantos.Tx, s *tenantos.Subnet, addr netip.Addr, template bool, record *string, field string) (string, error) {
	switch {
	case template:
		return ptrTemplate(tx, s, addr), nil
	case record == nil || strings.TrimSpace(*record) == "":
		return "", nil
	}
	v := strings.TrimSpace(*record)
	if !validHostname(v) {
		return "", tenantos.Invalidf(field, "The %s must be a valid hostname.", fieldWords(field))
	}
	return v, nil
}

// fieldWords is a field's name as Laravel's messages write it (ptrRecord → ptr record).
func fieldWords(field string) string {
	var b strings.Builder
	for i, r := range field {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte(' ')
			}
			r += 'a' - 'A'
		}
		if r == '_' {
			r = ' '
		}
		b.WriteRune(r)
	}
	return b.String()
}

// errNoRdns refuses PTR work in a subnet without an RDNS server (rdnsAvailable 0).
func errNoRdns(field string, s *tenantos.Subnet) error {
	return tenantos.Invalidf(field, "RDNS is not available for the subnet %s: it has no RDNS server.", tenantos.SubnetPrefix(s))
}
