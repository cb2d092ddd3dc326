// Package branding is the Tenantos operations on brands: white-label domains with texts,
// colours and logos.
//
// A brand is the panel's look under one domain: its texts (login page, page title, navbar
// title), colour scheme, language overrides and extra languages, layout flags and three
// logos (light, dark, favicon). Brands belong to a user: the one who made it, or the user
// given as user_id; the domain is unique across the panel.
//
// Decisions where the documentation is silent:
//   - brands are for administrators and resellers (every role but the default end-user role
//     3, as for sub-users); end users get 403 on every operation;
//   - a brand is seen and changed by whoever manages its owner (an administrator every
//     brand, a reseller its own and those of the users below it); any other brand is 404;
//   - a new brand has the panel's defaults (the texts, colours and flags of the vendor's
//     example); availableLanguages always starts with English, the languages given by an
//     update follow it; languageData is each language's texts with the overrides applied;
//   - logos are images (jpeg, png, gif, bmp, svg, webp) of at most 512 KB; their bytes are
//     kept in the store and shown as /storage/brands/{id}/logos/{kind}_{hash}.{ext}; an upload
//     without files changes nothing.
package branding

import (
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// group holds the provider for the handlers, which are named after their operations.
type group struct {
	p *tenantos.Provider
}

// Routes is the group's route table: one handler per operation, named after it.
func Routes(p *tenantos.Provider) map[string]echo.HandlerFunc {
	g := &group{p: p}
	return map[string]echo.HandlerFunc{
		"listBrands":       g.listBrands,
		"createBrand":      g.createBrand,
		"getBrand":         g.getBrand,
		"updateBrand":      g.updateBrand,
		"deleteBrand":      g.deleteBrand,
		"uploadBrandLogos": g.uploadBrandLogos,
		"deleteBrandLogos": g.deleteBrandLogos,
	}
}
