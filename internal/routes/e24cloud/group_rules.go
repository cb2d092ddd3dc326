package e24cloud

import (
	"encoding/json"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// Rule is a firewall rule of a group; it applies to every VM in the group. Empty fields are
// "any" (and absent from the rule as shown).
type Rule struct {
	ID        int64  `json:"id"`
	Direction string `json:"direction"` // IN, OUT
	Protocol  string `json:"protocol"`  // TCP, UDP, ICMP, SCTP, ESP, AH, IPIP, GRE; "" for any
	Src       string `json:"src"`       // an address or a CIDR block
	Dst       string `json:"dst"`
	MinPort   int    `json:"minPort"` // TCP, UDP and SCTP only; 0 for any
	MaxPort   int    `json:"maxPort"`
	ICMPType  string `json:"icmpType"` // ICMP only
	ICMPCode  string `json:"icmpCode"`
}

// ruleView is a rule as a group shows it: fields appear only when set, ports and ICMP
// numbers in strings, as the documentation's example quotes them.
type ruleView struct {
	ID         int64   `json:"id"`
	Direction  string  `json:"direction"`
	SrcAddress *string `json:"src_address,omitempty"`
	DstAddress *string `json:"dst_address,omitempty"`
	Protocol   *string `json:"protocol,omitempty"`
	MinPort    *string `json:"min_port,omitempty"`
	MaxPort    *string `json:"max_port,omitempty"`
	ICMPType   *string `json:"icmp_type,omitempty"`
	ICMPCode   *string `json:"icmp_code,omitempty"`
}

func (r *Rule) view() ruleView {
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	port := func(n int) *string {
		if n == 0 {
			return nil
		}
		return opt(strconv.Itoa(n))
	}
	return ruleView{ID: r.ID, Direction: r.Direction, SrcAddress: opt(r.Src), DstAddress: opt(r.Dst), Protocol: opt(r.Protocol),
		MinPort: port(r.MinPort), MaxPort: port(r.MaxPort), ICMPType: opt(r.ICMPType), ICMPCode: opt(r.ICMPCode)}
}

// same reports whether two rules let the same traffic through.
func (r *Rule) same(o *Rule) bool {
	a, b := *r, *o
	a.ID, b.ID = 0, 0
	return a == b
}

type ruleInput struct {
	Direction string          `json:"direction"`
	Protocol  string          `json:"protocol"`
	Src       string          `json:"src_address"`
	Dst       string          `json:"dst_address"`
	MinPort   int             `json:"min_port"`
	MaxPort   int             `json:"max_port"`
	ICMPType  json.RawMessage `json:"icmp_type"` // a number, in a string or not
	ICMPCode  json.RawMessage `json:"icmp_code"`
}

var portProtocols = []string{"TCP", "UDP", "SCTP"}

// rule checks what the schema cannot: addresses, which fields go with which protocol, the
// port range and the ICMP numbers.
func (in *ruleInput) rule() (*Rule, error) {
	r := &Rule{Direction: in.Direction, Protocol: in.Protocol, MinPort: in.MinPort, MaxPort: in.MaxPort,
		ICMPType: rawID(in.ICMPType), ICMPCode: rawID(in.ICMPCode)}
	var msgs []string
	for _, a := range []struct {
		field string
		value *string
		sent  string
	}{{"src_address", &r.Src, in.Src}, {"dst_address", &r.Dst, in.Dst}} {
		s := strings.TrimSpace(a.sent)
		if s == "" {
			continue
		}
		if p, err := netip.ParsePrefix(s); err == nil && p.Addr().Is4() {
			*a.value = p.Masked().String()
		} else if ip, err := netip.ParseAddr(s); err == nil && ip.Is4() {
			*a.value = ip.String()
		} else {
			msgs = append(msgs, "The "+a.field+" field must be an IPv4 address or CIDR block.")
		}
	}
	if r.MinPort != 0 || r.MaxPort != 0 {
		if !slices.Contains(portProtocols, r.Protocol) {
			msgs = append(msgs, "Ports go with protocol TCP, UDP or SCTP only.")
		}
		if r.MinPort == 0 {
			r.MinPort = r.MaxPort
		}
		if r.MaxPort == 0 {
			r.MaxPort = r.MinPort
		}
		if r.MaxPort < r.MinPort {
			msgs = append(msgs, "The max_port field must be at least min_port.")
		}
	}
	if r.ICMPType != "" || r.ICMPCode != "" {
		if r.Protocol != "ICMP" {
			msgs = append(msgs, "icmp_type and icmp_code go with protocol ICMP only.")
		}
		if r.ICMPType == "" {
			msgs = append(msgs, "The icmp_type field is required with icmp_code.")
		}
		for _, v := range []string{r.ICMPType, r.ICMPCode} {
			if n, err := strconv.Atoi(v); v != "" && (err != nil || n < 0 || n > 255) {
				msgs = append(msgs, "icmp_type and icmp_code must be numbers from 0 to 255.")
				break
			}
		}
	}
	if len(msgs) > 0 {
		return nil, apierr.Invalid(msgs...)
	}
	return r, nil
}

// groupAddRule adds a firewall rule to a group; it applies to the group's VMs at once. The
// same rule twice gives 409.
func (p *Provider) groupAddRule(c echo.Context) error {
	var in ruleInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	r, err := in.rule()
	if err != nil {
		return err
	}
	err = provider.World(c).Update(func(tx *state.Tx) error {
		g, err := loadGroup(tx, c.Param("group_id"))
		if err != nil {
			return err
		}
		if slices.ContainsFunc(g.Rules, func(o Rule) bool { return o.same(r) }) {
			return apierr.Conflict("The group already has this rule.")
		}
		id, err := tx.Coll(Name, collRuleIDs).NextID()
		if err != nil {
			return err
		}
		r.ID = int64(id)
		g.Rules = append(g.Rules, *r)
		return saveGroup(tx, g)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Success bool     `json:"success"`
		Rule    ruleView `json:"rule"`
	}{true, r.view()})
}

// groupDeleteRule deletes a firewall rule of a group, by its id.
func (p *Provider) groupDeleteRule(c echo.Context) error {
	var in struct {
		ID int64 `json:"id"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	err := provider.World(c).Update(func(tx *state.Tx) error {
		g, err := loadGroup(tx, c.Param("group_id"))
		if err != nil {
			return err
		}
		n := len(g.Rules)
		g.Rules = slices.DeleteFunc(g.Rules, func(r Rule) bool { return r.ID == in.ID })
		if len(g.Rules) == n {
			return apierr.Invalid("The selected id is invalid.")
		}
		return saveGroup(tx, g)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, succeeded)
}
