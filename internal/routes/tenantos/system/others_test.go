package system_test

import (
	"fmt"
	"testing"
	"time"
)

// TestOthers: ping, the version, time zones, formats and the interface's texts, which follow
// the acting user's time zone and language.
func TestOthers(t *testing.T) {
	e := newEnv(t)
	if r := e.do("GET", "/ping", nil).Expect(t, 200); r.String("result") != "pong" {
		t.Fatalf("ping: %v", r)
	}
	e.do("GET", "/ping", nil, as(subcustomer)...).Expect(t, 200)
	if r := e.do("GET", "/system/version", nil).Expect(t, 200); r.String("result", "app_version") != "1.0.36" || r.Int("result", "updateAvailable") != 0 {
		t.Fatalf("version: %v", r)
	}
	zones := e.do("GET", "/system/listTimezones", nil).Expect(t, 200)
	if zones.Len("result") < 400 || zones.String("result", 0) != "Africa/Abidjan" {
		t.Fatalf("time zones: %d", zones.Len("result"))
	}

	// The examples are the world's time in the user's time zone.
	e.do("PUT", "/users/3", map[string]any{"timezone": "America/New_York", "language": "de-de"}).Expect(t, 200)
	formats := e.do("GET", "/system/listTimeDateFormats", nil, as(customer)...).Expect(t, 200)
	if formats.Len("result") != 9 || formats.String("result", 8, "format") != "YYYY-MM-DD HH:mm:ss" {
		t.Fatalf("formats: %v", formats)
	}
	clock := e.c.Control("GET", "/_sim/clock", nil).Expect(t, 200).String("now")
	at, err := time.Parse(time.RFC3339Nano, clock)
	if err != nil {
		t.Fatal(err)
	}
	ny, _ := time.LoadLocation("America/New_York")
	if got, want := formats.String("result", 8, "example"), at.In(ny).Format("2006-01-02 15:04:05"); got != want {
		t.Fatalf("example %q, want %q (New York time)", got, want)
	}

	if r := e.do("GET", "/system/ui/uiLanguage", nil, as(customer)...).Expect(t, 200); r.String("result", "de-de", "login_password") != "Passwort" {
		t.Fatalf("German texts: %v", r)
	}
	if r := e.do("GET", "/system/ui/uiLanguage", nil).Expect(t, 200); r.String("result", "en-us", "common_table_placeholder_search") != "Search..." {
		t.Fatalf("English texts: %v", r)
	}
	if r := e.do("GET", "/system/ui/settings", nil).Expect(t, 200); r.String("result", "top_navbar_header_title") != "Tenantos" {
		t.Fatalf("ui settings: %v", r)
	}
	if r := e.do("GET", "/system/ui/version", nil).Expect(t, 200); len(r.String("result", "frontend_version")) != 64 {
		t.Fatalf("ui version: %v", r)
	}
}

// TestBranding: the interface follows the brand of the user's reseller (or of the request's
// domain), with its texts; the panel's own otherwise.
func TestBranding(t *testing.T) {
	e := newEnv(t)
	id := e.do("POST", "/system/brands", map[string]any{"domain": "panel.reseller.example"}, as(reseller)...).Expect(t, 200).Int("result", "id")
	e.do("PUT", fmt.Sprintf("/system/brands/%d", id), map[string]any{"page_title": "Acme Panel", "top_navbar_header_title": "Acme",
		"color_scheme":       map[string]any{"light": map[string]any{"primary": "#FF0000"}, "dark": map[string]any{"primary": "#00FF00"}},
		"availableLanguages": []any{map[string]any{"languageName": "Deutsch", "languageCode": "de"}},
		"languageOverrides":  map[string]any{"de": map[string]any{"common_table_nodata_reload": "Nichts da."}},
	}, as(reseller)...).Expect(t, 200)
	for _, u := range []int64{reseller, subcustomer} {
		r := e.do("GET", "/system/ui/settings", nil, as(u)...).Expect(t, 200)
		if r.String("result", "page_title") != "Acme Panel" || r.String("result", "theme_light", "primary") != "#FF0000" ||
			r.String("result", "login_page_text") != "Server Management" {
			t.Fatalf("user %d: %v", u, r)
		}
	}
	if r := e.do("GET", "/system/ui/settings", nil, as(customer)...).Expect(t, 200); r.String("result", "page_title") != "Control" {
		t.Fatalf("another reseller's brand: %v", r)
	}
	e.do("PUT", "/users/4", map[string]any{"language": "de"}).Expect(t, 200)
	r := e.do("GET", "/system/ui/uiLanguage", nil, as(subcustomer)...).Expect(t, 200)
	if r.String("result", "de-de", "common_table_nodata_reload") != "Nichts da." || r.String("result", "de-de", "login_password") != "Passwort" {
		t.Fatalf("the brand's German texts: %v", r)
	}

	// New users get the panel's default language, time zone and format.
	e.do("PUT", "/system/globalSystemSettings", map[string]any{"settings": map[string]any{"default_timezone": "Europe/London",
		"default_language": "de-de"}}).Expect(t, 200)
	u := e.do("POST", "/users", map[string]any{"name": "New", "username": "newbie", "password": "Secret-Pass-123"}).Expect(t, 200)
	if u.String("result", "timezone") != "Europe/London" {
		t.Fatalf("new user: %v", u)
	}
}
