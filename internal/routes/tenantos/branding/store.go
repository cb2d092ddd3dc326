package branding

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// Brand is a white-label brand: the panel's texts, colours, languages, layout options and
// logos under one domain.
type Brand struct {
	ID                   int64           `json:"id"`
	UserID               int64           `json:"userId"` // the owner
	Domain               string          `json:"domain"`
	LoginPageText        string          `json:"loginPageText"`
	TopNavbarHeaderTitle string          `json:"topNavbarHeaderTitle"`
	PageTitle            string          `json:"pageTitle"`
	ColorScheme          json.RawMessage `json:"colorScheme"`       // {light: {…}, dark: {…}}
	LanguageOverrides    json.RawMessage `json:"languageOverrides"` // language → key → text
	Flags                map[string]bool `json:"flags"`             // the boolean options, by their API names
	NavbarLogoMaxHeight  int             `json:"navbarLogoMaxHeight"`
	LoginLogoMaxHeight   int             `json:"loginpageLogoMaxHeight"`
	CardsElevation       int             `json:"themeCardsElevation"`
	DefaultThemeMode     string          `json:"defaultThemeMode"`
	Languages            []Language      `json:"languages"` // besides English
	Logos                map[string]Logo `json:"logos"`     // lightlogo, darklogo, favicon
	Created              time.Time       `json:"created"`
	Updated              time.Time       `json:"updated"`
}

// Language is a language a brand offers.
type Language struct {
	Name string `json:"languageName"`
	Code string `json:"languageCode"`
}

// Logo is an uploaded logo; its bytes are kept apart (logoKey).
type Logo struct {
	Path     string `json:"path"` // publicPath
	Size     int    `json:"size"`
	MimeType string `json:"mimetype"`
}

// logoData is a logo's content.
type logoData struct {
	Data []byte `json:"data"`
}

var errBrandNotFound = apierr.NotFound("Brand not found.")

// brands are the world's brands; idxDomain finds one by its (lower-case) domain; logoColl
// holds the logos' bytes under "<brand id>/<kind>". The system group reads brands by these
// stored names (collection, index and the JSON names of Brand's fields: system/brand.go) for
// the interface's texts and colours: keep them.
var brands = provider.Records[Brand]{Provider: tenantos.Name, Coll: "brands", NotFound: errBrandNotFound}

const (
	idxDomain = "brandByDomain"
	logoColl  = "brandLogoData"
)

// flagNames are the boolean options of a brand, in the documented order.
var flagNames = []string{"navbar_text_instead_logo", "navbar_logo_always_dark", "loginpage_text_instead_logo",
	"loginpage_logo_always_dark", "loginpage_logo_above_form", "loginpage_show_text_within_form", "theme_flat_buttons",
	"theme_cards_outlined", "theme_top_bar_full_length", "theme_serverpage_notes_importantNotes_showOnTop"}

// logoKinds are the logos a brand has, in the documented order.
var logoKinds = []string{"favicon", "lightlogo", "darklogo"}

// english is the language every brand offers.
var english = Language{Name: "English", Code: "en-us"}

// defaultColorScheme is the panel's own colour scheme, which a new brand starts with.
var defaultColorScheme = json.RawMessage(`{"light":{"primary":"#0C47A0","secondary":"#424242","accent":"#82B1FF","error":"#FF5252","info":"#2196F3","success":"#4CAF50","warning":"#FB8C00"},"dark":{"primary":"#536DFE","secondary":"#424242","accent":"#FF4081","error":"#FF5252","info":"#2196F3","success":"#4CAF50","warning":"#FB8C00"}}`)

// defaultTexts are some of the panel's English texts by key, which languageData shows with a
// brand's overrides applied.
var defaultTexts = map[string]string{
	"common_table_nodata_reload": "No data available. Reload?",
	"common_button_save":         "Save",
	"common_button_cancel":       "Cancel",
	"login_form_username":        "Username",
	"login_form_password":        "Password",
	"login_form_submit":          "Login",
}

// newBrand is a brand for domain, owned by user, with the panel's defaults.
func newBrand(id, user int64, domain string, now time.Time) *Brand {
	return &Brand{ID: id, UserID: user, Domain: domain, LoginPageText: "Server Management", TopNavbarHeaderTitle: "Tenantos",
		PageTitle: "Control", ColorScheme: defaultColorScheme, LanguageOverrides: json.RawMessage("[]"),
		Flags: map[string]bool{"navbar_logo_always_dark": true}, NavbarLogoMaxHeight: 30, LoginLogoMaxHeight: 40, CardsElevation: 3,
		DefaultThemeMode: "light", Languages: []Language{}, Logos: map[string]Logo{}, Created: now, Updated: now}
}

// domainKey is the key of a domain in idxDomain.
func domainKey(d string) []byte { return []byte(strings.ToLower(d)) }

// logoKey is the key of a brand's logo in logoColl.
func logoKey(brand int64, kind string) []byte { return []byte(fmt.Sprintf("%d/%s", brand, kind)) }

// mayBrand refuses end users: brands are for administrators and resellers.
func mayBrand(who *tenantos.Caller) error {
	if who.User.RoleID == tenantos.RoleUser {
		return tenantos.ErrForbidden
	}
	return nil
}

// visibleBrand loads a brand whose owner the acting user manages; any other is 404.
func visibleBrand(tx *tenantos.Tx, who *tenantos.User, id int64) (*Brand, error) {
	b, err := brands.Get(tx, id)
	if err != nil {
		return nil, err
	}
	if !tenantos.ManagesID(tx, who, b.UserID) {
		return nil, errBrandNotFound
	}
	return b, nil
}

// removeBrand deletes a brand with its domain and logos.
func removeBrand(tx *tenantos.Tx, b *Brand) error {
	for kind := range b.Logos {
		if err := tx.Coll(tenantos.Name, logoColl).Delete(logoKey(b.ID, kind)); err != nil {
			return err
		}
	}
	if err := tx.Index(tenantos.Name, idxDomain).Delete(domainKey(b.Domain)); err != nil {
		return err
	}
	return brands.Delete(tx, b.ID)
}

// putNewBrand stores a new brand with its domain; a domain taken is refused.
func putNewBrand(tx *tenantos.Tx, b *Brand) error {
	idx := tx.Index(tenantos.Name, idxDomain)
	if idx.Get(domainKey(b.Domain)) != nil {
		return tenantos.Invalid("domain", "The domain has already been taken.")
	}
	if err := idx.Put(domainKey(b.Domain), state.ID(uint64(b.ID))); err != nil {
		return err
	}
	return brands.Put(tx, b.ID, b)
}

// logBrand writes an activity entry about a brand.
func logBrand(c echo.Context, tx *tenantos.Tx, b *Brand, desc string, changes any) error {
	return tenantos.LogActivity(c, tx, tenantos.LogEntry{RelationType: "system", RootType: "brands", RootID: b.ID,
		Description: desc, Changes: changes, MetaHref: fmt.Sprintf("/system/brands/%d", b.ID), MetaText: b.Domain})
}
