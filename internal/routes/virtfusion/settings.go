package virtfusion

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// Server settings: backup plan, backup manager access, owner, VNC, CPU throttle and custom
// XML. Traffic is in traffic.go, resources and packages in resources.go, the password
// reset in password.go.

const collBackupPlans = "backupPlans"

var errBackupPlanNotFound = apierr.NotFound("backup plan not found")

// BackupPlan is a backup schedule servers can be put on.
type BackupPlan struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// seedSettings writes the server settings part of the fixtures.
func (p *Provider) seedSettings(tx *state.Tx) error {
	for _, b := range p.fx.BackupPlans {
		if err := put(tx, collBackupPlans, b.ID, &BackupPlan{ID: b.ID, Name: b.Name}); err != nil {
			return err
		}
	}
	return nil
}

// initSettings fills in what a new server gets for the settings of this file: its VNC
// password and websocket token.
func (p *Provider) initSettings(s *Server) {
	f := provider.Credentials()
	s.VNCPassword = password(f, 8)
	s.VNCToken = f.UUID()
}

// renderSettings puts what the settings operations changed into a server object.
func (p *Provider) renderSettings(tx *state.Tx, s *Server, v *serverView) error {
	v.CPU.Throttle = s.CPUThrottle
	v.CustomXML = s.CustomXML
	if s.BackupPlanID != 0 {
		var b BackupPlan
		if err := get(tx, collBackupPlans, s.BackupPlanID, &b, errBackupPlanNotFound); err != nil {
			return err
		}
		id, name := b.ID, b.Name
		v.BackupPlan = idName{ID: &id, Name: &name}
		v.Settings.BackupPlan = &id
	}
	v.Tasks.Actions.Pending = viewPending(s)
	return nil
}

func (p *Provider) modifyServerBackupPlan(c echo.Context) error {
	err := updateServer(c, func(tx *state.Tx, s *Server) error {
		plan := provider.PathInt(c, "backupPlanId")
		if plan != 0 {
			var b BackupPlan
			if err := get(tx, collBackupPlans, plan, &b, errBackupPlanNotFound); err != nil {
				return err
			}
		}
		s.BackupPlanID, s.Updated = plan, tx.Now
		return nil
	})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusCreated)
}

