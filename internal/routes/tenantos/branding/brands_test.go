package branding_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"regexp"
	"testing"

	"github.com/panelsim/panelsim/simtest"
)

// png is a 1×1 PNG image; gif a 1×1 GIF.
var (
	png, _ = base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
	gif, _ = base64.StdEncoding.DecodeString("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
)

// TestBrandLifecycle: a brand is created with the panel's defaults, listed, read back,
// changed and deleted (then 404, its domain free again); a taken or malformed domain is a
// 422 naming the field.
func TestBrandLifecycle(t *testing.T) {
	e := newEnv(t)
	res := e.do("POST", "/system/brands", map[string]any{"domain": "Panel.Example.NET"}).Expect(t, 200)
	id := res.Int("result", "id")
	if res.String("result", "domain") != "panel.example.net" || res.Int("result", "user_id") != 1 ||
		res.String("result", "login_page_text") != "Server Management" || res.Int("result", "navbar_logo_always_dark") != 1 ||
		res.Int("result", "theme_cards_elevation") != 3 || res.String("result", "default_theme_mode") != "light" ||
		res.String("result", "availableLanguages", 0, "languageCode") != "en-us" || res.Len("result", "logos") != 0 ||
		res.String("result", "color_scheme", "light", "primary") != "#0C47A0" {
		t.Fatalf("created: %v", res)
	}
	expect422(t, e.do("POST", "/system/brands", map[string]any{"domain": "panel.example.net"}), "domain")
	expect422(t, e.do("POST", "/system/brands", map[string]any{"domain": "not a domain!"}), "domain")
	expect422(t, e.do("POST", "/system/brands", map[string]any{}), "domain")
	if n := e.do("GET", "/system/brands", nil).Expect(t, 200).Len("result"); n != 1 {
		t.Fatalf("%d brands, want 1", n)
	}

	path := fmt.Sprintf("/system/brands/%d", id)
	res = e.do("PUT", path, map[string]any{
		"login_page_text": "Welcome to Acme", "page_title": "Acme Panel", "top_navbar_header_title": "Acme",
		"color_scheme":             map[string]any{"light": map[string]any{"primary": "#FF0000"}, "dark": map[string]any{"primary": "#00FF00"}},
		"navbar_text_instead_logo": true, "navbar_logo_always_dark": false, "theme_cards_elevation": 12, "default_theme_mode": "dark",
		"navbar_logo_max_height": 48, "availableLanguages": []any{map[string]any{"languageName": "Deutsch", "languageCode": "de"}},
		"languageOverrides": map[string]any{"de": map[string]any{"common_table_nodata_reload": "Keine Daten. Neu laden?"}},
	}).Expect(t, 200)
	if res.String("result", "login_page_text") != "Welcome to Acme" {
		t.Fatalf("updated: %v", res)
	}
	got := e.do("GET", path, nil).Expect(t, 200)
	if got.String("result", "login_page_text") != "Welcome to Acme" || got.String("result", "page_title") != "Acme Panel" ||
		got.String("result", "color_scheme", "light", "primary") != "#FF0000" || got.Int("result", "navbar_text_instead_logo") != 1 ||
		got.Int("result", "navbar_logo_always_dark") != 0 || got.Int("result", "theme_cards_elevation") != 12 ||
		got.String("result", "default_theme_mode") != "dark" || got.Int("result", "navbar_logo_max_height") != 48 ||
		got.Int("result", "loginpage_logo_max_height") != 40 || got.Len("result", "availableLanguages") != 2 ||
		got.String("result", "availableLanguages", 1, "languageCode") != "de" ||
		got.String("result", "languageOverrides", "de", "common_table_nodata_reload") != "Keine Daten. Neu laden?" ||
		got.String("result", "languageData", 1, "de", "common_table_nodata_reload") != "Keine Daten. Neu laden?" ||
		got.String("result", "languageData", 0, "en-us", "common_table_nodata_reload") != "No data available. Reload?" ||
		got.String("result", "defaultColorScheme", "light", "primary") != "#0C47A0" {
		t.Fatalf("read back: %v", got)
	}
	// Overrides of a language the brand does not offer, bad sizes and bad owners are refused
	// and change nothing.
	expect422(t, e.do("PUT", path, map[string]any{"languageOverrides": map[string]any{"fr": map[string]any{"a": "b"}}, "page_title": "X"}), "languageOverrides.fr")
	expect422(t, e.do("PUT", path, map[string]any{"theme_cards_elevation": 40}), "theme_cards_elevation")
	expect422(t, e.do("PUT", path, map[string]any{"user_id": 99}), "user_id")
	expect422(t, e.do("PUT", path, map[string]any{"default_theme_mode": "sepia"}), "default_theme_mode")
	if r := e.do("GET", path, nil).Expect(t, 200); r.String("result", "page_title") != "Acme Panel" || r.Int("result", "theme_cards_elevation") != 12 {
		t.Fatalf("changed by refused updates: %v", r)
	}
	// Dropping a language drops its overrides.
	r := e.do("PUT", path, map[string]any{"availableLanguages": []any{}}).Expect(t, 200)
	if r.Len("result", "availableLanguages") != 1 || r.Len("result", "languageOverrides") != 0 {
		t.Fatalf("without German: %v", r)
	}

	e.do("DELETE", path, nil).Expect(t, 200)
	e.do("GET", path, nil).Expect(t, 404)
	e.do("PUT", path, map[string]any{"page_title": "x"}).Expect(t, 404)
	e.do("DELETE", path, nil).Expect(t, 404)
	e.do("POST", "/system/brands", map[string]any{"domain": "panel.example.net"}).Expect(t, 200)

	// The activity log of the administrator has the brand's story.
	log := e.do("GET", "/activitylog/user", nil).Expect(t, 200)
	found := 0
	for i := range log.Len("result") {
		if regexp.MustCompile(`^(Created|Updated|Deleted) brand panel\.example\.net$`).MatchString(log.String("result", i, "description")) {
			found++
		}
	}
	if found < 4 {
		t.Fatalf("%d brand entries in the activity log: %v", found, log)
	}
}

// TestBrandScoping: resellers have their own brands, the administrator sees all, end users
// none (403); a brand of a user the caller does not manage is 404.
func TestBrandScoping(t *testing.T) {
	e := newEnv(t)
	mine := e.as(2, "POST", "/system/brands", map[string]any{"domain": "cloud.reseller.example"}).Expect(t, 200).Int("result", "id")
	admins := e.do("POST", "/system/brands", map[string]any{"domain": "panel.example.com"}).Expect(t, 200).Int("result", "id")

	if n := e.do("GET", "/system/brands", nil).Expect(t, 200).Len("result"); n != 2 {
		t.Fatalf("the administrator sees %d brands, want 2", n)
	}
	list := e.as(2, "GET", "/system/brands", nil).Expect(t, 200)
	if list.Len("result") != 1 || list.Int("result", 0, "id") != mine || list.Int("result", 0, "user_id") != 2 {
		t.Fatalf("the reseller's brands: %v", list)
	}
	e.as(2, "GET", fmt.Sprintf("/system/brands/%d", admins), nil).Expect(t, 404)
	e.as(2, "DELETE", fmt.Sprintf("/system/brands/%d", admins), nil).Expect(t, 404)
	for _, user := range []int{3, 4} {
		e.as(user, "GET", "/system/brands", nil).Expect(t, 403)
		e.as(user, "POST", "/system/brands", map[string]any{"domain": "mine.example"}).Expect(t, 403)
		e.as(user, "GET", fmt.Sprintf("/system/brands/%d", mine), nil).Expect(t, 403)
	}
	// The reseller hands its brand to its customer (still its to manage), not to another's.
	expect422(t, e.as(2, "PUT", fmt.Sprintf("/system/brands/%d", mine), map[string]any{"user_id": 3}), "user_id")
	if r := e.as(2, "PUT", fmt.Sprintf("/system/brands/%d", mine), map[string]any{"user_id": 4}).Expect(t, 200); r.Int("result", "user_id") != 4 {
		t.Fatalf("new owner: %v", r)
	}
	e.as(2, "GET", fmt.Sprintf("/system/brands/%d", mine), nil).Expect(t, 200)
	// A domain is unique across resellers.
	expect422(t, e.as(2, "POST", "/system/brands", map[string]any{"domain": "panel.example.com"}), "domain")
}

// TestBrandLogos: logos are uploaded as multipart/form-data, kept and shown as paths; a file
// that is no image (or too big) refuses the upload whole; deleteBrandLogos removes the
// flagged ones only.
func TestBrandLogos(t *testing.T) {
	e := newEnv(t)
	id := e.do("POST", "/system/brands", map[string]any{"domain": "logo.example.org"}).Expect(t, 200).Int("result", "id")
	store := fmt.Sprintf("/system/brands/%d/logos/store", id)

	body, hdr := simtest.Multipart(t, nil, simtest.FilePart("lightlogo", "light.png", "image/png", png), simtest.FilePart("favicon", "favicon.gif", "image/gif", gif))
	e.do("POST", store, body, hdr...).Expect(t, 200)
	got := e.do("GET", fmt.Sprintf("/system/brands/%d", id), nil).Expect(t, 200)
	light, fav := got.String("result", "logos", "lightlogo", "publicPath"), got.String("result", "logos", "favicon", "publicPath")
	if !regexp.MustCompile(fmt.Sprintf(`^/storage/brands/%d/logos/lightlogo_[0-9a-f]{13}\.png$`, id)).MatchString(light) ||
		!regexp.MustCompile(fmt.Sprintf(`^/storage/brands/%d/logos/favicon_[0-9a-f]{13}\.gif$`, id)).MatchString(fav) ||
		got.Get("result", "logos", "darklogo") != nil {
		t.Fatalf("logos: %v", got.Get("result", "logos"))
	}

	// A text file, a logo sent as a plain field and an oversized image are refused; the logos
	// stay as they were.
	bad, hdr := simtest.Multipart(t, nil, simtest.FilePart("darklogo", "dark.png", "image/png", png), simtest.FilePart("lightlogo", "notes.txt", "text/plain", []byte("no image")))
	expect422(t, e.do("POST", store, bad, hdr...), "lightlogo")
	bad, hdr = simtest.Multipart(t, map[string]string{"darklogo": "https://example.com/logo.png"})
	expect422(t, e.do("POST", store, bad, hdr...), "darklogo")
	huge := append(append([]byte{}, png...), bytes.Repeat([]byte{0}, 600<<10)...)
	bad, hdr = simtest.Multipart(t, nil, simtest.FilePart("darklogo", "dark.png", "image/png", huge))
	expect422(t, e.do("POST", store, bad, hdr...), "darklogo")
	if r := e.do("GET", fmt.Sprintf("/system/brands/%d", id), nil).Expect(t, 200); r.Get("result", "logos", "darklogo") != nil ||
		r.String("result", "logos", "lightlogo", "publicPath") != light {
		t.Fatalf("logos after refused uploads: %v", r.Get("result", "logos"))
	}
	// An upload without files changes nothing; a new light logo replaces the old one.
	e.do("POST", store, map[string]any{}).Expect(t, 200)
	body, hdr = simtest.Multipart(t, nil, simtest.FilePart("lightlogo", "light.gif", "image/gif", gif))
	e.do("POST", store, body, hdr...).Expect(t, 200)
	if r := e.do("GET", fmt.Sprintf("/system/brands/%d", id), nil).Expect(t, 200); r.String("result", "logos", "lightlogo", "publicPath") == light {
		t.Fatalf("light logo not replaced: %v", r.Get("result", "logos"))
	}

	e.do("DELETE", fmt.Sprintf("/system/brands/%d/logos/delete", id), map[string]any{"lightlogo": true, "darklogo": true}).Expect(t, 200)
	got = e.do("GET", fmt.Sprintf("/system/brands/%d", id), nil).Expect(t, 200)
	if got.Get("result", "logos", "lightlogo") != nil || got.String("result", "logos", "favicon", "publicPath") != fav {
		t.Fatalf("after deleting the light logo: %v", got.Get("result", "logos"))
	}
	e.do("DELETE", fmt.Sprintf("/system/brands/%d/logos/delete", id), map[string]any{"favicon": true}).Expect(t, 200)
	if n := e.do("GET", fmt.Sprintf("/system/brands/%d", id), nil).Expect(t, 200).Len("result", "logos"); n != 0 {
		t.Fatalf("%d logos left", n)
	}
	e.do("POST", "/system/brands/99/logos/store", map[string]any{}).Expect(t, 404)
	e.as(3, "POST", store, map[string]any{}).Expect(t, 403)
}
