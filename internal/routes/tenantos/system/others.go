package system

import (
	"strings"
	"time"
	_ "time/tzdata" // time zones are the same wherever the simulator runs

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// The panel's version as the vendor's example shows it: the simulator is that release, with
// no update out.
const (
	appVersion      = "1.0.36"
	changelogLink   = "https://documentation.tenantos.com/changelog/Tenantos/"
	frontendVersion = "897701fbf2f63c25509aa6f5d846e00430b3090dda1cb121b1a4f94391691e48"
)

// ping answers "pong": the API is reachable.
func (g *group) ping(c echo.Context) error { return tenantos.OK(c, "pong") }

type versionView struct {
	AppVersion       string `json:"app_version"`
	AppChangelogLink string `json:"app_changelog_link"`
	UpdateAvailable  int    `json:"updateAvailable"`
	UpdateVersion    string `json:"updateVersion"`
}

// getSystemVersion answers the panel's version and whether an update is out. Who may call it
// and which of its fields they see is the role's (system.version and the
// system.apiOutput.param.* permissions, applied by the access rules).
func (g *group) getSystemVersion(c echo.Context) error {
	return tenantos.OK(c, versionView{AppVersion: appVersion, AppChangelogLink: changelogLink, UpdateAvailable: 0,
		UpdateVersion: appVersion})
}

// getUiVersion answers the front end's build hash.
func (g *group) getUiVersion(c echo.Context) error {
	return tenantos.OK(c, map[string]string{"frontend_version": frontendVersion})
}

// listTimezones lists the time zones a user may choose (the ones accounts accept).
func (g *group) listTimezones(c echo.Context) error { return tenantos.OK(c, timezones) }

// isTimezone reports whether tz is a time zone of the list.
func isTimezone(tz string) bool {
	for _, z := range timezones {
		if z == tz {
			return true
		}
	}
	return false
}

// dateFormats are the date and time formats a user may choose (moment.js tokens).
var dateFormats = []string{
	"DD.MM.YYYY HH:mm:ss", "DD/MM/YYYY HH:mm:ss", "DD-MM-YYYY HH:mm:ss",
	"MM.DD.YYYY HH:mm:ss", "MM/DD/YYYY HH:mm:ss", "MM-DD-YYYY HH:mm:ss",
	"YYYY.MM.DD HH:mm:ss", "YYYY/MM/DD HH:mm:ss", "YYYY-MM-DD HH:mm:ss",
}

func isDateFormat(f string) bool {
	for _, x := range dateFormats {
		if x == f {
			return true
		}
	}
	return false
}

// momentFormat writes t in a format of dateFormats.
func momentFormat(t time.Time, f string) string {
	r := strings.NewReplacer("YYYY", "2006", "MM", "01", "DD", "02", "HH", "15", "mm", "04", "ss", "05")
	return t.Format(r.Replace(f))
}

type formatView struct {
	Format  string `json:"format"`
	Example string `json:"example"`
}

// listTimeDateFormats lists the formats with an example each: the world's time now, in the
// acting user's time zone.
func (g *group) listTimeDateFormats(c echo.Context) error {
	now := provider.World(c).Now()
	if loc, err := time.LoadLocation(tenantos.CallerOf(c).User.Timezone); err == nil {
		now = now.In(loc)
	}
	out := make([]formatView, 0, len(dateFormats))
	for _, f := range dateFormats {
		out = append(out, formatView{Format: f, Example: momentFormat(now, f)})
	}
	return tenantos.OK(c, out)
}

// uiSettingsView is what the login page needs: the brand's titles and colours.
type uiSettingsView struct {
	TopNavbarHeaderTitle string `json:"top_navbar_header_title"`
	PageTitle            string `json:"page_title"`
	LoginPageText        string `json:"login_page_text"`
	ThemeDark            any    `json:"theme_dark"`
	ThemeLight           any    `json:"theme_light"`
}

// The panel's own brand: the vendor's example, with the rest of a Vuetify theme.
var (
	defaultDark = map[string]string{"primary": "#536DFE", "secondary": "#424242", "accent": "#FF4081", "error": "#FF5252",
		"info": "#2196F3", "success": "#4CAF50", "warning": "#FB8C00"}
	defaultLight = map[string]string{"primary": "#0C47A0", "secondary": "#424242", "accent": "#82B1FF", "error": "#FF5252",
		"info": "#2196F3", "success": "#4CAF50", "warning": "#FB8C00"}
)

// getUiSettings answers the interface's titles and colours: those of the brand that applies
// (brand.go), or the panel's own.
func (g *group) getUiSettings(c echo.Context) error {
	out := uiSettingsView{TopNavbarHeaderTitle: "Tenantos", PageTitle: "Control", LoginPageText: "Server Management",
		ThemeDark: defaultDark, ThemeLight: defaultLight}
	err := provider.World(c).View(func(tx *state.Tx) error {
		b := brandFor(c, tx)
		if b == nil {
			return nil
		}
		pick := func(s, def string) string {
			if strings.TrimSpace(s) == "" {
				return def
			}
			return s
		}
		out.TopNavbarHeaderTitle = pick(b.TopNavbarHeaderTitle, out.TopNavbarHeaderTitle)
		out.PageTitle = pick(b.PageTitle, out.PageTitle)
		out.LoginPageText = pick(b.LoginPageText, out.LoginPageText)
		out.ThemeDark, out.ThemeLight = b.theme("dark", defaultDark), b.theme("light", defaultLight)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// languages are the languages the interface has texts in.
var languages = []string{"en-us", "de-de"}

// uiTexts are the interface's texts by language (a sample of the panel's language files: the
// table and login texts).
var uiTexts = map[string]map[string]string{
	"en-us": {
		"common_table_nodata_reload":      "No data available. Reload?",
		"common_table_placeholder_search": "Search...",
		"common_button_save":              "Save",
		"common_button_cancel":            "Cancel",
		"common_button_delete":            "Delete",
		"login_username":                  "Username",
		"login_password":                  "Password",
		"login_button":                    "Login",
		"servers_title":                   "Servers",
		"servers_power_on":                "Power on",
		"servers_power_off":               "Power off",
		"servers_reinstall":               "Reinstallation",
	},
	"de-de": {
		"common_table_nodata_reload":      "Keine Daten vorhanden. Neu laden?",
		"common_table_placeholder_search": "Suchen...",
		"common_button_save":              "Speichern",
		"common_button_cancel":            "Abbrechen",
		"common_button_delete":            "Löschen",
		"login_username":                  "Benutzername",
		"login_password":                  "Passwort",
		"login_button":                    "Anmelden",
		"servers_title":                   "Server",
		"servers_power_on":                "Einschalten",
		"servers_power_off":               "Ausschalten",
		"servers_reinstall":               "Neuinstallation",
	},
}

// getUiLanguage answers the interface's texts in the acting user's language (the panel's
// default language, a global setting, when the user's is one the panel has no texts in),
// keyed by the language's code as the vendor's example is, with the overrides of the brand
// that applies (brand.go).
func (g *group) getUiLanguage(c echo.Context) error {
	lang := language(tenantos.CallerOf(c).User.Language)
	texts := map[string]string{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		if lang == "" {
			lang = language(tenantos.Setting(tx, "default_language", "en-us"))
		}
		if lang == "" {
			lang = "en-us"
		}
		for k, v := range uiTexts[lang] {
			texts[k] = v
		}
		if b := brandFor(c, tx); b != nil {
			for _, code := range []string{short(lang), lang} {
				for k, v := range b.overrides(code) {
					texts[k] = v
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, map[string]map[string]string{lang: texts})
}

// language is the language the panel has texts in that code names ("de-de", or "de" for
// short), "" when none.
func language(code string) string {
	code = strings.ToLower(strings.TrimSpace(code))
	if uiTexts[code] != nil {
		return code
	}
	for _, l := range languages {
		if short(l) == short(code) {
			return l
		}
	}
	return ""
}

// short is a language code without its region ("de-de" → "de").
func short(code string) string {
	if i := strings.Index(code, "-"); i > 0 {
		return code[:i]
	}
	return code
}
