package servers

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// collRuns is a counter of provisioning runs (the bucket's sequence only): each run gets a
// number of its own, kept in Install.TaskID, so that the pending step of a run that was
// stopped or replaced finds it changed and does nothing.
const collRuns = "servers.installRuns"

// reinstallInput is the body of startReinstallation.
type reinstallInput struct {
	ProfileID          int64    `json:"profileId"`
	RootPassword       *string  `json:"rootpassword"`
	DisklayoutID       int64    `json:"disklayoutId"`
	RunScripts         []string `json:"runScripts"`
	UserDiskLayout     string   `json:"userprovidedDiskLayout"`
	Hostname           string   `json:"hostname"`
	SSHKeys            []string `json:"sshkeys"`
	InstallPowerAction string   `json:"installPowerAction"`
}

// installData is what a step's job carries: the run it belongs to, the step it ends and the
// host name to set when the run completes.
type installData struct {
	Run      int64  `json:"run"`
	Step     int    `json:"step"`
	Hostname string `json:"hostname,omitempty"`
}

// startReinstallation answers POST /api/servers/{server}/provisioning/startReinstallation:
// the server is provisioned with a PXE profile: an OS install, a rescue boot, a root
// password reset or a disk wipe, in the steps p.Fx.Provisioning gives the profile's kind,
// on the world's clock. The server shows reinstallationRunning (or diskwipeRunning,
// rescueBootRunning, passwordResetRunning) while it runs; getInstallStatus shows its
// progress. When an install completes the server's os is the profile's OS and its hostname
// the one asked for; after a disk wipe it has no OS; the server is then online.
//
// Decisions where the documentation is silent:
//   - rootpassword (at least 8 characters) is needed by profiles that set a root password
//     (installs and password resets), not by rescue and disk wipe profiles. (The document
//     marks it required for every profile, so its validator refuses a body without it
//     before this handler runs.)
//   - The profile must be one the server is offered: not deleted, not disabled, allowed by
//     the PXE catalogue's rules (422 on profileId); disklayoutId and runScripts must be among
//     the ones the profile offers (422); hostname and sshkeys are only used by profiles that
//     allow them.
//   - A run already running is 409; a server without a reinstallation provider is 422 on
//     profileId; a user the server is suspended for is 403.
//   - installPowerAction restartAndPxeBoot (the default) sets the boot device to PXE and
//     resets the server, restartOnly resets it, noRestart leaves it (the steps still run on
//     the clock, as if the operator rebooted it).
//   - Each start writes an activity entry "Started PXE provisioning (<profile>)".
func (g *group) startReinstallation(c echo.Context) error {
	var in reinstallInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	who := tenantos.CallerOf(c)
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		s, err := tenantos.VisibleServer(tx, who.User, serverID(c))
		if err != nil {
			return err
		}
		if suspendedFor(who, s) {
			return errSuspended
		}
		pr, err := tenantos.PxeProfiles.Get(tx, in.ProfileID)
		if err != nil || !tenantos.PxeProfileOffered(tx, pr, s, who.User) {
			return tenantos.Invalid("profileId", "The selected profile id is invalid.")
		}
		if err := checkReinstall(tx, s, pr, who.User, &in); err != nil {
			return err
		}
		steps := g.p.Fx.Provisioning[pr.Kind]
		if len(steps) == 0 {
			return tenantos.Invalidf("profileId", "Profiles of kind %s cannot be run.", pr.Kind)
		}
		run, err := tx.Coll(tenantos.Name, collRuns).NextID()
		if err != nil {
			return err
		}
		s.Install = &tenantos.Install{ProfileID: pr.ID, Kind: pr.Kind, Step: 0, Steps: len(steps),
			Progress: []string{steps[0].Message}, Running: true, Started: tx.Now, TaskID: int64(run)}
		switch in.InstallPowerAction {
		case "", "restartAndPxeBoot":
			s.BootType = "pxe"
			fallthrough
		case "restartOnly":
			s.Power = "online"
			if err := schedulePowerStatus(tx, s.ID, g.p.Fx.Timings.PowerStatus); err != nil {
				return err
			}
		}
		s.Updated = tx.Now
		if err := tenantos.Servers.Put(tx, s.ID, s); err != nil {
			return err
		}
		d := installData{Run: int64(run), Step: 0}
		if pr.AllowHostname {
			d.Hostname = in.Hostname
		}
		if err := scheduleStep(tx, s.ID, steps[0].Seconds, d); err != nil {
			return err
		}
		return logServer(c, tx, s, "servers", fmt.Sprintf("Started PXE provisioning (%s)", pr.Name), nil)
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}

// checkReinstall refuses a run the server or the request does not allow; the disk layout and
// scripts must be ones the profile offers the server and user u (tenantos.PxeLayoutOffered).
func checkReinstall(tx *tenantos.Tx, s *tenantos.Server, pr *tenantos.PxeProfile, u *tenantos.User, in *reinstallInput) error {
	if !canReinstall(s) {
		return tenantos.Invalid("profileId", "The server cannot be provisioned: it has no reinstallation provider.")
	}
	if pr.SetRootPassword {
		switch {
		case in.RootPassword == nil || *in.RootPassword == "":
			return tenantos.Invalid("rootpassword", "The rootpassword field is required.")
		case len([]rune(*in.RootPassword)) < 8:
			return tenantos.Invalid("rootpassword", "The rootpassword must be at least 8 characters.")
		}
	}
	if in.DisklayoutID != 0 && !tenantos.PxeLayoutOffered(tx, pr, in.DisklayoutID, s, u) {
		return tenantos.Invalid("disklayoutId", "The selected disklayout id is invalid.")
	}
	for i, sc := range in.RunScripts {
		id, err := strconv.ParseInt(sc, 10, 64)
		if err != nil || !tenantos.PxeScriptOffered(tx, pr, id, s, u) {
			return tenantos.Invalidf(fmt.Sprintf("runScripts.%d", i), "The selected runScripts.%d is invalid.", i)
		}
	}
	if s.Install != nil && s.Install.Running {
		return apierr.Conflict("A provisioning task is already running on this server.")
	}
	return nil
}

