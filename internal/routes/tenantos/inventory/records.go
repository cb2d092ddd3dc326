package inventory

import (
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// Component is an inventory component: a kind of part servers hold (cpu, memory, disk …, or
// anything an administrator adds, "Software licenses"), with the custom fields its items
// carry.
type Component struct {
	ID            int64     `json:"id"`
	GroupName     string    `json:"groupname"`
	ComponentName string    `json:"componentname"`
	Description   string    `json:"description"`
	ValueType     string    `json:"valueType"` // text, mb, MHz
	FieldIDs      []int64   `json:"fieldIds"`  // customfieldsRelations, in order
	NotDeletable  bool      `json:"notDeletable"`
	Created       time.Time `json:"created"`
	Updated       time.Time `json:"updated"`
}

// CustomField is a field inventory items of the components that carry it have: free text
// (input), a checkbox, or a choice among options (dropdown).
type CustomField struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	Type         string    `json:"type"`    // input, checkbox, dropdown
	Options      []Option  `json:"options"` // availableValues of a dropdown
	LastOption   int64     `json:"lastOption"`
	NotDeletable bool      `json:"notDeletable"`
	Created      time.Time `json:"created"`
	Updated      time.Time `json:"updated"`
}

// Option is one choice of a dropdown field; its id ("1", "2" …) is what an item keeps.
type Option struct {
	ID    string `json:"id"`
	Value string `json:"value"`
}

// Item is an inventory item of a server: one part (a disk, a memory module …) of a
// component. Detected items were reported by the hardware detection (or seeded as if they
// had been): the next report replaces them; items added through the API stay.
type Item struct {
	ID          int64        `json:"id"`
	ServerID    int64        `json:"serverId"`
	ComponentID int64        `json:"componentId"`
	Model       string       `json:"model"`
	Value       string       `json:"value"`
	Serial      string       `json:"serial"`
	Description string       `json:"description"`
	Fields      []FieldValue `json:"fields"` // nil: none given (customfields null)
	Detected    bool         `json:"detected,omitempty"`
	Created     time.Time    `json:"created"`
	Updated     time.Time    `json:"updated"`
}

// FieldValue is an item's value of one custom field (a dropdown's option id, "1" or "0" for
// a checkbox).
type FieldValue struct {
	FieldID int64  `json:"fieldId"`
	Value   string `json:"value"`
}

// Detection is a server's hardware-detection command: the secret of its callback URL, when
// it was given and when the report came.
type Detection struct {
	ServerID int64      `json:"serverId"`
	Secret   string     `json:"secret"` // kept to drop its route when a new command replaces it
	Issued   time.Time  `json:"issued"`
	Received *time.Time `json:"received"`
}

// Errors of records that do not exist.
var (
	errComponentNotFound = apierr.NotFound("Inventory component not found.")
	errFieldNotFound     = apierr.NotFound("Custom field not found.")
	errItemNotFound      = apierr.NotFound("Inventory item not found.")
)

// The group's records, indexes and sets.
var (
	components = provider.Records[Component]{Provider: tenantos.Name, Coll: "inventoryComponents", NotFound: errComponentNotFound}
	fields     = provider.Records[CustomField]{Provider: tenantos.Name, Coll: "inventoryCustomFields", NotFound: errFieldNotFound}
	items      = provider.Records[Item]{Provider: tenantos.Name, Coll: "inventoryItems", NotFound: errItemNotFound}
	detections = provider.Records[Detection]{Provider: tenantos.Name, Coll: "inventoryDetections", NotFound: apierr.NotFound("Not found.")}
)

const (
	setItemsByServer = "inventoryItemsByServer" // server id -> item ids
	idxDetection     = "inventoryDetectionByHash"
)

// The built-in components and custom fields, by the ids the default world gives them (they
// cannot be deleted, so the ids always name them; an administrator may rename them).
const (
	compCPU               = 1
	compMemory            = 2
	compSystem            = 3
	compBIOS              = 4
	compStorageController = 5
	compMainboard         = 6
	compDisk              = 7
	compNIC               = 8
	compRAIDController    = 9

	fieldDiskType  = 1
	fieldCores     = 2
	fieldMHzTurbo  = 3
	fieldMHzNormal = 4
	fieldThreads   = 5
)

// serverItems lists a server's items in id order.
func serverItems(tx *tenantos.Tx, serverID int64) ([]*Item, error) {
	var ids []int64
	err := tx.Set(tenantos.Name, setItemsByServer).Members(state.ID(uint64(serverID)), 0, -1, func(m []byte) error {
		ids = append(ids, int64(state.IDOf(m)))
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]*Item, 0, len(ids))
	for _, id := range ids {
		it, err := items.Get(tx, id)
		if err != nil {
			continue
		}
		out = append(out, it)
	}
	return out, nil
}

// putItem stores an item and lists it under its server.
func putItem(tx *tenantos.Tx, it *Item) error {
	if err := items.Put(tx, it.ID, it); err != nil {
		return err
	}
	return tx.Set(tenantos.Name, setItemsByServer).Add(state.ID(uint64(it.ServerID)), state.ID(uint64(it.ID)))
}

// dropItem deletes an item.
func dropItem(tx *tenantos.Tx, it *Item) error {
	if err := items.Delete(tx, it.ID); err != nil {
		return err
	}
	return tx.Set(tenantos.Name, setItemsByServer).Remove(state.ID(uint64(it.ServerID)), state.ID(uint64(it.ID)))
}

// newItem stores a new item of a server, with the next id (made now unless it says when).
func newItem(tx *tenantos.Tx, it *Item) error {
	id, err := items.NextID(tx)
	if err != nil {
		return err
	}
	it.ID = id
	if it.Created.IsZero() {
		it.Created = tx.Now
	}
	if it.Updated.IsZero() {
		it.Updated = it.Created
	}
	return putItem(tx, it)
}

// forgetServer removes what the group keeps of a server being deleted (its items and its
// detection, whose secret stops leading anywhere once the deletion is committed), in the
// deleting transaction.
func forgetServer(p *tenantos.Provider, _ echo.Context, tx *tenantos.Tx, s *tenantos.Server) error {
	list, err := serverItems(tx, s.ID)
	if err != nil {
		return err
	}
	for _, it := range list {
		if err := dropItem(tx, it); err != nil {
			return err
		}
	}
	d, err := detections.Get(tx, s.ID)
	if err != nil {
		return nil
	}
	if err := tx.Index(tenantos.Name, idxDetection).Delete([]byte(tenantos.HashToken(d.Secret))); err != nil {
		return err
	}
	if forget := p.Cfg.Forget; forget != nil {
		secret := d.Secret
		tx.AfterCommit(func() {
			if err := forget(secret); err != nil {
				p.Log.Error("forget a detection secret", "err", err)
			}
		})
	}
	return detections.Delete(tx, s.ID)
}
