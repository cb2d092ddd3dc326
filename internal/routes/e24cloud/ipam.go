package e24cloud

import (
	"encoding/binary"
	"net/netip"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/state"
)

var errPoolExhausted = apierr.Conflict("No free IPv4 address left in the zone.")

func addrUint(s string) uint32 {
	a := netip.MustParseAddr(s).As4()
	return binary.BigEndian.Uint32(a[:])
}

func uintAddr(n uint32) string {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], n)
	return netip.AddrFrom4(b).String()
}

// newAddress takes the zone's next free address and stores it as a free-standing IPv4
// (attached to nothing); id makes its id from its sequence number, with the caller's faker,
// so that it is reproducible.
func newAddress(tx *state.Tx, zoneID string, id func(seq uint64) string) (*IPv4, error) {
	var z Zone
	if err := getRecord(tx, collZones, state.Key(zoneID), &z, errZoneNotFound); err != nil {
		return nil, err
	}
	if z.Exhausted {
		return nil, errPoolExhausted
	}
	idx := tx.Index(Name, idxAddress)
	lo, hi := addrUint(z.Pool.Start), addrUint(z.Pool.End)
	size := int(hi-lo) + 1
	for tries := 0; tries < size; tries++ {
		addr := uintAddr(lo + uint32(z.Next%size))
		z.Next = (z.Next + 1) % size
		if idx.Get([]byte(addr)) != nil {
			continue
		}
		seq, err := tx.Coll(Name, collIPs).NextID()
		if err != nil {
			return nil, err
		}
		ip := &IPv4{ID: id(seq), Address: addr, ZoneID: zoneID, DHCP: true, Seq: seq, Created: tx.Now}
		if err := idx.Put([]byte(addr), []byte(ip.ID)); err != nil {
			return nil, err
		}
		if err := putRecord(tx, collZones, state.Key(z.ID), &z); err != nil {
			return nil, err
		}
		return ip, putRecord(tx, collIPs, state.Key(ip.ID), ip)
	}
	return nil, errPoolExhausted
}

// releaseAddress deletes an address record and frees it in the zone's pool.
func releaseAddress(tx *state.Tx, ip *IPv4) error {
	if err := tx.Index(Name, idxAddress).Delete([]byte(ip.Address)); err != nil {
		return err
	}
	return tx.Coll(Name, collIPs).Delete(state.Key(ip.ID))
}

// hasFreeAddress reports whether the zone's pool can still hand out an address.
func hasFreeAddress(tx *state.Tx, z *Zone) bool {
	if z.Exhausted {
		return false
	}
	lo, hi := addrUint(z.Pool.Start), addrUint(z.Pool.End)
	return tx.Index(Name, idxAddress).Count() < int(hi-lo)+1
}
