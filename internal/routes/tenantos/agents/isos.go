package agents

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// Iso is an ISO image the IPMI KVM console offers, downloaded from a URL by the panel.
type Iso struct {
	ID           int64     `json:"id"`
	OwnerID      int64     `json:"ownerId"`
	Name         string    `json:"name"`
	URL          string    `json:"url"`
	Filename     string    `json:"filename"`
	Type         string    `json:"type"`  // public_admin, private_user
	State        string    `json:"state"` // queued, downloading, complete, failed
	ExpectedSize int64     `json:"expectedSize"`
	FileSize     int64     `json:"filesize"`
	Created      time.Time `json:"created"`
	Updated      time.Time `json:"updated"`
}

var errIsoNotFound = apierr.NotFound("ISO image not found.")

var isos = provider.Records[Iso]{Provider: tenantos.Name, Coll: "ipmiKvmIsos", NotFound: errIsoNotFound}

// The states of an ISO's download, with the status text the panel shows for each.
var isoStatus = map[string]string{"queued": "Queued", "downloading": "Downloading", "complete": "Completed", "failed": "Download failed"}

// isoStep is how long each step of a download takes (virtual seconds): the start, then each
// quarter of the file.
const isoStep = 10

// isoView is the ISO object.
type isoView struct {
	ID           int64  `json:"id"`
	CreatedAt    string `json:"created_at"`
	Name         string `json:"name"`
	Filename     string `json:"filename"`
	Type         string `json:"type"`
	Status       string `json:"status"`
	State        string `json:"state"`
	ExpectedSize int64  `json:"expectedSize"`
	FileSize     int64  `json:"filesize"`
	IsDeletable  bool   `json:"isDeletable"`
}

func viewIso(tx *tenantos.Tx, who *tenantos.User, iso *Iso) isoView {
	return isoView{ID: iso.ID, CreatedAt: tenantos.LaravelTime(iso.Created), Name: iso.Name, Filename: iso.Filename, Type: iso.Type,
		Status: isoStatus[iso.State], State: iso.State, ExpectedSize: iso.ExpectedSize, FileSize: iso.FileSize,
		IsDeletable: mayDeleteIso(tx, who, iso)}
}

// seesIso: public ISOs are everyone's; a private one is its owner's and whoever manages
// the owner.
func seesIso(tx *tenantos.Tx, who *tenantos.User, iso *Iso) bool {
	return iso.Type == "public_admin" || tenantos.ManagesID(tx, who, iso.OwnerID)
}

// mayDeleteIso: administrators delete any ISO; others the private ones they see.
func mayDeleteIso(tx *tenantos.Tx, who *tenantos.User, iso *Iso) bool {
	return who.RoleID == tenantos.RoleAdmin || (iso.Type == "private_user" && tenantos.ManagesID(tx, who, iso.OwnerID))
}

// visibleIso loads an ISO the acting user may see (404 otherwise).
func visibleIso(tx *tenantos.Tx, who *tenantos.User, id int64) (*Iso, error) {
	iso, err := isos.Get(tx, id)
	if err != nil {
		return nil, err
	}
	if !seesIso(tx, who, iso) {
		return nil, errIsoNotFound
	}
	return iso, nil
}

// isoSize is the size of the file at a URL: made up, but always the same for one URL
// (between 100 and 1,000 MiB).
func isoSize(u string) int64 {
	h := fnv.New64a()
	h.Write([]byte(u))
	return (100 << 20) + int64(h.Sum64()%(900<<20))
}

// logIso writes an activity entry about an ISO.
func logIso(c echo.Context, tx *tenantos.Tx, iso *Iso, desc string) error {
	return tenantos.LogActivity(c, tx, tenantos.LogEntry{RelationType: "system", RootType: "ipmiKvmIsos", RootID: iso.ID,
		Description: desc, MetaHref: "/remoteAgents/ipmiKvmIsos", MetaText: iso.Name})
}

