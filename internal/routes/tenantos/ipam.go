package tenantos

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/panelsim/panelsim/internal/state"
)

// AssignIP gives ip to server s. The first IP a server gets becomes its primary; an IP that
// is reserved or another server's is refused.
func AssignIP(tx *state.Tx, s *Server, ip *IP, desc *string, now time.Time) error {
	switch {
	case ip.ServerID != 0 && ip.ServerID != s.ID:
		return Invalidf("ips", "The IP %s is already assigned to another server.", ip.Address)
	case ip.ServerID == s.ID:
		return nil
	case ip.Reserved:
		return Invalidf("ips", "The IP %s is reserved.", ip.Address)
	}
	has := tx.Set(Name, SetIPsByServer).Len(state.ID(uint64(s.ID))) > 0
	ip.ServerID, ip.Primary, ip.Description, ip.Updated = s.ID, !has, desc, now
	if err := IPs.Put(tx, ip.ID, ip); err != nil {
		return err
	}
	return tx.Set(Name, SetIPsByServer).Add(state.ID(uint64(s.ID)), state.ID(uint64(ip.ID)))
}

// ReleaseIP takes ip off its server; when it was the primary one, the server's next IP (in
// assignment order) becomes primary. IPv6 addresses and child networks that only exist
// because they were assigned are forgotten; generated IPv4 addresses stay, free again.
func ReleaseIP(tx *state.Tx, ip *IP, now time.Time) error {
	server := ip.ServerID
	if server == 0 {
		return nil
	}
	wasPrimary := ip.Primary
	ip.ServerID, ip.Primary, ip.Description, ip.PTR, ip.Updated = 0, false, nil, "", now
	if err := tx.Set(Name, SetIPsByServer).Remove(state.ID(uint64(server)), state.ID(uint64(ip.ID))); err != nil {
		return err
	}
	if err := IPs.Put(tx, ip.ID, ip); err != nil {
		return err
	}
	if wasPrimary {
		rest, err := ServerIPs(tx, server)
		if err != nil {
			return err
		}
		if len(rest) > 0 {
			rest[0].Primary = true
			if err := IPs.Put(tx, rest[0].ID, rest[0]); err != nil {
				return err
			}
		}
	}
	return nil
}

// ServerIPs lists the ips assigned to a server, in assignment order.
func ServerIPs(tx *state.Tx, serverID int64) ([]*IP, error) {
	var out []*IP
	err := tx.Set(Name, SetIPsByServer).Members(state.ID(uint64(serverID)), 0, -1, func(m []byte) error {
		ip, err := IPs.Get(tx, int64(state.IDOf(m)))
		if err != nil {
			return err
		}
		out = append(out, ip)
		return nil
	})
	return out, err
}

// PrimaryIP is the address of the server's primary IP, "" when it has none.
func PrimaryIP(List []*IP) string {
	for _, ip := range List {
		if ip.Primary {
			return ip.Address
		}
	}
	return ""
}

// IPByAddress finds a known address (or IPv6 child network in CIDR notation).
func IPByAddress(tx *state.Tx, addr string) (*IP, error) {
	raw := tx.Index(Name, IdxIPAddress).Get([]byte(NormalizeAddress(addr)))
	if raw == nil {
		return nil, ErrIPNotFound
	}
	return IPs.Get(tx, int64(state.IDOf(raw)))
}

// NormalizeAddress writes an address or CIDR the way the panel stores it: IPv6 compressed,
// a /32 (or /128) as the bare address.
func NormalizeAddress(s string) string {
	s = strings.TrimSpace(s)
	if p, err := netip.ParsePrefix(s); err == nil {
		if (p.Addr().Is4() && p.Bits() == 32) || (p.Addr().Is6() && p.Bits() == 128) {
			return p.Addr().String()
		}
		return p.Masked().String()
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return a.String()
	}
	return s
}

// SubnetPrefix is a subnet's network.
func SubnetPrefix(s *Subnet) netip.Prefix {
	return netip.MustParsePrefix(fmt.Sprintf("%s/%d", s.Subnet, s.CIDR)).Masked()
}

// SubnetIPs lists the addresses the panel knows in a subnet, in the order they were added.
func SubnetIPs(tx *state.Tx, subnetID int64) ([]*IP, error) {
	var out []*IP
	err := tx.Set(Name, SetIPsBySubnet).Members(state.ID(uint64(subnetID)), 0, -1, func(m []byte) error {
		ip, err := IPs.Get(tx, int64(state.IDOf(m)))
		if err != nil {
			return err
		}
		out = append(out, ip)
		return nil
	})
	return out, err
}

// Usage counts a subnet's addresses as the panel's usageStatistics do.
type Usage struct {
	Free, Reserved, Used, Total int
}

func (u Usage) Percentage() float64 {
	if u.Total == 0 {
		return 0
	}
	return float64(int(float64(u.Used+u.Reserved)/float64(u.Total)*10000+0.5)) / 100
}

func CountUsage(List []*IP) Usage {
	var u Usage
	for _, ip := range List {
		u.Total++
		switch {
		case ip.ServerID != 0:
			u.Used++
		case ip.Reserved:
			u.Reserved++
		default:
			u.Free++
		}
	}
	return u
}
