package system

import "github.com/panelsim/panelsim/internal/state"

// StoredConfig is a storage's configuration as stored (secrets in clear), for the tests.
func StoredConfig(tx *state.Tx, id int64) map[string]any {
	s, err := storages.Get(tx, id)
	if err != nil {
		return nil
	}
	return s.Config
}
