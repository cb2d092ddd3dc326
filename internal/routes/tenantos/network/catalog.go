package network

import (
	"net/netip"
	"sort"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// catalog is every subnet of a world with its tree: child subnets (made by a split or for
// a dynamic assignment) point at their parent through RootSubnetID.
type catalog struct {
	all      []*tenantos.Subnet
	byID     map[int64]*tenantos.Subnet
	children map[int64][]*tenantos.Subnet
	// memo keeps the records of each tree, by top-level subnet id, in read-only
	// transactions (nothing changes them there).
	memo map[int64][]*tenantos.IP
}

func loadCatalog(tx *tenantos.Tx) (*catalog, error) {
	all, err := tenantos.Subnets.All(tx)
	if err != nil {
		return nil, err
	}
	cat := &catalog{all: all, byID: map[int64]*tenantos.Subnet{}, children: map[int64][]*tenantos.Subnet{}}
	if !tx.Writable() {
		cat.memo = map[int64][]*tenantos.IP{}
	}
	for _, s := range all {
		cat.byID[s.ID] = s
	}
	for _, s := range all {
		if s.RootSubnetID != nil && cat.byID[*s.RootSubnetID] != nil {
			cat.children[*s.RootSubnetID] = append(cat.children[*s.RootSubnetID], s)
		}
	}
	return cat, nil
}

// parent is the subnet s was split from, nil for a top-level one.
func (cat *catalog) parent(s *tenantos.Subnet) *tenantos.Subnet {
	if s.RootSubnetID == nil {
		return nil
	}
	return cat.byID[*s.RootSubnetID]
}

// top is the top-level subnet of s's tree.
func (cat *catalog) top(s *tenantos.Subnet) *tenantos.Subnet {
	for seen := map[int64]bool{}; !seen[s.ID]; {
		seen[s.ID] = true
		p := cat.parent(s)
		if p == nil {
			break
		}
		s = p
	}
	return s
}

// tree is s and every subnet below it.
func (cat *catalog) tree(s *tenantos.Subnet) []*tenantos.Subnet {
	out := []*tenantos.Subnet{s}
	seen := map[int64]bool{s.ID: true}
	for i := 0; i < len(out); i++ {
		for _, ch := range cat.children[out[i].ID] {
			if !seen[ch.ID] {
				seen[ch.ID] = true
				out = append(out, ch)
			}
		}
	}
	return out
}

// deepest is the smallest subnet of s's tree that holds all of p (s itself when no child
// does); nil when s does not hold p.
func (cat *catalog) deepest(s *tenantos.Subnet, p netip.Prefix) *tenantos.Subnet {
	if !holds(tenantos.SubnetPrefix(s), p) {
		return nil
	}
	for {
		next := (*tenantos.Subnet)(nil)
		for _, ch := range cat.children[s.ID] {
			if holds(tenantos.SubnetPrefix(ch), p) {
				next = ch
				break
			}
		}
		if next == nil {
			return s
		}
		s = next
	}
}

// exact is the subnet of s's tree whose network is exactly p, nil when none is.
func (cat *catalog) exact(s *tenantos.Subnet, p netip.Prefix) *tenantos.Subnet {
	for _, t := range cat.tree(s) {
		if tenantos.SubnetPrefix(t) == p {
			return t
		}
	}
	return nil
}

// containing is the smallest subnet of the world that holds p, nil when none does.
func (cat *catalog) containing(p netip.Prefix) *tenantos.Subnet {
	var best *tenantos.Subnet
	for _, s := range cat.all {
		sp := tenantos.SubnetPrefix(s)
		if holds(sp, p) && (best == nil || sp.Bits() > best.CIDR) {
			best = s
		}
	}
	return best
}

// byPrefix is the subnet whose network is exactly p (the top-level one when a child starts
// at the same address with the same length, which cannot happen), nil when none is.
func (cat *catalog) byPrefix(p netip.Prefix) *tenantos.Subnet {
	for _, s := range cat.all {
		if tenantos.SubnetPrefix(s) == p {
			return s
		}
	}
	return nil
}

// records lists the IPs of every subnet of s's whole tree (from its top-level subnet down).
func (cat *catalog) records(tx *tenantos.Tx, s *tenantos.Subnet) ([]*tenantos.IP, error) {
	top := cat.top(s)
	if out, ok := cat.memo[top.ID]; ok {
		return out, nil
	}
	var out []*tenantos.IP
	for _, t := range cat.tree(top) {
		ips, err := tenantos.SubnetIPs(tx, t.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, ips...)
	}
	if cat.memo != nil {
		cat.memo[top.ID] = out
	}
	return out, nil
}

// byPriority orders subnets as dynamic assignments use them: lowest priority first, those
// without one last, then by id.
func byPriority(list []*tenantos.Subnet) {
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i], list[j]
		switch {
		case a.Priority != nil && b.Priority != nil && *a.Priority != *b.Priority:
			return *a.Priority < *b.Priority
		case (a.Priority == nil) != (b.Priority == nil):
			return a.Priority != nil
		}
		return a.ID < b.ID
	})
}

// holds reports whether network outer contains all of p.
func holds(outer, p netip.Prefix) bool {
	return outer.Addr().BitLen() == p.Addr().BitLen() && outer.Bits() <= p.Bits() && outer.Contains(p.Addr())
}
