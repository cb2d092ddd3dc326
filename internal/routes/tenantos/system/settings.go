package system

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// settingDef is a global setting the panel has: its default value and the values it takes
// (nil: any string, checked by check when set).
type settingDef struct {
	Name    string
	Default string
	Allowed []string
	Check   func(v string) bool
}

var onOff = []string{"on", "off"}

// settingDefs are the panel's global settings, in id order. The vendor documents
// delete_rdns_entry_when_delete_ip (id 2), a date and time format as a value, and the
// interface's defaults GET /api/system/settingsAfterLogin answers; the defaults of new
// users (time zone, format, language) complete them.
var settingDefs = []settingDef{
	{Name: "default_datetime_format", Default: "DD.MM.YYYY HH:mm:ss", Check: isDateFormat},
	{Name: "delete_rdns_entry_when_delete_ip", Default: "on", Allowed: onOff},
	{Name: "default_timezone", Default: "Europe/Berlin", Check: isTimezone},
	{Name: "default_language", Default: "en-us", Allowed: languages},
	{Name: "precheck_addserver_redirect_to_server", Default: "off", Allowed: onOff},
	{Name: "show_server_id_on_server_detail_page", Default: "off", Allowed: onOff},
	{Name: "precheck_adduser_redirect_to_user", Default: "off", Allowed: onOff},
	{Name: "precheck_deleteserver_delete_vm_on_node", Default: "off", Allowed: onOff},
	{Name: "server_console_show_dialog", Default: "on", Allowed: onOff},
	{Name: "ui_connection_assignments_dont_show_already_assigned_items", Default: "off", Allowed: onOff},
	{Name: "precheck_networkgraph_show_summary", Default: "off", Allowed: onOff},
	{Name: "networkgraphs_show_total_p95th_line", Default: "off", Allowed: onOff},
	{Name: "password_hide_ipmipass", Default: "show", Allowed: []string{"show", "hide"}},
	{Name: "ui_users_allow_power_actions_during_pxe_boot", Default: "off", Allowed: onOff},
	{Name: "ui_admins_allow_power_actions_during_pxe_boot", Default: "off", Allowed: onOff},
	{Name: "suspension_default_network_action", Default: "off", Allowed: onOff},
	{Name: "suspension_default_power_action", Default: "off", Allowed: onOff},
	{Name: "suspension_affect_all_network_ports", Default: "off", Allowed: onOff},
	{Name: "suspension_actions_in_background", Default: "off", Allowed: onOff},
	{Name: "ui_pxemanager_hide_disabled_pxeprofiles", Default: "off", Allowed: onOff},
	{Name: "ui_pxemanager_hide_disabled_disklayouts", Default: "off", Allowed: onOff},
	{Name: "ui_pxemanager_hide_disabled_scripts", Default: "off", Allowed: onOff},
	{Name: "ui_password_hide_passwords_generally_by_default", Default: "off", Allowed: onOff},
}

// afterLogin are the settings GET /api/system/settingsAfterLogin answers, in its order.
var afterLogin = settingDefs[4:]

var defByName = func() map[string]*settingDef {
	m := map[string]*settingDef{}
	for i := range settingDefs {
		m[settingDefs[i].Name] = &settingDefs[i]
	}
	return m
}()

// installed is when the default settings were written, as the vendor's example dates them.
var installed = time.Date(2022, 10, 21, 9, 43, 3, 0, time.UTC)

// seedSettings writes the default settings of a new world.
func seedSettings(tx *state.Tx) error {
	for i, d := range settingDefs {
		s := &tenantos.SystemSetting{ID: int64(i + 1), Setting: d.Name, Value: d.Default, Created: installed, Updated: installed}
		if err := tenantos.PutSetting(tx, s); err != nil {
			return err
		}
	}
	return nil
}

// allSettings lists the settings in id order.
func allSettings(tx *state.Tx) ([]*tenantos.SystemSetting, error) {
	out, err := tenantos.SystemSettings.All(tx)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, err
}

