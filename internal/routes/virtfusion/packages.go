package virtfusion

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// packageView is a package as /packages shows it.
type packageView struct {
	ID                 int64   `json:"id"`
	Name               string  `json:"name"`
	Description        *string `json:"description"`
	Enabled            bool    `json:"enabled"`
	Memory             int     `json:"memory"`
	PrimaryStorage     int     `json:"primaryStorage"`
	Traffic            int     `json:"traffic"`
	CPUCores           int     `json:"cpuCores"`
	NetworkSpeedIn     int     `json:"primaryNetworkSpeedIn"`
	NetworkSpeedOut    int     `json:"primaryNetworkSpeedOut"`
	PrimaryDiskType    string  `json:"primaryDiskType"`
	BackupPlanID       int64   `json:"backupPlanId"`
	ReadBytesSec       *int64  `json:"primaryStorageReadBytesSec"`
	WriteBytesSec      *int64  `json:"primaryStorageWriteBytesSec"`
	ReadIopsSec        *int64  `json:"primaryStorageReadIopsSec"`
	WriteIopsSec       *int64  `json:"primaryStorageWriteIopsSec"`
	PrimaryStorageProf int     `json:"primaryStorageProfile"`
	PrimaryNetworkProf int     `json:"primaryNetworkProfile"`
	Created            string  `json:"created"`
}

func viewPackage(pk *Package) packageView {
	return packageView{ID: pk.ID, Name: pk.Name, Description: pk.Description, Enabled: pk.Enabled, Memory: pk.Memory,
		PrimaryStorage: pk.PrimaryStorage, Traffic: pk.Traffic, CPUCores: pk.CPUCores, NetworkSpeedIn: pk.NetworkIn,
		NetworkSpeedOut: pk.NetworkOut, PrimaryDiskType: "inherit", PrimaryStorageProf: pk.StorageProfile,
		BackupPlanID: pk.BackupPlanID, ReadBytesSec: pk.Disk.ReadBytesSec, WriteBytesSec: pk.Disk.WriteBytesSec,
		ReadIopsSec: pk.Disk.ReadIOPS, WriteIopsSec: pk.Disk.WriteIOPS, Created: fmtTime(pk.Created, tsMicro)}
}

// templateGroupView is an OS family with the templates it offers.
type templateGroupView struct {
	Name        string         `json:"name"`
	Description string         `json:"description"`
	Icon        string         `json:"icon"`
	Templates   []templateView `json:"templates"`
	ID          int64          `json:"id"`
}

type templateView struct {
	ID          int64   `json:"id"`
	Name        string  `json:"name"`
	Version     string  `json:"version"`
	Variant     *string `json:"variant"`
	Arch        int     `json:"arch"`
	Description string  `json:"description"`
	Icon        string  `json:"icon"`
	EOL         bool    `json:"eol"`
	EOLDate     *string `json:"eol_date"`
	EOLWarning  bool    `json:"eol_warning"`
	DeployType  int     `json:"deploy_type"`
	VNC         bool    `json:"vnc"`
	Type        string  `json:"type"`
}

func viewTemplate(t *Template, now string) templateView {
	v := templateView{ID: t.ID, Name: t.Name, Version: t.Version, Variant: t.Variant, Arch: t.Arch, Description: t.Description,
		Icon: t.Icon, DeployType: t.DeployType, VNC: t.VNC, Type: t.Type}
	if t.EOLDate != "" {
		d := t.EOLDate + " 00:00:00"
		v.EOLDate = &d
		v.EOL = t.EOLDate <= now
	}
	return v
}

func (p *Provider) listPackages(c echo.Context) error {
	items := []packageView{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		return tx.Coll(Name, collPackages).ForEach(func(_, raw []byte) error {
			var pk Package
			if err := json.Unmarshal(raw, &pk); err != nil {
				return err
			}
			items = append(items, viewPackage(&pk))
			return nil
		})
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, data{items})
}

func (p *Provider) getPackage(c echo.Context) error {
	var pk Package
	err := provider.World(c).View(func(tx *state.Tx) error {
		return get(tx, collPackages, provider.PathInt(c, "packageId"), &pk, errPackageNotFound)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, data{viewPackage(&pk)})
}

// packageTemplates lists the template groups a package offers, as the panel shows them.
func packageTemplates(tx *state.Tx, pk *Package) ([]templateGroupView, error) {
	out := []templateGroupView{}
	today := tx.Now.Format("2006-01-02")
	for _, gid := range pk.TemplateGroups {
		var g TemplateGroup
		if err := tx.Coll(Name, collTemplateGroups).Get(state.ID(uint64(gid)), &g); err != nil {
			continue // a group the fixtures name but do not define offers nothing
		}
		v := templateGroupView{Name: g.Name, Description: g.Description, Icon: g.Icon, ID: g.ID, Templates: []templateView{}}
		for i := range g.Templates {
			v.Templates = append(v.Templates, viewTemplate(&g.Templates[i], today))
		}
		out = append(out, v)
	}
	return out, nil
}

// packageOffers reports whether a package offers a template, and returns it.
func packageOffers(tx *state.Tx, pk *Package, templateID int64) (*Template, error) {
	for _, gid := range pk.TemplateGroups {
		var g TemplateGroup
		err := tx.Coll(Name, collTemplateGroups).Peek(state.ID(uint64(gid)), &g) // the template is only read
		if err != nil {
			continue
		}
		for i := range g.Templates {
			if g.Templates[i].ID == templateID {
				return &g.Templates[i], nil
			}
		}
	}
	return nil, nil
}

func (p *Provider) getPackageTemplates(c echo.Context) error {
	var out []templateGroupView
	err := provider.World(c).View(func(tx *state.Tx) error {
		var pk Package
		if err := get(tx, collPackages, provider.PathInt(c, "serverPackageId"), &pk, errPackageNotFound); err != nil {
			return err
		}
		var err error
		out, err = packageTemplates(tx, &pk)
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, data{out})
}

func (p *Provider) getServerTemplates(c echo.Context) error {
	var out []templateGroupView
	err := provider.World(c).View(func(tx *state.Tx) error {
		s, err := loadServer(tx, provider.PathInt(c, "serverId"))
		if err != nil {
			return err
		}
		var pk Package
		if err := get(tx, collPackages, s.PackageID, &pk, errPackageNotFound); err != nil {
			return err
		}
		out, err = packageTemplates(tx, &pk)
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, data{out})
}
