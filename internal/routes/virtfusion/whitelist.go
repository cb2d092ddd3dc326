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

// WhitelistEntry is an address an interface's IP filter lets through.
type WhitelistEntry struct {
	ID   int64  `json:"id"`
	Type int    `json:"type"` // 4 or 6
	IP   string `json:"ip"`
	Mask int    `json:"mask"`
}

type whitelistInput struct {
	Interface string `json:"interface"`
	IP        string `json:"ip"`
	Cidr      int    `json:"cidr"`
}

// parse checks the address and mask and returns the IP version.
func (in *whitelistInput) parse(withMask bool) (netip.Addr, int, error) {
	addr, err := netip.ParseAddr(in.IP)
	if err != nil || addr.Zone() != "" {
		return addr, 0, apierr.Invalid("The ip field must be a valid IP address.")
	}
	version, bits := 4, 32
	if !addr.Unmap().Is4() {
		version, bits = 6, 128
	}
	if withMask && (in.Cidr < 0 || in.Cidr > bits) {
		return addr, 0, apierr.Invalid(fmt.Sprintf("The cidr field must be between 0 and %d.", bits))
	}
	return addr.Unmap(), version, nil
}

func (p *Provider) addWhitelistAddress(c echo.Context) error {
	var in whitelistInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	addr, version, err := in.parse(true)
	if err != nil {
		return err
	}
	err = provider.World(c).Update(func(tx *state.Tx) error {
		s, err := serverInterface(tx, c, in.Interface)
		if err != nil {
			return err
		}
		for _, e := range s.Whitelist {
			if e.IP == addr.String() {
				return apierr.Invalid("The ip is already on the whitelist.")
			}
		}
		id, err := tx.Coll(Name, collAddresses).NextID()
		if err != nil {
			return err
		}
		s.Whitelist = append(s.Whitelist, WhitelistEntry{ID: int64(id), Type: version, IP: addr.String(), Mask: in.Cidr})
		s.Updated = tx.Now
		return saveServer(tx, s)
	})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusCreated)
}

func (p *Provider) removeWhitelistAddress(c echo.Context) error {
	var in whitelistInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	addr, _, err := in.parse(false)
	if err != nil {
		return err
	}
	err = provider.World(c).Update(func(tx *state.Tx) error {
		s, err := serverInterface(tx, c, in.Interface)
		if err != nil {
			return err
		}
		for i, e := range s.Whitelist {
			if e.IP == addr.String() {
				s.Whitelist = append(s.Whitelist[:i], s.Whitelist[i+1:]...)
				s.Updated = tx.Now
				return saveServer(tx, s)
			}
		}
		return apierr.Invalid("The selected ip is invalid.")
	})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
