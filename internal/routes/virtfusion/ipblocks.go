package virtfusion

import (
	"encoding/json"
	"net/http"
	"net/netip"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

var errIPBlockNotFound = apierr.NotFound("ip block not found")

// ipBlockView is a block as /connectivity/ipblocks shows it: totals, used and free counts
// are the block's real assignments.
type ipBlockView struct {
	ID   int64  `json:"id"`
	Type int    `json:"type"`
	Name string `json:"name"`
	IPv4 struct {
		Gateway   *string   `json:"gateway"`
		Netmask   *string   `json:"netmask"`
		Resolvers resolvers `json:"resolvers"`
		Total     int       `json:"total"`
		UsedTotal int       `json:"usedTotal"`
		FreeTotal int       `json:"freeTotal"`
	} `json:"ipv4"`
	IPv6 struct {
		Gateway          *string   `json:"gateway"`
		Resolvers        resolvers `json:"resolvers"`
		Subnet           *string   `json:"subnet"`
		From             int       `json:"from"`
		To               int       `json:"to"`
		Restricted       []any     `json:"restricted"`
		Total            int       `json:"total"`
		GeneratedTotal   int       `json:"generatedTotal"`
		UsedTotal        int       `json:"usedTotal"`
		FreeTotal        int       `json:"freeTotal"`
		FreeGenerated    int       `json:"freeGenerated"`
		BlacklistedTotal int       `json:"blacklistedTotal"`
	} `json:"ipv6"`
	RDNSType       int    `json:"rdnsType"`
	RDNSZoneID     *int64 `json:"rdnsZoneId"`
	NetworkProfile int    `json:"networkProfile"`
	RouteBlock     *int64 `json:"routeBlock"`
	DHCP           int    `json:"dhcp"`
	Enabled        bool   `json:"enabled"`
	Created        string `json:"created"`
	Updated        string `json:"updated"`
}

type resolvers struct {
	Primary   *string `json:"primary"`
	Secondary *string `json:"secondary"`
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func viewIPBlock(b *IPBlock) ipBlockView {
	v := ipBlockView{ID: b.ID, Type: b.Type, Name: b.Name, DHCP: 1, Enabled: b.Enabled,
		Created: fmtTime(b.Created, tsOffset), Updated: fmtTime(b.Updated, tsOffset)}
	total, used := b.total(), b.Used
	rs := resolvers{Primary: strPtr(b.resolver(0)), Secondary: strPtr(b.resolver(1))}
	v.IPv6.From, v.IPv6.To, v.IPv6.Restricted = 48, 64, []any{}
	if b.Type == 6 {
		v.IPv6.Gateway, v.IPv6.Resolvers, v.IPv6.Subnet = strPtr(b.Gateway), rs, strPtr(b.Subnet)
		v.IPv6.From, v.IPv6.To = b.Prefix, b.Cidr
		v.IPv6.Total, v.IPv6.GeneratedTotal, v.IPv6.UsedTotal = total, total, used
		v.IPv6.FreeTotal, v.IPv6.FreeGenerated = b.free(), b.free()
		return v
	}
	v.IPv4.Gateway, v.IPv4.Netmask, v.IPv4.Resolvers = strPtr(b.Gateway), strPtr(b.Netmask), rs
	v.IPv4.Total, v.IPv4.UsedTotal, v.IPv4.FreeTotal = total, used, b.free()
	return v
}

func (p *Provider) listIPBlocks(c echo.Context) error {
	req := provider.PageParams(c, "results", 20)
	var items []ipBlockView
	var total int
	err := provider.World(c).View(func(tx *state.Tx) error {
		coll := tx.Coll(Name, collIPBlocks)
		total = coll.Count()
		return coll.Page(req.Offset(), req.PerPage, func(_, raw []byte) error {
			var b IPBlock
			if err := json.Unmarshal(raw, &b); err != nil {
				return err
			}
			items = append(items, viewIPBlock(&b))
			return nil
		})
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, provider.NewPage(c, req, items, total))
}

func (p *Provider) getIPBlock(c echo.Context) error {
	var b IPBlock
	err := provider.World(c).View(func(tx *state.Tx) error {
		return get(tx, collIPBlocks, provider.PathInt(c, "blockId"), &b, errIPBlockNotFound)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, data{viewIPBlock(&b)})
}

// maxRange is the most addresses one request may add to a block.
const maxRange = 65536

// addIPBlockRange adds an IPv4 range to a block. The range must not overlap a range of any
// block, so that no address can be handed out twice.
func (p *Provider) addIPBlockRange(c echo.Context) error {
	var in struct {
		Start string `json:"start"`
		End   string `json:"end"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	start, err1 := netip.ParseAddr(in.Start)
	end, err2 := netip.ParseAddr(in.End)
	var msgs []string
	if err1 != nil || !start.Is4() {
		msgs = append(msgs, "The start field must be a valid IPv4 address.")
	}
	if err2 != nil || !end.Is4() {
		msgs = append(msgs, "The end field must be a valid IPv4 address.")
	}
	if len(msgs) == 0 && (end.Less(start) || ipv4Uint(end.String())-ipv4Uint(start.String()) >= maxRange) {
		msgs = append(msgs, "The end field must be an address after start, at most 65536 addresses on.")
	}
	if len(msgs) > 0 {
		return apierr.Invalid(msgs...)
	}
	err := provider.World(c).Update(func(tx *state.Tx) error {
		var b IPBlock
		if err := get(tx, collIPBlocks, provider.PathInt(c, "blockId"), &b, errIPBlockNotFound); err != nil {
			return err
		}
		if b.Type != 4 {
			return apierr.Invalid("IPv4 ranges can only be added to an IPv4 block.")
		}
		lo, hi := ipv4Uint(start.String()), ipv4Uint(end.String())
		err := tx.Coll(Name, collIPBlocks).ForEach(func(_, raw []byte) error {
			var other IPBlock
			if err := json.Unmarshal(raw, &other); err != nil {
				return err
			}
			for _, r := range other.Ranges {
				if lo <= ipv4Uint(r.End) && ipv4Uint(r.Start) <= hi {
					return apierr.Invalid("The range overlaps addresses already in IP block " + other.Name + ".")
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		b.Ranges = append(b.Ranges, IPRange{Start: start.String(), End: end.String()})
		b.Updated = tx.Now
		return put(tx, collIPBlocks, b.ID, &b)
	})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
