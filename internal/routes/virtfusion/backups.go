package virtfusion

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// Backups and the storages that hold them.
const (
	collBackupStorages = "backupStorages"
	collBackups        = "backups"
	setBackupsByServer = "backupsByServer"
)

var errBackupStorageNotFound = apierr.NotFound("backup storage not found")

// BackupStorage is a backup server.
type BackupStorage struct {
	ID      int64     `json:"id"`
	Name    string    `json:"name"`
	Enabled bool      `json:"enabled"`
	Created time.Time `json:"created"`
}

// Backup is a backup of a server (ServerID 0: of a server that no longer exists).
type Backup struct {
	ID          int64      `json:"id"`
	ServerID    int64      `json:"serverId"`
	StorageID   int64      `json:"storageId"`
	Complete    bool       `json:"complete"`
	DeleteAfter *time.Time `json:"deleteAfter"`
	Created     time.Time  `json:"created"`
	Updated     time.Time  `json:"updated"`
}

type backupView struct {
	ID       int64 `json:"id"`
	ServerID int64 `json:"serverId"`
	Storage  struct {
		ID      int64  `json:"id"`
		Name    string `json:"name"`
		Enabled bool   `json:"enabled"`
	} `json:"storage"`
	Deleting    bool    `json:"deleting"`
	Restoring   bool    `json:"restoring"`
	Progress    bool    `json:"progress"`
	Complete    bool    `json:"complete"`
	DeleteAfter *string `json:"deleteAfter"`
	Created     string  `json:"created"`
	Updated     string  `json:"updated"`
}

func viewBackup(b *Backup, st *BackupStorage) backupView {
	v := backupView{ID: b.ID, ServerID: b.ServerID, Complete: b.Complete, DeleteAfter: fmtTimePtr(b.DeleteAfter, tsOffset),
		Created: fmtTime(b.Created, tsOffset), Updated: fmtTime(b.Updated, tsOffset)}
	v.Storage.ID, v.Storage.Name, v.Storage.Enabled = st.ID, st.Name, st.Enabled
	return v
}

// addBackup records a completed backup of a server on a storage, taken from started to
// finished. It is the one way a server gets backups; nothing calls it yet but the tests, as
// no backup plan can be given to a server so far.
func addBackup(tx *state.Tx, serverID, storageID int64, started, finished time.Time) (*Backup, error) {
	if _, err := loadServer(tx, serverID); err != nil {
		return nil, err
	}
	var st BackupStorage
	if err := get(tx, collBackupStorages, storageID, &st, errBackupStorageNotFound); err != nil {
		return nil, err
	}
	id, err := tx.Coll(Name, collBackups).NextID()
	if err != nil {
		return nil, err
	}
	b := Backup{ID: int64(id), ServerID: serverID, StorageID: storageID, Complete: true, Created: started, Updated: finished}
	if err := put(tx, collBackups, b.ID, &b); err != nil {
		return nil, err
	}
	return &b, tx.Set(Name, setBackupsByServer).Add(state.ID(uint64(serverID)), state.ID(uint64(b.ID)))
}

func (p *Provider) listServerBackups(c echo.Context) error {
	out := []backupView{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		s, err := loadServer(tx, provider.PathInt(c, "serverId"))
		if err != nil {
			return err
		}
		backups, storages := tx.Coll(Name, collBackups), map[int64]*BackupStorage{}
		return tx.Set(Name, setBackupsByServer).Members(state.ID(uint64(s.ID)), 0, -1, func(member []byte) error {
			var b Backup
			if err := backups.Get(member, &b); err != nil {
				return err
			}
			st := storages[b.StorageID]
			if st == nil {
				st = new(BackupStorage)
				if err := get(tx, collBackupStorages, b.StorageID, st, errBackupStorageNotFound); err != nil {
					return err
				}
				storages[b.StorageID] = st
			}
			out = append(out, viewBackup(&b, st))
			return nil
		})
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, data{out})
}
