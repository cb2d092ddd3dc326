package system

import (
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// seed writes what every new world's panel has besides the fixtures: the global settings
// with their defaults and one backup storage, the local disk ("local", keeping the seven
// newest archives), as a fresh installation has.
func seed(p *tenantos.Provider, tx *tenantos.Tx) error {
	if err := seedSettings(tx); err != nil {
		return err
	}
	return storages.Put(tx, 1, &storage{ID: 1, Name: "local", Provider: "local", Config: map[string]any{}, Retention: 7,
		Enabled: true, Archives: []string{}, Created: tx.Now, Updated: tx.Now})
}