// settingView is a setting as the panel shows it (schema GlobalSetting).
type settingView struct {
	ID        int64  `json:"id"`
	Setting   string `json:"setting"`
	Value     string `json:"value"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

func viewSetting(s *tenantos.SystemSetting) settingView {
	return settingView{ID: s.ID, Setting: s.Setting, Value: s.Value, CreatedAt: tenantos.LaravelTime(s.Created),
		UpdatedAt: tenantos.LaravelTime(s.Updated)}
}

func viewSettings(list []*tenantos.SystemSetting) []settingView {
	out := make([]settingView, 0, len(list))
	for _, s := range list {
		out = append(out, viewSetting(s))
	}
	return out
}

// listGlobalSystemSettings lists every global setting with its value.
func (g *group) listGlobalSystemSettings(c echo.Context) error {
	var out []settingView
	err := provider.World(c).View(func(tx *state.Tx) error {
		list, err := allSettings(tx)
		out = viewSettings(list)
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// getGlobalSystemSetting answers the value of setting {settingname} (404 for a name the
// panel does not have).
func (g *group) getGlobalSystemSetting(c echo.Context) error {
	name := provider.PathString(c, "settingname")
	var out string
	err := provider.World(c).View(func(tx *state.Tx) error {
		list, err := allSettings(tx)
		if err != nil {
			return err
		}
		for _, s := range list {
			if s.Setting == name {
				out = s.Value
				return nil
			}
		}
		return tenantos.ErrSettingNotFound
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// settingsInput is the body of updateGlobalSystemSettings: settings is an object of name →
// value, or a list of such objects (the vendor's example: [{"name": "value"}]).
type settingsInput struct {
	Settings json.RawMessage `json:"settings"`
}

// parseSettings reads the settings sent, in the order sent (a later value of a name wins).
func parseSettings(raw json.RawMessage) ([]string, map[string]any, error) {
	required := tenantos.Invalid("settings", "The settings field is required.")
	notArray := tenantos.Invalid("settings", "The settings must be an array.")
	raw = json.RawMessage(strings.TrimSpace(string(raw)))
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil, required
	}
	var objs []json.RawMessage
	if raw[0] == '[' {
		if err := json.Unmarshal(raw, &objs); err != nil {
			return nil, nil, notArray
		}
	} else {
		objs = []json.RawMessage{raw}
	}
	var order []string
	values := map[string]any{}
	for _, o := range objs {
		keys, m, err := orderedObject(o)
		if err != nil {
			return nil, nil, notArray
		}
		for _, k := range keys {
			if _, seen := values[k]; !seen {
				order = append(order, k)
			}
			values[k] = m[k]
		}
	}
	if len(order) == 0 {
		return nil, nil, required
	}
	return order, values, nil
}

// orderedObject decodes a JSON object keeping the order of its keys.
func orderedObject(raw json.RawMessage) ([]string, map[string]any, error) {
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, nil, fmt.Errorf("not an object")
	}
	var keys []string
	m := map[string]any{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		k, _ := tok.(string)
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, nil, err
		}
		if _, seen := m[k]; !seen {
			keys = append(keys, k)
		}
		m[k] = v
	}
	return keys, m, nil
}

// settingValue is the value a setting takes from what was sent: strings as they are, numbers
// as written, booleans as on/off (for on/off settings); anything else, or a value the
// setting does not take, is refused (422 on settings.<name>).
func settingValue(d *settingDef, v any) (string, error) {
	field := "settings." + d.Name
	var s string
	switch x := v.(type) {
	case string:
		s = strings.TrimSpace(x)
	case json.Number:
		s = x.String()
	case bool:
		if d.Allowed == nil || d.Allowed[0] != "on" {
			return "", tenantos.Invalidf(field, "The %s must be a string.", field)
		}
		s = map[bool]string{true: "on", false: "off"}[x]
	default:
		return "", tenantos.Invalidf(field, "The %s must be a string.", field)
	}
	if d.Allowed != nil && !tenantos.Contains(d.Allowed, s) || d.Check != nil && !d.Check(s) {
		return "", tenantos.Invalidf(field, "The selected %s is invalid.", field)
	}
	return s, nil
}

// updateGlobalSystemSettings changes settings (administrators only) and answers every
// setting, as GET lists them. Every name must be a setting of the panel (422 naming
// settings.<name> otherwise); nothing is changed when one is refused.
func (g *group) updateGlobalSystemSettings(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var in settingsInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	order, values, err := parseSettings(in.Settings)
	if err != nil {
		return err
	}
	next := map[string]string{}
	for _, name := range order {
		d := defByName[name]
		if d == nil {
			return tenantos.Invalidf("settings."+name, "The setting %s does not exist.", name)
		}
		v, err := settingValue(d, values[name])
		if err != nil {
			return err
		}
		next[name] = v
	}
	var out []settingView
	err = provider.World(c).Update(func(tx *state.Tx) error {
		list, err := allSettings(tx)
		if err != nil {
			return err
		}
		changes := map[string]any{}
		for _, s := range list {
			v, ok := next[s.Setting]
			if !ok || v == s.Value {
				continue
			}
			changes[s.Setting] = map[string]any{"original": s.Value, "changes": v}
			s.Value, s.Updated = v, tx.Now
			if err := tenantos.SystemSettings.Put(tx, s.ID, s); err != nil {
				return err
			}
		}
		if len(changes) > 0 {
			if err := tenantos.LogActivity(c, tx, systemEntry("Updated global system settings", changes)); err != nil {
				return err
			}
		}
		out = viewSettings(list)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// getSettingsAfterLogin answers the interface's defaults (the settings of afterLogin), as
// the global settings hold them.
func (g *group) getSettingsAfterLogin(c echo.Context) error {
	out := map[string]string{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		list, err := allSettings(tx)
		if err != nil {
			return err
		}
		byName := map[string]string{}
		for _, s := range list {
			byName[s.Setting] = s.Value
		}
		for _, d := range afterLogin {
			v, ok := byName[d.Name]
			if !ok {
				v = d.Default
			}
			out[d.Name] = v
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}
