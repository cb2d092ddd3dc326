package virtfusion

import "github.com/panelsim/panelsim/internal/state"

// BackupAccess is a server's backup manager access type, which no answer shows (tests only).
func BackupAccess(tx *state.Tx, id int64) (string, error) {
	s, err := loadServer(tx, id)
	if err != nil {
		return "", err
	}
	return s.BackupAccess, nil
}
