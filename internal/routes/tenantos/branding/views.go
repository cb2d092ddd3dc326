package branding

import (
	"encoding/json"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// brandView is the brand object, keys in the documented order.
type brandView struct {
	ID                          int64             `json:"id"`
	UserID                      int64             `json:"user_id"`
	Domain                      string            `json:"domain"`
	LoginPageText               string            `json:"login_page_text"`
	TopNavbarHeaderTitle        string            `json:"top_navbar_header_title"`
	PageTitle                   string            `json:"page_title"`
	ColorScheme                 json.RawMessage   `json:"color_scheme"`
	LanguageOverrides           json.RawMessage   `json:"languageOverrides"`
	LanguageData                []json.RawMessage `json:"languageData"`
	NavbarTextInsteadLogo       int               `json:"navbar_text_instead_logo"`
	NavbarLogoAlwaysDark        int               `json:"navbar_logo_always_dark"`
	LoginpageTextInsteadLogo    int               `json:"loginpage_text_instead_logo"`
	LoginpageLogoAlwaysDark     int               `json:"loginpage_logo_always_dark"`
	LoginpageLogoAboveForm      int               `json:"loginpage_logo_above_form"`
	LoginpageShowTextWithinForm int               `json:"loginpage_show_text_within_form"`
	NavbarLogoMaxHeight         int               `json:"navbar_logo_max_height"`
	LoginpageLogoMaxHeight      int               `json:"loginpage_logo_max_height"`
	ThemeFlatButtons            int               `json:"theme_flat_buttons"`
	ThemeCardsElevation         int               `json:"theme_cards_elevation"`
	ThemeCardsOutlined          int               `json:"theme_cards_outlined"`
	ThemeTopBarFullLength       int               `json:"theme_top_bar_full_length"`
	ThemeNotesOnTop             int               `json:"theme_serverpage_notes_importantNotes_showOnTop"`
	DefaultThemeMode            string            `json:"default_theme_mode"`
	AvailableLanguages          []Language        `json:"availableLanguages"`
	DefaultColorScheme          json.RawMessage   `json:"defaultColorScheme"`
	Logos                       logosView         `json:"logos"`
}

// logosView shows the logos a brand has (the others are left out).
type logosView struct {
	Favicon   *logoView `json:"favicon,omitempty"`
	Lightlogo *logoView `json:"lightlogo,omitempty"`
	Darklogo  *logoView `json:"darklogo,omitempty"`
}

type logoView struct {
	PublicPath string `json:"publicPath"`
}

// languages are the languages a brand offers: English, then its own.
func (b *Brand) languages() []Language {
	return append([]Language{english}, b.Languages...)
}

// viewBrand renders a brand.
func viewBrand(b *Brand) brandView {
	f := func(name string) int { return tenantos.Flag(b.Flags[name]) }
	v := brandView{ID: b.ID, UserID: b.UserID, Domain: b.Domain, LoginPageText: b.LoginPageText,
		TopNavbarHeaderTitle: b.TopNavbarHeaderTitle, PageTitle: b.PageTitle, ColorScheme: b.ColorScheme,
		LanguageOverrides: b.LanguageOverrides, LanguageData: languageData(b),
		NavbarTextInsteadLogo: f("navbar_text_instead_logo"), NavbarLogoAlwaysDark: f("navbar_logo_always_dark"),
		LoginpageTextInsteadLogo: f("loginpage_text_instead_logo"), LoginpageLogoAlwaysDark: f("loginpage_logo_always_dark"),
		LoginpageLogoAboveForm: f("loginpage_logo_above_form"), LoginpageShowTextWithinForm: f("loginpage_show_text_within_form"),
		NavbarLogoMaxHeight: b.NavbarLogoMaxHeight, LoginpageLogoMaxHeight: b.LoginLogoMaxHeight,
		ThemeFlatButtons: f("theme_flat_buttons"), ThemeCardsElevation: b.CardsElevation, ThemeCardsOutlined: f("theme_cards_outlined"),
		ThemeTopBarFullLength: f("theme_top_bar_full_length"), ThemeNotesOnTop: f("theme_serverpage_notes_importantNotes_showOnTop"),
		DefaultThemeMode: b.DefaultThemeMode, AvailableLanguages: b.languages(), DefaultColorScheme: defaultColorScheme}
	if len(v.ColorScheme) == 0 {
		v.ColorScheme = defaultColorScheme
	}
	if len(v.LanguageOverrides) == 0 {
		v.LanguageOverrides = json.RawMessage("[]")
	}
	logo := func(kind string) *logoView {
		if l, ok := b.Logos[kind]; ok {
			return &logoView{PublicPath: l.Path}
		}
		return nil
	}
	v.Logos = logosView{Favicon: logo("favicon"), Lightlogo: logo("lightlogo"), Darklogo: logo("darklogo")}
	return v
}

// languageData is each language's texts as the brand shows them: English's defaults and
// every language's overrides ([] for a language with no text, as PHP writes an empty array).
func languageData(b *Brand) []json.RawMessage {
	var overrides map[string]map[string]string
	_ = json.Unmarshal(b.LanguageOverrides, &overrides) // [] (none) leaves it nil
	out := []json.RawMessage{}
	for _, l := range b.languages() {
		texts := map[string]string{}
		if l.Code == english.Code {
			for k, v := range defaultTexts {
				texts[k] = v
			}
		}
		for k, v := range overrides[l.Code] {
			texts[k] = v
		}
		var inner json.RawMessage = json.RawMessage("[]")
		if len(texts) > 0 {
			inner, _ = json.Marshal(texts)
		}
		raw, _ := json.Marshal(map[string]json.RawMessage{l.Code: inner})
		out = append(out, raw)
	}
	return out
}
