package virtfusion

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

const collISOs = "isos"

var errISONotFound = apierr.NotFound("iso not found")

// ISO is an installation or rescue image servers can boot from.
type ISO struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Description *string   `json:"description"`
	Arch        int       `json:"arch"` // 1 x86_64, 2 aarch64
	URL         string    `json:"url"`
	Filename    string    `json:"filename"`
	Enabled     bool      `json:"enabled"`
	Global      bool      `json:"global"`
	Download    bool      `json:"download"`
	Created     time.Time `json:"created"`
	Updated     time.Time `json:"updated"`
}

type isoView struct {
	ID          int64   `json:"id"`
	Name        string  `json:"name"`
	Description *string `json:"description"`
	Arch        int     `json:"arch"`
	URL         string  `json:"url"`
	Filename    string  `json:"filename"`
	Enabled     bool    `json:"enabled"`
	Config      string  `json:"config"`
	Global      bool    `json:"global"`
	Download    bool    `json:"download"`
	Users       []any   `json:"users"`
	Created     string  `json:"created"`
	Updated     string  `json:"updated"`
}

func (p *Provider) getIso(c echo.Context) error {
	var iso ISO
	err := provider.World(c).View(func(tx *state.Tx) error {
		return get(tx, collISOs, pathID(c, "isoId"), &iso, errISONotFound)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, data{isoView{ID: iso.ID, Name: iso.Name, Description: iso.Description, Arch: iso.Arch,
		URL: iso.URL, Filename: iso.Filename, Enabled: iso.Enabled, Config: "[]", Global: iso.Global, Download: iso.Download,
		Users: []any{}, Created: fmtTime(iso.Created, tsOffset), Updated: fmtTime(iso.Updated, tsOffset)}})
}
