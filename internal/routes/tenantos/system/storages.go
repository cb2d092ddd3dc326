package system

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// A backup storage is where the panel puts its own backups: the local disk, an FTP server
// or an S3 bucket. Each keeps the archives a backup run put on it, newest last, and at most
// retention of them: a run's retention task deletes the oldest.

// storage is a backup storage as the group keeps it.
type storage struct {
	ID         int64          `json:"id"`
	Name       string         `json:"name"`
	Provider   string         `json:"provider"` // s3, ftp, local
	Config     map[string]any `json:"config"`
	Retention  int            `json:"retention"`
	Enabled    bool           `json:"enabled"`
	LastBackup *time.Time     `json:"lastBackup,omitempty"`
	LastStatus *string        `json:"lastStatus,omitempty"`
	Archives   []string       `json:"archives"` // file names of the archives it holds, oldest first
	Created    time.Time      `json:"created"`
	Updated    time.Time      `json:"updated"`
}

var errStorageNotFound = apierr.NotFound("Backup storage not found.")

var storages = provider.Records[storage]{Provider: tenantos.Name, Coll: "systemBackupStorages", NotFound: errStorageNotFound}

// secretMask is what the panel shows instead of a storage's password or secret key; sent
// back on update, it keeps the stored one.
const secretMask = "**************"

// cfgField is one key of a storage's configuration.
type cfgField struct {
	Name     string
	Kind     string // string, int, bool
	Required bool
	Default  any
	Secret   bool
	Min, Max int
}

// configFields are the configuration keys of each kind of storage (Laravel's filesystem
// drivers' settings); keys not listed are dropped.
var configFields = map[string][]cfgField{
	"ftp": {
		{Name: "host", Kind: "string", Required: true},
		{Name: "username", Kind: "string", Required: true},
		{Name: "password", Kind: "string", Required: true, Secret: true},
		{Name: "port", Kind: "int", Default: 21, Min: 1, Max: 65535},
		{Name: "ssl", Kind: "bool", Default: false},
		{Name: "timeout", Kind: "int", Default: 10, Min: 1, Max: 3600},
		{Name: "root", Kind: "string", Default: ""},
	},
	"s3": {
		{Name: "key", Kind: "string", Required: true},
		{Name: "secret", Kind: "string", Required: true, Secret: true},
		{Name: "region", Kind: "string", Required: true},
		{Name: "bucket", Kind: "string", Required: true},
		{Name: "endpoint", Kind: "string", Default: ""},
		{Name: "use_path_style_endpoint", Kind: "bool", Default: false},
		{Name: "root", Kind: "string", Default: ""},
	},
	"local": {},
}

// storageView is a storage as the panel shows it (schema BackupStorage).
type storageView struct {
	ID                int64   `json:"id"`
	Name              string  `json:"name"`
	Provider          string  `json:"provider"`
	Configuration     any     `json:"configuration"`
	LastBackupDate    *string `json:"last_backup_date"`
	LastStatusMessage *string `json:"last_status_message"`
	Retention         int     `json:"retention"`
	Enabled           int     `json:"enabled"`
}

// viewStorage renders a storage, its secrets masked (a local storage's configuration is
// PHP's empty array, []).
func viewStorage(s *storage) storageView {
	v := storageView{ID: s.ID, Name: s.Name, Provider: s.Provider, Configuration: []any{}, LastStatusMessage: s.LastStatus,
		Retention: s.Retention, Enabled: tenantos.Flag(s.Enabled)}
	if len(configFields[s.Provider]) > 0 {
		cfg := map[string]any{}
		for _, f := range configFields[s.Provider] {
			val, ok := s.Config[f.Name]
			if !ok {
				continue
			}
			if f.Secret && val != "" {
				val = secretMask
			}
			cfg[f.Name] = val
		}
		v.Configuration = cfg
	}
	if s.LastBackup != nil {
		v.LastBackupDate = tenantos.Text(tenantos.PlainTime(*s.LastBackup))
	}
	return v
}

