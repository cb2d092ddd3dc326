package virtfusion

import (
	"fmt"
	"net/http"
	"net/netip"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// nextOrder is the order the next address of a server gets.
func (s *Server) nextOrder() int {
	n := 0
	for _, a := range s.IPv4 {
		n = max(n, a.Order)
	}
	return n + 1
}

func (p *Provider) addIPv4Quantity(c echo.Context) error {
	var in struct {
		Interface string `json:"interface"`
		Quantity  int    `json:"quantity"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	if in.Quantity < 1 || in.Quantity > 64 {
		return apierr.Invalid("The quantity field must be between 1 and 64.")
	}
	var added []string
	err := provider.World(c).Update(func(tx *state.Tx) error {
		added = nil
		s, err := serverInterface(tx, c, in.Interface)
		if err != nil {
			return err
		}
		var h Hypervisor
		if err := get(tx, collHypervisors, s.HypervisorID, &h, errHypervisorNotFound); err != nil {
			return err
		}
		got, err := allocateIPv4(tx, &h, in.Quantity, s.ID, s.nextOrder())
		if err != nil {
			return err
		}
		for _, a := range got {
			added = append(added, a.Address)
		}
		s.IPv4, s.Updated = append(s.IPv4, got...), tx.Now
		return saveServer(tx, s)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, data{added})
}

type ipv4ListInput struct {
	Interface string   `json:"interface"` // optional: clients omit it, primary is meant
	IP        []string `json:"ip"`
}

// bind reads the body; an interface left out means primary, a leniency the vendor's document
// (which requires it) does not grant, but Blesta's official module relies on.
func (in *ipv4ListInput) bind(c echo.Context) error {
	if err := provider.Bind(c, in); err != nil {
		return err
	}
	if in.Interface != "" {
		return nil
	}
	return provider.Lenient(c, "VirtFusion's document requires interface (primary or secondary); panelsim takes primary when it is left out, as Blesta sends it",
		apierr.Invalid("The interface field is required."))
}

// addIPv4Addresses gives a server the named addresses; each must lie in one of its
// hypervisor's IPv4 blocks and be free.
func (p *Provider) addIPv4Addresses(c echo.Context) error {
	var in ipv4ListInput
	if err := in.bind(c); err != nil {
		return err
	}
	err := provider.World(c).Update(func(tx *state.Tx) error {
		s, err := serverInterface(tx, c, in.Interface)
		if err != nil {
			return err
		}
		var h Hypervisor
		if err := get(tx, collHypervisors, s.HypervisorID, &h, errHypervisorNotFound); err != nil {
			return err
		}
		blocks, err := loadBlocks(tx, h.IPv4Blocks)
		if err != nil {
			return err
		}
		idx := tx.Index(Name, idxIPv4)
		var msgs []string
		seen := map[string]bool{}
		for i, ip := range in.IP {
			addr, err := netip.ParseAddr(ip)
			b := blockHolding(blocks, addr)
			if err != nil || !addr.Is4() || b == nil || seen[addr.String()] || idx.Get([]byte(addr.String())) != nil {
				msgs = append(msgs, fmt.Sprintf("The selected ip.%d is invalid.", i))
				continue
			}
			seen[addr.String()] = true
			if err := idx.Put([]byte(addr.String()), state.ID(uint64(s.ID))); err != nil {
				return err
			}
			id, err := tx.Coll(Name, collAddresses).NextID()
			if err != nil {
				return err
			}
			b.Used++
			s.IPv4 = append(s.IPv4, IPv4Assign{ID: int64(id), BlockID: b.ID, Address: addr.String(), Order: s.nextOrder()})
		}
		if len(msgs) > 0 {
			return apierr.Invalid(msgs...)
		}
		for _, b := range blocks {
			if err := put(tx, collIPBlocks, b.ID, b); err != nil {
				return err
			}
		}
		s.Updated = tx.Now
		return saveServer(tx, s)
	})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// blockHolding is the enabled block whose ranges hold addr, or nil.
func blockHolding(blocks []*IPBlock, addr netip.Addr) *IPBlock {
	if !addr.Is4() {
		return nil
	}
	n := ipv4Uint(addr.String())
	for _, b := range blocks {
		for _, r := range b.Ranges {
			if b.Enabled && n >= ipv4Uint(r.Start) && n <= ipv4Uint(r.End) {
				return b
			}
		}
	}
	return nil
}

// removeIPv4Addresses takes addresses off a server and gives them back to their blocks.
func (p *Provider) removeIPv4Addresses(c echo.Context) error {
	var in ipv4ListInput
	if err := in.bind(c); err != nil {
		return err
	}
	err := provider.World(c).Update(func(tx *state.Tx) error {
		s, err := serverInterface(tx, c, in.Interface)
		if err != nil {
			return err
		}
		drop := map[int64][]string{}
		var msgs []string
		for i, ip := range in.IP {
			addr, err := netip.ParseAddr(ip)
			j := -1
			if err == nil {
				j = s.findIPv4(addr.String())
			}
			if j < 0 {
				msgs = append(msgs, fmt.Sprintf("The selected ip.%d is invalid.", i))
				continue
			}
			drop[s.IPv4[j].BlockID] = append(drop[s.IPv4[j].BlockID], s.IPv4[j].Address)
			s.IPv4 = append(s.IPv4[:j], s.IPv4[j+1:]...)
		}
		if len(msgs) > 0 {
			return apierr.Invalid(msgs...)
		}
		if err := release(tx, idxIPv4, drop); err != nil {
			return err
		}
		s.Updated = tx.Now
		return saveServer(tx, s)
	})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) findIPv4(addr string) int {
	for i, a := range s.IPv4 {
		if a.Address == addr {
			return i
		}
	}
	return -1
}