func (p *Provider) modifyServerBackupAccess(c echo.Context) error {
	var in struct {
		Type string `json:"type"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	err := updateServer(c, func(tx *state.Tx, s *Server) error {
		s.BackupAccess, s.Updated = in.Type, tx.Now
		return nil
	})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusCreated)
}

// changeServerOwner gives a server to another user and keeps the by-owner set in step.
func (p *Provider) changeServerOwner(c echo.Context) error {
	err := provider.World(c).Update(func(tx *state.Tx) error {
		s, err := loadServer(tx, provider.PathInt(c, "serverId"))
		if err != nil {
			return err
		}
		var u User
		if err := get(tx, collUsers, provider.PathInt(c, "userId"), &u, errUserNotFound); err != nil {
			return err
		}
		if u.ID == s.OwnerID {
			return apierr.Invalid("The new owner is the same as the existing owner.")
		}
		byOwner := tx.Set(Name, setServersByOwner)
		key := state.ID(uint64(s.ID))
		if err := byOwner.Remove(state.ID(uint64(s.OwnerID)), key); err != nil {
			return err
		}
		if err := byOwner.Add(state.ID(uint64(u.ID)), key); err != nil {
			return err
		}
		s.OwnerID, s.Updated = u.ID, tx.Now
		s.Hourly = billedHourly(&u, s.ResourcePackID)
		return saveServer(tx, s)
	})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusCreated)
}

type vncDetails struct {
	IP       string  `json:"ip"`
	Hostname *string `json:"hostname"`
	Port     int     `json:"port"`
	Password string  `json:"password"`
	WSS      struct {
		Token string `json:"token"`
		URL   string `json:"url"`
	} `json:"wss"`
	Enabled bool `json:"enabled"`
}

func viewVNC(tx *state.Tx, s *Server) (vncDetails, error) {
	var h Hypervisor
	if err := get(tx, collHypervisors, s.HypervisorID, &h, errHypervisorNotFound); err != nil {
		return vncDetails{}, err
	}
	v := vncDetails{IP: h.IP, Hostname: h.Hostname, Port: s.VNCPort, Password: s.VNCPassword, Enabled: s.VNCEnabled}
	v.WSS.Token, v.WSS.URL = s.VNCToken, "/vnc/?token="+s.VNCToken
	return v, nil
}

func (p *Provider) getServerVnc(c echo.Context) error {
	var out struct {
		VNC vncDetails `json:"vnc"`
	}
	err := provider.World(c).View(func(tx *state.Tx) error {
		s, err := loadServer(tx, provider.PathInt(c, "serverId"))
		if err != nil {
			return err
		}
		out.VNC, err = viewVNC(tx, s)
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, data{out})
}

// toggleServerVnc turns VNC on or off. The documented body is {"action":"enable"|"disable"};
// WHMCS-EZ sends {"vnc":true|false}, which is taken too. Each enable gets a new websocket
// token; the password stays.
func (p *Provider) toggleServerVnc(c echo.Context) error {
	var in struct {
		Action *string `json:"action"`
		VNC    *bool   `json:"vnc"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	errAction := apierr.Invalid("The action field is required.")
	var enable bool
	switch {
	case in.Action != nil:
		enable = *in.Action == "enable"
	case in.VNC != nil:
		if err := provider.Lenient(c, `VirtFusion takes {"action":"enable"|"disable"}; {"vnc":true|false} (WHMCS-EZ's body) is panelsim's alias for it`, errAction); err != nil {
			return err
		}
		enable = *in.VNC
	default:
		return errAction
	}
	var out struct {
		VNC     vncDetails `json:"vnc"`
		QueueID *int64     `json:"queueId"`
	}
	err := provider.World(c).Update(func(tx *state.Tx) error {
		s, err := loadServer(tx, provider.PathInt(c, "serverId"))
		if err != nil {
			return err
		}
		if enable && !s.VNCEnabled {
			s.VNCToken = provider.Credentials().UUID()
		}
		s.VNCEnabled, s.Updated = enable, tx.Now
		if err := saveServer(tx, s); err != nil {
			return err
		}
		out.VNC, err = viewVNC(tx, s)
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, data{out})
}

// throttleServerCpu sets the CPU throttle. sync (apply to the running domain now) changes
// nothing a client can see, so it is accepted and otherwise ignored.
func (p *Provider) throttleServerCpu(c echo.Context) error {
	var in struct {
		Percent int `json:"percent"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	err := updateServer(c, func(tx *state.Tx, s *Server) error {
		s.CPUThrottle, s.Updated = in.Percent, tx.Now
		return nil
	})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusCreated)
}

// setServerCustomXml stores custom libvirt XML sections. A section or flag that is not sent
// keeps its value.
func (p *Provider) setServerCustomXml(c echo.Context) error {
	var in struct {
		Domain          *string `json:"domain"`
		OS              *string `json:"os"`
		Devices         *string `json:"devices"`
		Features        *string `json:"features"`
		Clock           *string `json:"clock"`
		CPUTune         *string `json:"cpuTune"`
		DomainEnabled   *bool   `json:"domainEnabled"`
		OSEnabled       *bool   `json:"osEnabled"`
		DevicesEnabled  *bool   `json:"devicesEnabled"`
		FeaturesEnabled *bool   `json:"featuresEnabled"`
		ClockEnabled    *bool   `json:"clockEnabled"`
		CPUTuneEnabled  *bool   `json:"cpuTuneEnabled"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	set := func(part *xmlPart, xml *string, enabled *bool) {
		if xml != nil {
			part.XML = *xml
		}
		if enabled != nil {
			part.Enabled = *enabled
		}
	}
	err := updateServer(c, func(tx *state.Tx, s *Server) error {
		x := &s.CustomXML
		set(&x.Domain, in.Domain, in.DomainEnabled)
		set(&x.OS, in.OS, in.OSEnabled)
		set(&x.Devices, in.Devices, in.DevicesEnabled)
		set(&x.Features, in.Features, in.FeaturesEnabled)
		set(&x.Clock, in.Clock, in.ClockEnabled)
		set(&x.CPUTune, in.CPUTune, in.CPUTuneEnabled)
		s.Updated = tx.Now
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, "")
}