// storageInput is the body of createBackupStorage and updateBackupStorage.
type storageInput struct {
	Name          *string         `json:"name"`
	Provider      *string         `json:"provider"`
	Configuration json.RawMessage `json:"configuration"`
	Retention     *int            `json:"retention"`
	Enabled       *bool           `json:"enabled"`
}

// configOf reads the configuration sent: an object, or nothing (null, an empty array).
func configOf(raw json.RawMessage) (map[string]any, error) {
	raw = bytes.TrimSpace(raw)
	s := string(raw)
	if s == "" || s == "null" || s == "[]" {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, tenantos.Invalid("configuration", "The configuration must be an array.")
	}
	return m, nil
}

// buildConfig checks a storage's configuration: sent (the keys the client sent) over old
// (the stored one, on update), every required key present, every value of its kind. A
// secret sent as the mask keeps the old value.
func buildConfig(kind string, old, sent map[string]any) (map[string]any, error) {
	out := map[string]any{}
	for _, f := range configFields[kind] {
		field := "configuration." + f.Name
		v, ok := sent[f.Name]
		if f.Secret && v == secretMask {
			ok = false
		}
		if !ok || v == nil {
			if ov, had := old[f.Name]; had {
				out[f.Name] = ov
				continue
			}
			if f.Required {
				return nil, tenantos.Invalidf(field, "The %s field is required when provider is %s.", field, kind)
			}
			out[f.Name] = f.Default
			continue
		}
		switch f.Kind {
		case "string":
			s, isStr := v.(string)
			if !isStr {
				if n, isNum := v.(json.Number); isNum {
					s = n.String()
				} else {
					return nil, tenantos.Invalidf(field, "The %s must be a string.", field)
				}
			}
			s = strings.TrimSpace(s)
			if f.Required && s == "" {
				return nil, tenantos.Invalidf(field, "The %s field is required when provider is %s.", field, kind)
			}
			out[f.Name] = s
		case "int":
			n, err := strconv.Atoi(strings.TrimSpace(fmt.Sprint(v)))
			if err != nil {
				return nil, tenantos.Invalidf(field, "The %s must be an integer.", field)
			}
			if n < f.Min || n > f.Max {
				return nil, tenantos.Invalidf(field, "The %s must be between %d and %d.", field, f.Min, f.Max)
			}
			out[f.Name] = n
		case "bool":
			switch x := v.(type) {
			case bool:
				out[f.Name] = x
			default:
				switch strings.ToLower(fmt.Sprint(x)) {
				case "1", "true", "on":
					out[f.Name] = true
				case "0", "false", "off":
					out[f.Name] = false
				default:
					return nil, tenantos.Invalidf(field, "The %s field must be true or false.", field)
				}
			}
		}
	}
	return out, nil
}

