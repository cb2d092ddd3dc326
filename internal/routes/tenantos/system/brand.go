package system

import (
	"encoding/json"
	"net"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// The interface's titles, colours and texts are a brand's (the branding group's records,
// read here by their stored names: collection "brands", index "brandByDomain"), or the
// panel's own when no brand applies. Decision: the brand of a request is the one whose domain
// is the request's host; failing that, the brand of the nearest owner of the acting user (the
// user itself, its reseller, …, the administrator), the one with the lowest id when an owner
// has several: a reseller's customers see the reseller's brand.

// brandInfo is what the interface needs of a brand.
type brandInfo struct {
	ID                   int64           `json:"id"`
	UserID               int64           `json:"userId"`
	Domain               string          `json:"domain"`
	LoginPageText        string          `json:"loginPageText"`
	TopNavbarHeaderTitle string          `json:"topNavbarHeaderTitle"`
	PageTitle            string          `json:"pageTitle"`
	ColorScheme          json.RawMessage `json:"colorScheme"`       // {light: {…}, dark: {…}}
	LanguageOverrides    json.RawMessage `json:"languageOverrides"` // language → key → text
}

var brandRecords = provider.Records[brandInfo]{Provider: tenantos.Name, Coll: "brands", NotFound: apierr.NotFound("Brand not found.")}

const idxBrandDomain = "brandByDomain"

// brandFor is the brand that applies to the request, nil when none does.
func brandFor(c echo.Context, tx *state.Tx) *brandInfo {
	host := c.Request().Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if raw := tx.Index(tenantos.Name, idxBrandDomain).Get([]byte(strings.ToLower(host))); raw != nil {
		if b, err := brandRecords.Get(tx, int64(state.IDOf(raw))); err == nil {
			return b
		}
	}
	all, err := brandRecords.All(tx)
	if err != nil || len(all) == 0 {
		return nil
	}
	chain := tenantos.OwnerChain(tx, tenantos.CallerOf(c).User.ID)
	for i := len(chain) - 1; i >= 0; i-- {
		var best *brandInfo
		for _, b := range all {
			if b.UserID == chain[i].ID && (best == nil || b.ID < best.ID) {
				best = b
			}
		}
		if best != nil {
			return best
		}
	}
	return nil
}

// theme is one mode of a brand's colour scheme, or def.
func (b *brandInfo) theme(mode string, def map[string]string) any {
	var cs map[string]json.RawMessage
	if json.Unmarshal(b.ColorScheme, &cs) == nil {
		var m map[string]any
		if json.Unmarshal(cs[mode], &m) == nil && len(m) > 0 {
			return m
		}
	}
	return def
}

// overrides are the brand's texts of a language, replacing the panel's.
func (b *brandInfo) overrides(lang string) map[string]string {
	var all map[string]map[string]string
	if json.Unmarshal(b.LanguageOverrides, &all) != nil {
		return nil
	}
	return all[lang]
}
