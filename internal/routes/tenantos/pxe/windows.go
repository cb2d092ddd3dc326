package pxe

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// windowsEdition is an edition of Windows on install media, as getWindowsInformation lists
// it: the image's build (the name of the image inside the media), its display name, the
// languages it has and its size.
type windowsEdition struct {
	Build     string   `json:"build"`
	Name      string   `json:"name"`
	Languages []string `json:"languages"`
	Size      string   `json:"size"`
}

// windowsMedia are the install media the panel reads Windows from, by mode: the ISO uploaded
// to the panel (iso) and the disc in its drive (cdrom). The simulator's panel always has the
// evaluation media of Windows Server 2022 (ISO) and 2019 (disc), with their four editions.
var windowsMedia = map[string][]windowsEdition{
	"iso": {
		{"Windows Server 2022 SERVERSTANDARDCORE", "Windows Server 2022 Standard Evaluation", []string{"en-us"}, "4810.42 MB"},
		{"Windows Server 2022 SERVERSTANDARD", "Windows Server 2022 Standard Evaluation (Desktop Experience)", []string{"en-us"}, "8215.37 MB"},
		{"Windows Server 2022 SERVERDATACENTERCORE", "Windows Server 2022 Datacenter Evaluation", []string{"en-us"}, "4804.11 MB"},
		{"Windows Server 2022 SERVERDATACENTER", "Windows Server 2022 Datacenter Evaluation (Desktop Experience)", []string{"en-us"}, "8207.94 MB"},
	},
	"cdrom": {
		{"Windows Server 2019 SERVERSTANDARDCORE", "Windows Server 2019 Standard Evaluation", []string{"en-us", "de-de"}, "4255.68 MB"},
		{"Windows Server 2019 SERVERSTANDARD", "Windows Server 2019 Standard Evaluation (Desktop Experience)", []string{"en-us", "de-de"}, "7843.12 MB"},
		{"Windows Server 2019 SERVERDATACENTERCORE", "Windows Server 2019 Datacenter Evaluation", []string{"en-us", "de-de"}, "4251.03 MB"},
		{"Windows Server 2019 SERVERDATACENTER", "Windows Server 2019 Datacenter Evaluation (Desktop Experience)", []string{"en-us", "de-de"}, "7838.70 MB"},
	},
}

// getWindowsInformation answers POST /api/pxe/windows/getWindowsInformation {mode}: the
// Windows editions on the media of the mode.
func (g *group) getWindowsInformation(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var in struct {
		Mode string `json:"mode"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	media, ok := windowsMedia[in.Mode]
	if !ok {
		return tenantos.Invalid("mode", "The selected mode is invalid.")
	}
	return tenantos.OK(c, map[string]any{"data": media})
}

// importInput is the body of importWindows.
type importInput struct {
	Editions       []string `json:"editions"`
	CacheDirectory string   `json:"cacheDirectory"`
	Language       string   `json:"language"`
	Mode           string   `json:"mode"`
}

// importData is what the import job carries: the editions to make profiles of and where
// their files were put.
type importData struct {
	Editions       []windowsEdition `json:"editions"`
	CacheDirectory string           `json:"cacheDirectory"`
	Language       string           `json:"language"`
}

var cacheDirFormat = regexp.MustCompile(`^[a-z0-9]+$`)

// importDuration is how long copying editions off the media takes.
func importDuration(n int) time.Duration { return 2*time.Minute + time.Duration(n)*time.Minute }

// importWindows answers POST /api/pxe/windows/importWindows {editions, cacheDirectory,
// language, mode}: the editions (builds or names from getWindowsInformation of the mode) are
// copied off the media into the cache directory (^[a-z0-9]+$) in the language asked for (one
// every edition has), on the world's clock; when done, each edition is a PXE profile
// (pxeType windows, tags [windows], group Windows) that getProfiles offers. The answer comes
// at once.
func (g *group) importWindows(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var in importInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	media, ok := windowsMedia[in.Mode]
	if !ok {
		return tenantos.Invalid("mode", "The selected mode is invalid.")
	}
	d := importData{CacheDirectory: in.CacheDirectory, Language: strings.ToLower(trimmed(in.Language))}
	if !cacheDirFormat.MatchString(d.CacheDirectory) {
		return tenantos.Invalid("cacheDirectory", "The cache directory format is invalid.")
	}
	if len(in.Editions) == 0 {
		return tenantos.Invalid("editions", "The editions field is required.")
	}
	var names []string
	for i, want := range in.Editions {
		ed := findEdition(media, want)
		if ed == nil {
			return tenantos.Invalidf(fmt.Sprintf("editions.%d", i), "The selected editions.%d is invalid.", i)
		}
		if !tenantos.Contains(ed.Languages, d.Language) {
			return tenantos.Invalidf("language", "The selected language is invalid: %s is not on the media in %s.", ed.Name, d.Language)
		}
		if !hasEdition(d.Editions, ed.Build) {
			d.Editions = append(d.Editions, *ed)
			names = append(names, ed.Name)
		}
	}
	raw, err := json.Marshal(d)
	if err != nil {
		return err
	}
	err = provider.World(c).Update(func(tx *tenantos.Tx) error {
		if _, err := tenantos.Schedule(tx, importDuration(len(d.Editions)), tenantos.Job{Op: jobImportWindows, Data: raw}); err != nil {
			return err
		}
		return logPxe(c, tx, rootProfiles, 0, "Started the import of "+strings.Join(names, ", ")+" from "+in.Mode, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}

// findEdition finds an edition by its build or its name (case-insensitive).
func findEdition(media []windowsEdition, want string) *windowsEdition {
	want = trimmed(want)
	for i := range media {
		if strings.EqualFold(media[i].Build, want) || strings.EqualFold(media[i].Name, want) {
			return &media[i]
		}
	}
	return nil
}

func hasEdition(list []windowsEdition, build string) bool {
	for _, e := range list {
		if e.Build == build {
			return true
		}
	}
	return false
}

// importWindowsJob ends an import: a profile for each edition, linked to the disk layouts and
// scripts tagged windows.
func (g *group) importWindowsJob(tx *tenantos.Tx, j *tenantos.Job) error {
	var d importData
	if err := json.Unmarshal(j.Data, &d); err != nil {
		return err
	}
	for _, ed := range d.Editions {
		id, err := tenantos.PxeProfiles.NextID(tx)
		if err != nil {
			return err
		}
		pr, st := newProfile("windows")
		pr.ID, pr.Name, pr.OS, pr.Tags, pr.Created, pr.Updated = id, ed.Name, ed.Name, []string{"windows"}, tx.Now, tx.Now
		pr.GroupName = "Windows"
		pr.GroupLogo = logoOf(tx, pr.GroupName)
		build := ed.Build
		st.PxeConfig, st.CacheDirectory, st.Language, st.Version, st.Timezone = ipxeConfig("windows"), d.CacheDirectory, d.Language, &build, "UTC"
		st.AutoInstallTemplate = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<unattend xmlns=\"urn:schemas-microsoft-com:unattend\"/>"
		no, yes := false, true
		st.WinEmptyKey, st.WinKeyUserdata, st.WinKeySpecialize, st.WinSkipOOBE, st.WinBypassChecks = &yes, &no, &yes, &yes, &no
		if err := relink(tx, pr); err != nil {
			return err
		}
		if err := putProfile(tx, pr, st); err != nil {
			return err
		}
	}
	return nil
}