// listBackupStorages lists the backup storages (administrators only).
func (g *group) listBackupStorages(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var out []storageView
	err := provider.World(c).View(func(tx *state.Tx) error {
		list, err := allStorages(tx)
		for _, s := range list {
			out = append(out, viewStorage(s))
		}
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, tenantos.List(out))
}

// allStorages lists the storages in id order.
func allStorages(tx *state.Tx) ([]*storage, error) {
	list, err := storages.All(tx)
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	return list, err
}

// getBackupStorage shows one backup storage (administrators only).
func (g *group) getBackupStorage(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var out storageView
	err := provider.World(c).View(func(tx *state.Tx) error {
		s, err := storages.Get(tx, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		out = viewStorage(s)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// storageEntry is the activity-log entry of a change of a storage.
func storageEntry(s *storage, what string, changes any) tenantos.LogEntry {
	e := systemEntry(fmt.Sprintf("%s backup storage %s", what, s.Name), changes)
	e.RelationID, e.RootType, e.RootID = s.ID, "systemBackupStorage", s.ID
	e.MetaHref, e.MetaText = "/system/backups", s.Name
	return e
}

// createBackupStorage adds a storage (administrators only). configuration is required for
// s3 and ftp (their keys in configFields; 422 naming configuration.<key> for one missing or
// of the wrong kind) and ignored for local.
func (g *group) createBackupStorage(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var in storageInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
		return tenantos.Invalid("name", "The name field is required.")
	}
	if in.Provider == nil || configFields[*in.Provider] == nil {
		return tenantos.Invalid("provider", "The selected provider is invalid.")
	}
	if in.Retention == nil {
		return tenantos.Invalid("retention", "The retention field is required.")
	}
	if in.Enabled == nil {
		return tenantos.Invalid("enabled", "The enabled field is required.")
	}
	sent, err := configOf(in.Configuration)
	if err != nil {
		return err
	}
	if sent == nil && *in.Provider != "local" {
		return tenantos.Invalidf("configuration", "The configuration field is required when provider is %s.", *in.Provider)
	}
	cfg, err := buildConfig(*in.Provider, nil, sent)
	if err != nil {
		return err
	}
	var out storageView
	err = provider.World(c).Update(func(tx *state.Tx) error {
		id, err := storages.NextID(tx)
		if err != nil {
			return err
		}
		s := &storage{ID: id, Name: strings.TrimSpace(*in.Name), Provider: *in.Provider, Config: cfg, Retention: *in.Retention,
			Enabled: *in.Enabled, Archives: []string{}, Created: tx.Now, Updated: tx.Now}
		if err := storages.Put(tx, id, s); err != nil {
			return err
		}
		if err := tenantos.LogActivity(c, tx, storageEntry(s, "Created", nil)); err != nil {
			return err
		}
		out = viewStorage(s)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// updateBackupStorage changes a storage's name, configuration, retention or state
// (administrators only); its kind stays. Decision: configuration is merged over the stored
// one (the keys sent replace theirs; a secret sent as the mask, or not sent, stays). A
// smaller retention takes effect at the next backup run's retention task.
func (g *group) updateBackupStorage(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var in storageInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	if in.Name != nil && strings.TrimSpace(*in.Name) == "" {
		return tenantos.Invalid("name", "The name field is required.")
	}
	sent, err := configOf(in.Configuration)
	if err != nil {
		return err
	}
	var out storageView
	err = provider.World(c).Update(func(tx *state.Tx) error {
		s, err := storages.Get(tx, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		changes := map[string]any{}
		if in.Name != nil && strings.TrimSpace(*in.Name) != s.Name {
			changes["name"] = map[string]any{"original": s.Name, "changes": strings.TrimSpace(*in.Name)}
			s.Name = strings.TrimSpace(*in.Name)
		}
		if sent != nil {
			cfg, err := buildConfig(s.Provider, s.Config, sent)
			if err != nil {
				return err
			}
			changes["configuration"] = map[string]any{"changes": tenantos.Redacted}
			s.Config = cfg
		}
		if in.Retention != nil && *in.Retention != s.Retention {
			changes["retention"] = map[string]any{"original": s.Retention, "changes": *in.Retention}
			s.Retention = *in.Retention
		}
		if in.Enabled != nil && *in.Enabled != s.Enabled {
			changes["enabled"] = map[string]any{"original": tenantos.Flag(s.Enabled), "changes": tenantos.Flag(*in.Enabled)}
			s.Enabled = *in.Enabled
		}
		s.Updated = tx.Now
		if err := storages.Put(tx, s.ID, s); err != nil {
			return err
		}
		if err := tenantos.LogActivity(c, tx, storageEntry(s, "Updated", changes)); err != nil {
			return err
		}
		out = viewStorage(s)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// deleteBackupStorage removes a storage (administrators only). The archives on it are left
// where they are; a backup run under way skips it.
func (g *group) deleteBackupStorage(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	err := provider.World(c).Update(func(tx *state.Tx) error {
		s, err := storages.Get(tx, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		if err := storages.Delete(tx, s.ID); err != nil {
			return err
		}
		return tenantos.LogActivity(c, tx, storageEntry(s, "Deleted", nil))
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}
