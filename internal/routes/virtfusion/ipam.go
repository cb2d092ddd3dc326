package virtfusion

import (
	"encoding/binary"
	"fmt"
	"math/big"
	"net/netip"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/state"
)

// IPv4Assign is an IPv4 address given to a server.
type IPv4Assign struct {
	ID      int64  `json:"id"`
	BlockID int64  `json:"blockId"`
	Address string `json:"address"`
	Order   int    `json:"order"`
}

// IPv6Assign is an IPv6 subnet given to a server.
type IPv6Assign struct {
	ID      int64  `json:"id"`
	BlockID int64  `json:"blockId"`
	Subnet  string `json:"subnet"`
	Cidr    int    `json:"cidr"`
	Order   int    `json:"order"`
}

func ipv4Uint(s string) uint32 {
	a := netip.MustParseAddr(s).As4()
	return binary.BigEndian.Uint32(a[:])
}

func uintIPv4(n uint32) string {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], n)
	return netip.AddrFrom4(b).String()
}

// total is how many addresses (IPv4) or subnets (IPv6) the block holds.
func (b *IPBlock) total() int {
	if b.Type == 6 {
		bits := b.Cidr - b.Prefix
		if bits > 30 {
			return 1 << 30
		}
		return 1 << bits
	}
	n := 0
	for _, r := range b.Ranges {
		n += int(ipv4Uint(r.End)-ipv4Uint(r.Start)) + 1
	}
	return n
}

// free is how many addresses (subnets) the block can still hand out.
func (b *IPBlock) free() int {
	if !b.Enabled || b.Exhausted {
		return 0
	}
	return b.total() - b.Used
}

// at is the i-th address (IPv4) or subnet (IPv6) of the block.
func (b *IPBlock) at(i int) string {
	if b.Type == 6 {
		base := netip.MustParseAddr(b.Subnet).As16()
		n := new(big.Int).SetBytes(base[:])
		n.Add(n, new(big.Int).Lsh(big.NewInt(int64(i)), uint(128-b.Cidr)))
		var out [16]byte
		n.FillBytes(out[:])
		return netip.AddrFrom16(out).String()
	}
	for _, r := range b.Ranges {
		size := int(ipv4Uint(r.End)-ipv4Uint(r.Start)) + 1
		if i < size {
			return uintIPv4(ipv4Uint(r.Start) + uint32(i))
		}
		i -= size
	}
	return ""
}

func loadBlocks(tx *state.Tx, ids []int64) ([]*IPBlock, error) {
	out := make([]*IPBlock, 0, len(ids))
	for _, id := range ids {
		var b IPBlock
		if err := get(tx, collIPBlocks, id, &b, fmt.Errorf("ip block %d missing", id)); err != nil {
			return nil, err
		}
		out = append(out, &b)
	}
	return out, nil
}

// freeIPv4 counts the free addresses of a hypervisor's IPv4 blocks.
func freeIPv4(tx *state.Tx, h *Hypervisor) (int, error) {
	free := 0
	for _, id := range h.IPv4Blocks {
		var b IPBlock
		if err := peek(tx, collIPBlocks, id, &b, fmt.Errorf("ip block %d missing", id)); err != nil {
			return 0, err
		}
		free += b.free()
	}
	return free, nil
}

// errNoAddress is the refusal when a hypervisor's blocks have no free address left.
var errNoAddress = apierr.Invalid("Not enough free IPv4 addresses on the hypervisor's IP blocks.")

// allocate takes the next n free addresses (IPv4) or subnets (IPv6) from blocks for server,
// recording each in the index so that no other server can get it.
func allocate(tx *state.Tx, blocks []*IPBlock, index string, n int, server int64, first int) ([]IPv4Assign, error) {
	var out []IPv4Assign
	idx := tx.Index(Name, index)
	for _, b := range blocks {
		total := b.total()
		for tries := 0; len(out) < n && b.free() > 0 && tries < total; tries++ {
			addr := b.at(b.Next % total)
			b.Next = (b.Next + 1) % total
			if idx.Get([]byte(addr)) != nil {
				continue
			}
			if err := idx.Put([]byte(addr), state.ID(uint64(server))); err != nil {
				return nil, err
			}
			id, err := tx.Coll(Name, collAddresses).NextID()
			if err != nil {
				return nil, err
			}
			b.Used++
			out = append(out, IPv4Assign{ID: int64(id), BlockID: b.ID, Address: addr, Order: first + len(out)})
		}
		if err := put(tx, collIPBlocks, b.ID, b); err != nil {
			return nil, err
		}
		if len(out) == n {
			break
		}
	}
	if len(out) < n {
		return nil, errNoAddress
	}
	return out, nil
}

// allocateIPv4 gives a server n addresses from its hypervisor's blocks.
func allocateIPv4(tx *state.Tx, h *Hypervisor, n int, server int64, first int) ([]IPv4Assign, error) {
	if n == 0 {
		return nil, nil
	}
	blocks, err := loadBlocks(tx, h.IPv4Blocks)
	if err != nil {
		return nil, err
	}
	return allocate(tx, blocks, idxIPv4, n, server, first)
}

// allocateIPv6 gives a server one subnet from its hypervisor's IPv6 blocks.
func allocateIPv6(tx *state.Tx, h *Hypervisor, server int64) (*IPv6Assign, error) {
	blocks, err := loadBlocks(tx, h.IPv6Blocks)
	if err != nil || len(blocks) == 0 {
		return nil, err
	}
	got, err := allocate(tx, blocks, idxIPv6, 1, server, 1)
	if err != nil {
		return nil, apierr.Invalid("No free IPv6 subnet on the hypervisor's IP blocks.")
	}
	var cidr int
	for _, b := range blocks {
		if b.ID == got[0].BlockID {
			cidr = b.Cidr
		}
	}
	return &IPv6Assign{ID: got[0].ID, BlockID: got[0].BlockID, Subnet: got[0].Address, Cidr: cidr, Order: 1}, nil
}

// release gives addresses (or subnets) back to their blocks.
func release(tx *state.Tx, index string, blockAddrs map[int64][]string) error {
	idx := tx.Index(Name, index)
	for blockID, addrs := range blockAddrs {
		var b IPBlock
		if err := get(tx, collIPBlocks, blockID, &b, fmt.Errorf("ip block %d missing", blockID)); err != nil {
			return err
		}
		for _, a := range addrs {
			if idx.Get([]byte(a)) != nil {
				if err := idx.Delete([]byte(a)); err != nil {
					return err
				}
				b.Used--
			}
		}
		if err := put(tx, collIPBlocks, b.ID, &b); err != nil {
			return err
		}
	}
	return nil
}
