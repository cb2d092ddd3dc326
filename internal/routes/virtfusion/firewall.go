package virtfusion

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// errNoInterface: servers have one (primary) interface; "secondary" names none.
var errNoInterface = apierr.NotFound("interface not found")

// firewallRuleView is an applied rule as the firewall and the server object show it.
type firewallRuleView struct {
	ID        int64   `json:"id"`
	RulesetID int64   `json:"rulesetId"`
	Position  int     `json:"position"`
	Direction string  `json:"direction"`
	Action    string  `json:"action"`
	Protocol  string  `json:"protocol"`
	Port      *string `json:"port"`
	Source    string  `json:"source"`
	Comment   string  `json:"comment"`
}

type firewallView struct {
	Enabled bool               `json:"enabled"`
	Rules   []firewallRuleView `json:"rules"`
}

// serverInterface loads a server for an interface operation; only "primary" exists.
func serverInterface(tx *state.Tx, c echo.Context, iface string) (*Server, error) {
	s, err := loadServer(tx, provider.PathInt(c, "serverId"))
	if err != nil {
		return nil, err
	}
	if iface != "" && iface != "primary" {
		return nil, errNoInterface
	}
	return s, nil
}

// firewallRules lists the rules of the rulesets applied to a server, in order.
func firewallRules(tx *state.Tx, s *Server) ([]firewallRuleView, error) {
	out := []firewallRuleView{}
	for _, id := range s.Rulesets {
		var r Ruleset
		if err := tx.Coll(Name, collRulesets).Get(state.ID(uint64(id)), &r); err != nil {
			continue // a ruleset removed from the panel no longer applies
		}
		for _, rule := range r.Rules {
			out = append(out, firewallRuleView{ID: r.ID*100 + int64(len(out)+1), RulesetID: r.ID, Position: len(out) + 1,
				Direction: rule.Direction, Action: rule.Action, Protocol: rule.Protocol, Port: rule.Port, Source: rule.Source, Comment: rule.Comment})
		}
	}
	return out, nil
}

func (p *Provider) getFirewall(c echo.Context) error {
	var v firewallView
	err := provider.World(c).View(func(tx *state.Tx) error {
		s, err := serverInterface(tx, c, provider.PathString(c, "interface"))
		if err != nil {
			return err
		}
		v.Enabled = s.FirewallEnabled
		v.Rules, err = firewallRules(tx, s)
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, data{v})
}

func (p *Provider) enableFirewall(c echo.Context) error  { return p.setFirewall(c, true) }
func (p *Provider) disableFirewall(c echo.Context) error { return p.setFirewall(c, false) }

// setFirewall turns an interface's firewall on or off (rules are kept either way).
func (p *Provider) setFirewall(c echo.Context, on bool) error {
	err := provider.World(c).Update(func(tx *state.Tx) error {
		s, err := serverInterface(tx, c, provider.PathString(c, "interface"))
		if err != nil {
			return err
		}
		s.FirewallEnabled, s.Updated = on, tx.Now
		return saveServer(tx, s)
	})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusOK)
}

var errRulesetsRequired = apierr.Invalid("The rulesets field is required.")

type rulesetsInput struct {
	Rulesets []int64 `json:"rulesets"`
	Rules    []int64 `json:"rules"` // the PHP and Python SDKs' spelling
}

// applyFirewallRulesets flushes the interface's rules and applies the given rulesets.
func (p *Provider) applyFirewallRulesets(c echo.Context) error {
	var in rulesetsInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	ids := in.Rulesets
	if ids == nil && in.Rules != nil {
		if err := provider.Lenient(c, "VirtFusion takes rulesets; rules (the PHP and Python SDKs' spelling) is panelsim's alias for it",
			errRulesetsRequired); err != nil {
			return err
		}
		ids = in.Rules
	}
	if ids == nil {
		return errRulesetsRequired
	}
	err := provider.World(c).Update(func(tx *state.Tx) error {
		s, err := serverInterface(tx, c, provider.PathString(c, "interface"))
		if err != nil {
			return err
		}
		if s.Rulesets, err = checkRulesets(tx, ids); err != nil {
			return err
		}
		s.Updated = tx.Now
		return saveServer(tx, s)
	})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusCreated)
}
