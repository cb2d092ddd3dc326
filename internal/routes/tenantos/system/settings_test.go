package system_test

import (
	"testing"
)

// TestSettings: a change is read back through the list, the single setting and the
// interface's defaults; unknown names and values are refused with nothing changed; only
// administrators change settings.
func TestSettings(t *testing.T) {
	e := newEnv(t)
	res := e.do("GET", "/system/globalSystemSettings", nil).Expect(t, 200)
	if res.Len("result") < 20 || res.Int("result", 1, "id") != 2 || res.String("result", 1, "setting") != "delete_rdns_entry_when_delete_ip" ||
		res.String("result", 1, "value") != "on" {
		t.Fatalf("default settings: %v", res)
	}
	if v := e.do("GET", "/system/globalSystemSettings/default_datetime_format", nil).Expect(t, 200).String("result"); v != "DD.MM.YYYY HH:mm:ss" {
		t.Fatalf("default format: %q", v)
	}
	e.do("GET", "/system/globalSystemSettings/no_such_setting", nil).Expect(t, 404)

	// The vendor's shape (a list of objects) and a plain object both work.
	e.do("PUT", "/system/globalSystemSettings", map[string]any{"settings": []any{map[string]any{"delete_rdns_entry_when_delete_ip": "off"}}}).Expect(t, 200)
	res = e.do("PUT", "/system/globalSystemSettings", map[string]any{"settings": map[string]any{"server_console_show_dialog": false,
		"default_datetime_format": "YYYY-MM-DD HH:mm:ss"}}).Expect(t, 200)
	if res.Len("result") < 20 {
		t.Fatalf("update answers every setting: %v", res)
	}
	if v := e.do("GET", "/system/globalSystemSettings/delete_rdns_entry_when_delete_ip", nil).Expect(t, 200).String("result"); v != "off" {
		t.Fatalf("read back: %q", v)
	}
	if v := e.do("GET", "/system/globalSystemSettings/default_datetime_format", nil).Expect(t, 200).String("result"); v != "YYYY-MM-DD HH:mm:ss" {
		t.Fatalf("read back: %q", v)
	}
	after := e.do("GET", "/system/settingsAfterLogin", nil).Expect(t, 200)
	if after.String("result", "server_console_show_dialog") != "off" || after.String("result", "password_hide_ipmipass") != "show" {
		t.Fatalf("settings after login: %v", after)
	}

	// Refusals: an unknown name, a value the setting does not take; nothing of the request is
	// written (the valid first entry stays as it was).
	expect422(t, e.do("PUT", "/system/globalSystemSettings", map[string]any{"settings": map[string]any{"no_such_setting": "on"}}),
		"settings.no_such_setting")
	expect422(t, e.do("PUT", "/system/globalSystemSettings", map[string]any{"settings": []any{
		map[string]any{"delete_rdns_entry_when_delete_ip": "on"}, map[string]any{"password_hide_ipmipass": "maybe"}}}),
		"settings.password_hide_ipmipass")
	expect422(t, e.do("PUT", "/system/globalSystemSettings", map[string]any{"settings": map[string]any{"default_timezone": "Mars/Olympus"}}),
		"settings.default_timezone")
	expect422(t, e.do("PUT", "/system/globalSystemSettings", map[string]any{"settings": "on"}), "settings")
	if v := e.do("GET", "/system/globalSystemSettings/delete_rdns_entry_when_delete_ip", nil).Expect(t, 200).String("result"); v != "off" {
		t.Fatalf("a refused update changed a setting: %q", v)
	}

	// Only administrators change settings; anyone reads them.
	e.do("PUT", "/system/globalSystemSettings", map[string]any{"settings": map[string]any{"delete_rdns_entry_when_delete_ip": "on"}}, as(reseller)...).Expect(t, 403)
	e.do("PUT", "/system/globalSystemSettings", map[string]any{"settings": map[string]any{"delete_rdns_entry_when_delete_ip": "on"}}, as(customer)...).Expect(t, 403)
	if v := e.do("GET", "/system/globalSystemSettings/delete_rdns_entry_when_delete_ip", nil, as(customer)...).Expect(t, 200).String("result"); v != "off" {
		t.Fatalf("a refused update changed a setting: %q", v)
	}
	e.do("GET", "/system/settingsAfterLogin", nil, as(subcustomer)...).Expect(t, 200)

	// The change is in the activity log, for administrators.
	log := e.do("GET", "/activitylog/system", nil).Expect(t, 200)
	found := false
	for i := 0; i < log.Len("result"); i++ {
		if log.String("result", i, "description") == "Updated global system settings" {
			found = true
		}
	}
	if !found {
		t.Fatalf("no activity entry: %v", log)
	}
}
