package tenantos

import (
	"time"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// The global system settings (GET /api/system/globalSystemSettings) are the system group's
// records; they are here so that any group can read one (a new user's default time zone,
// whether deleting an IP deletes its PTR record …) with Setting.

// SystemSetting is one global system setting: a name and its value, a string as the panel
// keeps them ("on", "off", "DD.MM.YYYY HH:mm:ss").
type SystemSetting struct {
	ID      int64     `json:"id"`
	Setting string    `json:"setting"`
	Value   string    `json:"value"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// ErrSettingNotFound answers a setting name the panel does not have.
var ErrSettingNotFound = apierr.NotFound("Setting not found.")

// SystemSettings are the global settings; IdxSettingName finds one by its name.
var SystemSettings = provider.Records[SystemSetting]{Provider: Name, Coll: "systemSettings", NotFound: ErrSettingNotFound}

// IdxSettingName maps a setting's name to its id.
const IdxSettingName = "systemSettingByName"

// SettingByName loads the setting called name (404 when the panel has none).
func SettingByName(tx *state.Tx, name string) (*SystemSetting, error) {
	raw := tx.Index(Name, IdxSettingName).Get([]byte(name))
	if raw == nil {
		return nil, ErrSettingNotFound
	}
	return SystemSettings.Get(tx, int64(state.IDOf(raw)))
}

// Setting is the value of the setting called name, or def when the world has none.
func Setting(tx *state.Tx, name, def string) string {
	s, err := SettingByName(tx, name)
	if err != nil {
		return def
	}
	return s.Value
}

// PutSetting stores a setting with its name index.
func PutSetting(tx *state.Tx, s *SystemSetting) error {
	if err := tx.Index(Name, IdxSettingName).Put([]byte(s.Setting), state.ID(uint64(s.ID))); err != nil {
		return err
	}
	return SystemSettings.Put(tx, s.ID, s)
}
