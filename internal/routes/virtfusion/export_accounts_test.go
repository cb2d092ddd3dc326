package virtfusion

import (
	"time"

	"github.com/panelsim/panelsim/internal/state"
)

// AddBackup records a completed backup of a server on a storage (tests only: nothing gives a
// server backups yet).
func AddBackup(tx *state.Tx, serverID, storageID int64, started time.Time, took time.Duration) error {
	_, err := addBackup(tx, serverID, storageID, started, started.Add(took))
	return err
}

// CountLoginTokens is the number of login tokens stored for a user (tests only).
func CountLoginTokens(tx *state.Tx, userID int64) int {
	return tx.Set(Name, setLoginTokensByOwner).Len(state.ID(uint64(userID)))
}

// SelfServiceRecords counts what self service keeps of a user: resource packs, credits and
// the usage history of deleted servers (tests only).
func SelfServiceRecords(tx *state.Tx, userID int64) (packs, credits, history int) {
	key := state.ID(uint64(userID))
	return tx.Set(Name, setPacksByUser).Len(key), tx.Set(Name, setCreditsByUser).Len(key), tx.Set(Name, setHistoryByOwner).Len(key)
}
