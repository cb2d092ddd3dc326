package branding

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// domainPattern is a host name: labels of letters, digits and hyphens, joined by dots.
var domainPattern = regexp.MustCompile(`^(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$`)

// languageCode is a language code such as de, pt-br or zh-hans.
var languageCode = regexp.MustCompile(`^[a-z]{2,3}(-[a-z0-9]{2,4})?$`)

// listBrands answers GET /api/system/brands: the brands whose owners the caller manages (an
// administrator all of them), in id order.
func (g *group) listBrands(c echo.Context) error {
	who := tenantos.CallerOf(c)
	if err := mayBrand(who); err != nil {
		return err
	}
	out := []brandView{}
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		return brands.Each(tx, func(b *Brand) error {
			if tenantos.ManagesID(tx, who.User, b.UserID) {
				out = append(out, viewBrand(b))
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// getBrand answers GET /api/system/brands/{id}: one brand the caller manages (404 otherwise).
func (g *group) getBrand(c echo.Context) error {
	who := tenantos.CallerOf(c)
	if err := mayBrand(who); err != nil {
		return err
	}
	var out brandView
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		b, err := visibleBrand(tx, who.User, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		out = viewBrand(b)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// createBrand answers POST /api/system/brands {domain}: a brand for a domain no other brand
// has (422 otherwise), owned by the acting user, with the panel's defaults.
func (g *group) createBrand(c echo.Context) error {
	who := tenantos.CallerOf(c)
	if err := mayBrand(who); err != nil {
		return err
	}
	var in struct {
		Domain string `json:"domain"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	domain := strings.ToLower(strings.TrimSpace(in.Domain))
	if len(domain) > 253 || !domainPattern.MatchString(domain) {
		return tenantos.Invalid("domain", "The domain must be a valid domain name.")
	}
	var out brandView
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		id, err := brands.NextID(tx)
		if err != nil {
			return err
		}
		b := newBrand(id, who.User.ID, domain, tx.Now)
		if err := putNewBrand(tx, b); err != nil {
			return err
		}
		if err := logBrand(c, tx, b, "Created brand "+b.Domain, nil); err != nil {
			return err
		}
		out = viewBrand(b)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// brandInput is the body of PUT /api/system/brands/{id}; what is not sent stays.
type brandInput struct {
	LoginPageText        *string         `json:"login_page_text"`
	PageTitle            *string         `json:"page_title"`
	TopNavbarHeaderTitle *string         `json:"top_navbar_header_title"`
	ColorScheme          json.RawMessage `json:"color_scheme"`
	UserID               *int64          `json:"user_id"`
	LanguageOverrides    json.RawMessage `json:"languageOverrides"`
	NavbarLogoMaxHeight  *int            `json:"navbar_logo_max_height"`
	LoginLogoMaxHeight   *int            `json:"loginpage_logo_max_height"`
	CardsElevation       *int            `json:"theme_cards_elevation"`
	DefaultThemeMode     *string         `json:"default_theme_mode"`
	AvailableLanguages   *[]Language     `json:"availableLanguages"`
}

// change is one field of a model change in the activity log.
type change struct {
	Original any `json:"original"`
	Changes  any `json:"changes"`
}

// colorScheme checks a colour scheme: an object whose themes (light, dark …) map colour
// names to values. It is kept as sent.
func colorScheme(raw json.RawMessage) (json.RawMessage, error) {
	var themes map[string]json.RawMessage
	if err := json.Unmarshal(raw, &themes); err != nil {
		return nil, tenantos.Invalid("color_scheme", "The color scheme must be an array.")
	}
	for name, t := range themes {
		var colours map[string]string
		if err := json.Unmarshal(t, &colours); err != nil {
			return nil, tenantos.Invalidf("color_scheme."+name, "The color_scheme.%s must be an array of colours.", name)
		}
	}
	return raw, nil
}

// languageOverrides checks overrides: language code → text key → text, or [] for none. Each
// language must be one the brand offers (after this update).
func languageOverrides(raw json.RawMessage, langs []Language) (json.RawMessage, error) {
	if t := bytes.TrimSpace(raw); bytes.Equal(t, []byte("[]")) || bytes.Equal(t, []byte("{}")) {
		return json.RawMessage("[]"), nil
	}
	var m map[string]map[string]string
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, tenantos.Invalid("languageOverrides", "The language overrides must be an array of texts by language.")
	}
	for code := range m {
		known := false
		for _, l := range langs {
			known = known || l.Code == code
		}
		if !known {
			return nil, tenantos.Invalidf("languageOverrides."+code, "The language %s is not offered by the brand.", code)
		}
	}
	out, _ := json.Marshal(m)
	return out, nil
}

// extraLanguages checks the languages of an update: codes such as de or pt-br; English is
// always offered and is not repeated; a code given twice is kept once.
func extraLanguages(list []Language) ([]Language, error) {
	out := []Language{}
	seen := map[string]bool{english.Code: true}
	for i, l := range list {
		code := strings.ToLower(strings.TrimSpace(l.Code))
		if !languageCode.MatchString(code) {
			return nil, tenantos.Invalidf("availableLanguages."+strconv.Itoa(i)+".languageCode", "The availableLanguages.%d.languageCode format is invalid.", i)
		}
		if strings.TrimSpace(l.Name) == "" {
			return nil, tenantos.Invalidf("availableLanguages."+strconv.Itoa(i)+".languageName", "The availableLanguages.%d.languageName field is required.", i)
		}
		if !seen[code] {
			seen[code] = true
			out = append(out, Language{Name: strings.TrimSpace(l.Name), Code: code})
		}
	}
	return out, nil
}

// updateBrand answers PUT /api/system/brands/{id}: the texts, colours, languages, options
// and owner sent change; the rest stays. A new owner must be a user the caller manages.
func (g *group) updateBrand(c echo.Context) error {
	who := tenantos.CallerOf(c)
	if err := mayBrand(who); err != nil {
		return err
	}
	var in brandInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	var flags map[string]json.RawMessage
	if err := json.Unmarshal(provider.Input(c).BodyJSON, &flags); err != nil {
		return tenantos.Invalid("request", "The request body is invalid.")
	}
	for _, h := range []struct {
		name string
		v    *int
	}{{"navbar_logo_max_height", in.NavbarLogoMaxHeight}, {"loginpage_logo_max_height", in.LoginLogoMaxHeight}} {
		if h.v != nil && (*h.v < 1 || *h.v > 500) {
			return tenantos.Invalidf(h.name, "The %s must be between 1 and 500.", strings.ReplaceAll(h.name, "_", " "))
		}
	}
	var out brandView
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		b, err := visibleBrand(tx, who.User, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		changes := map[string]change{}
		set := func(field string, dst *string, v *string) {
			if v != nil && *v != *dst {
				changes[field] = change{*dst, *v}
				*dst = *v
			}
		}
		set("login_page_text", &b.LoginPageText, in.LoginPageText)
		set("page_title", &b.PageTitle, in.PageTitle)
		set("top_navbar_header_title", &b.TopNavbarHeaderTitle, in.TopNavbarHeaderTitle)
		set("default_theme_mode", &b.DefaultThemeMode, in.DefaultThemeMode)
		setInt := func(field string, dst *int, v *int) {
			if v != nil && *v != *dst {
				changes[field] = change{*dst, *v}
				*dst = *v
			}
		}
		setInt("navbar_logo_max_height", &b.NavbarLogoMaxHeight, in.NavbarLogoMaxHeight)
		setInt("loginpage_logo_max_height", &b.LoginLogoMaxHeight, in.LoginLogoMaxHeight)
		setInt("theme_cards_elevation", &b.CardsElevation, in.CardsElevation)
		for _, name := range flagNames {
			raw, ok := flags[name]
			if !ok {
				continue
			}
			var v bool
			if err := json.Unmarshal(raw, &v); err != nil {
				return tenantos.Invalidf(name, "The %s field must be true or false.", strings.ReplaceAll(name, "_", " "))
			}
			if v != b.Flags[name] {
				changes[name] = change{tenantos.Flag(b.Flags[name]), tenantos.Flag(v)}
				if b.Flags == nil {
					b.Flags = map[string]bool{}
				}
				b.Flags[name] = v
			}
		}
		if len(in.ColorScheme) > 0 {
			cs, err := colorScheme(in.ColorScheme)
			if err != nil {
				return err
			}
			changes["color_scheme"] = change{b.ColorScheme, cs}
			b.ColorScheme = cs
		}
		if in.AvailableLanguages != nil {
			langs, err := extraLanguages(*in.AvailableLanguages)
			if err != nil {
				return err
			}
			changes["availableLanguages"] = change{b.Languages, langs}
			b.Languages = langs
		}
		if len(in.LanguageOverrides) > 0 {
			lo, err := languageOverrides(in.LanguageOverrides, b.languages())
			if err != nil {
				return err
			}
			changes["languageOverrides"] = change{b.LanguageOverrides, lo}
			b.LanguageOverrides = lo
		} else if in.AvailableLanguages != nil {
			// Overrides of a language the brand no longer offers are dropped with it.
			var m map[string]json.RawMessage
			if json.Unmarshal(b.LanguageOverrides, &m) == nil {
				for code := range m {
					if code != english.Code && !offers(b.Languages, code) {
						delete(m, code)
					}
				}
				b.LanguageOverrides = json.RawMessage("[]")
				if len(m) > 0 {
					b.LanguageOverrides, _ = json.Marshal(m)
				}
			}
		}
		if in.UserID != nil && *in.UserID != b.UserID {
			if !tenantos.Users.Has(tx, *in.UserID) || !tenantos.ManagesID(tx, who.User, *in.UserID) {
				return tenantos.Invalid("user_id", "The selected user id is invalid.")
			}
			changes["user_id"] = change{b.UserID, *in.UserID}
			b.UserID = *in.UserID
		}
		if len(changes) > 0 {
			b.Updated = tx.Now
			if err := brands.Put(tx, b.ID, b); err != nil {
				return err
			}
			if err := logBrand(c, tx, b, "Updated brand "+b.Domain, changes); err != nil {
				return err
			}
		}
		out = viewBrand(b)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// offers reports whether a language is among langs.
func offers(langs []Language, code string) bool {
	for _, l := range langs {
		if l.Code == code {
			return true
		}
	}
	return false
}

// deleteBrand answers DELETE /api/system/brands/{id}: the brand, its domain and its logos go;
// the domain is free for a new brand.
func (g *group) deleteBrand(c echo.Context) error {
	who := tenantos.CallerOf(c)
	if err := mayBrand(who); err != nil {
		return err
	}
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		b, err := visibleBrand(tx, who.User, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		if err := removeBrand(tx, b); err != nil {
			return err
		}
		return logBrand(c, tx, b, "Deleted brand "+b.Domain, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}