// scheduleStep queues the job that ends step d.Step of a run after seconds.
func scheduleStep(tx *tenantos.Tx, serverID int64, seconds int, d installData) error {
	raw, err := json.Marshal(d)
	if err != nil {
		return err
	}
	_, err = tenantos.Schedule(tx, tenantos.Seconds(seconds), tenantos.Job{Op: jobInstall, ServerID: serverID, Data: raw})
	return err
}

// installJob ends one step of a run: the next step starts (its message joins the progress),
// or, after the last one, the run completes. A job of a run that was stopped or replaced, or
// of a server deleted meanwhile, does nothing.
func (g *group) installJob(tx *tenantos.Tx, j *tenantos.Job) error {
	var d installData
	if err := json.Unmarshal(j.Data, &d); err != nil {
		return err
	}
	s, err := tenantos.Servers.Get(tx, j.ServerID)
	if err == tenantos.ErrServerNotFound {
		return nil
	}
	if err != nil {
		return err
	}
	in := s.Install
	if in == nil || !in.Running || in.TaskID != d.Run || in.Step != d.Step {
		return nil
	}
	steps := g.p.Fx.Provisioning[in.Kind]
	in.Step++
	if in.Step < in.Steps && in.Step < len(steps) {
		in.Progress = append(in.Progress, steps[in.Step].Message)
		d.Step = in.Step
		if err := scheduleStep(tx, s.ID, steps[in.Step].Seconds, d); err != nil {
			return err
		}
	} else {
		in.Step, in.Running, in.Completed = in.Steps, false, true
		g.finish(tx, s, d)
	}
	s.Updated = tx.Now
	return tenantos.Servers.Put(tx, s.ID, s)
}

// finish applies what a completed run leaves on the server.
func (g *group) finish(tx *tenantos.Tx, s *tenantos.Server, d installData) {
	switch s.Install.Kind {
	case tenantos.KindInstall:
		if pr, err := tenantos.PxeProfiles.Get(tx, s.Install.ProfileID); err == nil {
			s.OS = pr.OS
			if s.OS == "" {
				s.OS = pr.Name
			}
		}
		if d.Hostname != "" {
			s.Hostname = d.Hostname
		}
	case tenantos.KindDiskWipe:
		s.OS = ""
	}
	if s.Install.Kind != tenantos.KindRescue {
		s.BootType = "disk"
	}
	s.Power, s.PowerStatus = "online", "online"
}

// installStatus is the answer of getInstallStatus, keys in the documented order.
type installStatus struct {
	InstallProgress       []string `json:"installProgress"`
	Completed             int      `json:"completed"`
	CanCancelInstallation int      `json:"canCancelInstallation"`
	Running               int      `json:"running"`
	Step                  int      `json:"step"`
}

// getInstallStatus answers GET /api/servers/{server}/provisioning/getInstallStatus: the
// messages of the steps started so far, whether the run is running, completed and can be
// cancelled (while it runs), and the step it is at (0-based; the number of steps once
// completed). A server that never ran one answers an empty status.
func (g *group) getInstallStatus(c echo.Context) error {
	who := tenantos.CallerOf(c)
	out := installStatus{InstallProgress: []string{}}
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		s, err := tenantos.VisibleServer(tx, who.User, serverID(c))
		if err != nil {
			return err
		}
		if in := s.Install; in != nil {
			out = installStatus{InstallProgress: tenantos.List(in.Progress), Completed: tenantos.Flag(in.Completed),
				CanCancelInstallation: tenantos.Flag(in.Running), Running: tenantos.Flag(in.Running), Step: in.Step}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// stopReinstallation answers GET /api/servers/{server}/provisioning/stopReinstallation, and
// …/stopReinstallation/{withoutPowerReset} (or ?withoutPowerReset=1): the running run ends
// (neither running nor completed), "Provisioning aborted" joins its progress and the
// activity log has "Aborted PXE provisioning"; the server is power-reset and boots from disk
// unless withoutPowerReset is 1. With no run running it is 409; a user the server is
// suspended for is 403.
func (g *group) stopReinstallation(c echo.Context) error {
	without := provider.QueryInt(c, "withoutPowerReset", 0) == 1
	if seg := c.Param("withoutPowerReset"); seg != "" {
		without = seg == "1" || seg == "true"
	}
	who := tenantos.CallerOf(c)
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		s, err := tenantos.VisibleServer(tx, who.User, serverID(c))
		if err != nil {
			return err
		}
		if suspendedFor(who, s) {
			return errSuspended
		}
		if s.Install == nil || !s.Install.Running {
			return apierr.Conflict("No provisioning task is running on this server.")
		}
		s.Install.Running, s.Install.Completed = false, false
		s.Install.Progress = append(s.Install.Progress, "Provisioning aborted")
		if !without {
			s.Power, s.BootType = "online", "disk"
			if err := schedulePowerStatus(tx, s.ID, g.p.Fx.Timings.PowerStatus); err != nil {
				return err
			}
		}
		s.Updated = tx.Now
		if err := tenantos.Servers.Put(tx, s.ID, s); err != nil {
			return err
		}
		return logServer(c, tx, s, "servers", "Aborted PXE provisioning", nil)
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}