// listIpmiKvmIsos answers GET /api/remoteAgents/ipmiKvmIsos: the ISOs the caller may use (the
// public ones and the private ones it manages), in id order.
func (g *group) listIpmiKvmIsos(c echo.Context) error {
	who := tenantos.CallerOf(c)
	out := []isoView{}
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		return isos.Each(tx, func(iso *Iso) error {
			if seesIso(tx, who.User, iso) {
				out = append(out, viewIso(tx, who.User, iso))
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// getIpmiKvmIso answers GET /api/remoteAgents/ipmiKvmIsos/{id}.
func (g *group) getIpmiKvmIso(c echo.Context) error {
	who := tenantos.CallerOf(c)
	var out isoView
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		iso, err := visibleIso(tx, who.User, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		out = viewIso(tx, who.User, iso)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// createIpmiKvmIso answers POST /api/remoteAgents/ipmiKvmIsos {name, downloadUrl}: the panel
// downloads the ISO (agents.isoDownload: queued, then downloading a quarter every isoStep
// seconds, then complete; a URL on a host the panel cannot reach fails). Administrators add
// public ISOs, everyone else private ones.
func (g *group) createIpmiKvmIso(c echo.Context) error {
	who := tenantos.CallerOf(c)
	var in struct {
		Name        string `json:"name"`
		DownloadURL string `json:"downloadUrl"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	name := strings.TrimSpace(in.Name)
	if len(name) > 255 {
		return tenantos.Invalid("name", "The name must not be greater than 255 characters.")
	}
	u, err := url.Parse(strings.TrimSpace(in.DownloadURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return tenantos.Invalid("downloadUrl", "The download url must be a valid URL.")
	}
	base := path.Base(u.Path)
	if base == "." || base == "/" || base == "" {
		base = "image.iso"
	}
	typ := "private_user"
	if who.Admin() {
		typ = "public_admin"
	}
	var out isoView
	err = provider.World(c).Update(func(tx *tenantos.Tx) error {
		id, err := isos.NextID(tx)
		if err != nil {
			return err
		}
		iso := &Iso{ID: id, OwnerID: who.User.ID, Name: name, URL: u.String(), Filename: fmt.Sprintf("%d_%s", id, base), Type: typ,
			State: "queued", Created: tx.Now, Updated: tx.Now}
		if err := isos.Put(tx, id, iso); err != nil {
			return err
		}
		if err := scheduleIso(tx, iso); err != nil {
			return err
		}
		if err := logIso(c, tx, iso, "Added IPMI KVM ISO "+iso.Name); err != nil {
			return err
		}
		out = viewIso(tx, who.User, iso)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// deleteIpmiKvmIso answers DELETE /api/remoteAgents/ipmiKvmIsos/{id}: the ISO goes (a
// download in progress stops). A public ISO may be deleted by administrators only (403).
func (g *group) deleteIpmiKvmIso(c echo.Context) error {
	who := tenantos.CallerOf(c)
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		iso, err := visibleIso(tx, who.User, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		if !mayDeleteIso(tx, who.User, iso) {
			return tenantos.ErrForbidden
		}
		if err := isos.Delete(tx, iso.ID); err != nil {
			return err
		}
		return logIso(c, tx, iso, "Deleted IPMI KVM ISO "+iso.Name)
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}

// isoJobData names the ISO an agents.isoDownload job advances and the state it ends.
type isoJobData struct {
	ID    int64  `json:"id"`
	State string `json:"state"`
}

func scheduleIso(tx *tenantos.Tx, iso *Iso) error {
	data, err := json.Marshal(isoJobData{ID: iso.ID, State: iso.State})
	if err != nil {
		return err
	}
	_, err = tenantos.Schedule(tx, tenantos.Seconds(isoStep), tenantos.Job{Op: jobIsoDownload, Data: data})
	return err
}

// isoDownloadJob advances a download one step: the start (the file's size becomes known, or
// the host cannot be reached), then a quarter of the file each time until it is complete. A
// job of an ISO that is gone does nothing.
func (g *group) isoDownloadJob(tx *tenantos.Tx, j *tenantos.Job) error {
	var d isoJobData
	if err := json.Unmarshal(j.Data, &d); err != nil {
		return err
	}
	iso, err := isos.Get(tx, d.ID)
	if err == errIsoNotFound {
		return nil
	}
	if err != nil {
		return err
	}
	if iso.State != d.State {
		return nil
	}
	switch iso.State {
	case "queued":
		u, _ := url.Parse(iso.URL)
		if u == nil || unreachable(u.Hostname()) {
			iso.State = "failed"
			break
		}
		iso.State, iso.ExpectedSize = "downloading", isoSize(iso.URL)
	case "downloading":
		iso.FileSize = min(iso.ExpectedSize, iso.FileSize+(iso.ExpectedSize+3)/4)
		if iso.FileSize == iso.ExpectedSize {
			iso.State = "complete"
		}
	default:
		return nil
	}
	iso.Updated = tx.Now
	if err := isos.Put(tx, iso.ID, iso); err != nil {
		return err
	}
	if iso.State == "downloading" {
		return scheduleIso(tx, iso)
	}
	return nil
}

// seedIsos gives the default world the vendor's example ISO, downloaded and offered to all.
func seedIsos(_ *tenantos.Provider, tx *tenantos.Tx) error {
	now := tx.Now
	return isos.Put(tx, 1, &Iso{ID: 1, OwnerID: tenantos.AdminID, Name: "grml64-full 2021.07",
		URL: "https://download.grml.org/grml64-full_2021.07.iso", Filename: "1_grml64-full_2021.07.iso", Type: "public_admin",
		State: "complete", ExpectedSize: 9547854, FileSize: 9547854, Created: now, Updated: now})
}
