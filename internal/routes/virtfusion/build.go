package virtfusion

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

const taskBuild = "build"

// buildSteps are the queue actions of a build, in the order the panel runs them.
var buildSteps = []string{
	"server.get.status", "server.config.dhcp", "server.os.template.exists", "server.os.template.download",
	"server.os.template.download.check", "server.create.ci", "server.disk.create.os", "server.os.install.check",
	"server.vnc.disable", "server.boot", "server.config.statistics",
}

type buildInput struct {
	OperatingSystemID int64   `json:"operatingSystemId"`
	Name              *string `json:"name"`
	Hostname          *string `json:"hostname"`
	SSHKeys           []int64 `json:"sshKeys"`
	VNC               bool    `json:"vnc"`
	IPv6              bool    `json:"ipv6"`
	Email             bool    `json:"email"`
	Swap              float64 `json:"swap"`
	Timezone          *string `json:"timezone"`
}

type buildTask struct {
	ServerID int64 `json:"serverId"`
	QueueID  int64 `json:"queueId"`
	Step     int   `json:"step"`
	// Pending are the server's pending actions the build took over: the (re)build makes the
	// domain with the server's current resources and disks, so they are done when it ends.
	Pending []PendingAction `json:"pending,omitempty"`
	// Image is the template's cloud image the build downloads.
	Image string `json:"image,omitempty"`
}

func (p *Provider) buildServer(c echo.Context) error {
	var in buildInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	w, id := provider.World(c), provider.PathInt(c, "serverId")
	root := password(provider.Credentials(), 20)
	var built *Server
	err := w.Update(func(tx *state.Tx) error {
		s, err := loadServer(tx, id)
		if err != nil {
			return err
		}
		built = s
		if s.ActiveQueue != 0 {
			return errBusy
		}
		if s.Suspended {
			return apierr.Locked("The server is suspended.")
		}
		tmpl, err := p.checkBuild(tx, s, &in)
		if err != nil {
			return err
		}
		f := p.Faker(fmt.Sprintf("build-%d", s.ID), tx.Now.UnixNano())
		switch {
		case in.Name != nil && *in.Name != "":
			s.Name = *in.Name
		case s.Name == "":
			s.Name = titleCase(f.Adjective() + " " + f.StreetSuffix())
		}
		if in.Hostname != nil {
			s.Hostname = in.Hostname
		}
		s.OSTemplateID, s.SSHKeys, s.VNCEnabled, s.WantIPv6 = in.OperatingSystemID, in.SSHKeys, in.VNC, in.IPv6
		s.Swap = int(in.Swap)
		s.EncryptedPassword = laravelCipher(f)
		s.State, s.CommissionStatus, s.ConfigLevel, s.BuildFailed = stateQueued, 1, 1, false
		q, err := newQueueItem(tx, s, `App\Jobs\Server\KVM\Build`, "build_server")
		if err != nil {
			return err
		}
		// A (re)build clears the pending actions: it carries them out itself.
		task := buildTask{ServerID: s.ID, QueueID: q.ID, Pending: s.Pending, Image: tmpl.Image}
		s.Pending = nil
		if _, err := tx.Enqueue(Name, taskBuild, tx.Now.Add(p.buildStep()), task); err != nil {
			return err
		}
		return saveServer(tx, s)
	})
	if err != nil {
		return err
	}
	// Shown after the commit, from a read-only transaction (see createServer).
	out, err := p.viewCommitted(w, built, renderOptions{build: true, password: root})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, data{out})
}

// checkBuild refuses a template the server's package does not offer and keys that are not
// the owner's; it returns the template.
func (p *Provider) checkBuild(tx *state.Tx, s *Server, in *buildInput) (*Template, error) {
	var pk Package
	if err := peek(tx, collPackages, s.PackageID, &pk, errPackageNotFound); err != nil {
		return nil, err
	}
	var msgs []string
	t, err := packageOffers(tx, &pk, in.OperatingSystemID)
	if err != nil {
		return nil, err
	} else if t == nil {
		msgs = append(msgs, "The selected operating system id is invalid.")
	}
	for i, id := range in.SSHKeys {
		var k SSHKey
		if err := tx.Coll(Name, collSSHKeys).Get(state.ID(uint64(id)), &k); err != nil || k.OwnerID != s.OwnerID {
			msgs = append(msgs, fmt.Sprintf("The selected ssh keys.%d is invalid.", i))
		}
	}
	if in.SSHKeys == nil {
		in.SSHKeys = []int64{}
	}
	if len(msgs) > 0 {
		return nil, apierr.Invalid(msgs...)
	}
	return t, nil
}

// buildStep is the time between two queue actions of a build.
func (p *Provider) buildStep() time.Duration {
	return time.Duration(p.fx.Timings.Build) * time.Second / time.Duration(len(buildSteps))
}

// runBuild carries out one action of a build; the last one completes the server.
func (p *Provider) runBuild(tx *state.Tx, task *state.Task) error {
	var t buildTask
	if err := json.Unmarshal(task.Data, &t); err != nil {
		return err
	}
	// The steps before the last only read the server: it comes from the decode cache, and is
	// loaded afresh to be changed when the build ends or fails.
	var s *Server
	var seen Server
	if err := peek(tx, collServers, t.ServerID, &seen, errServerNotFound); err != nil {
		return nil // deleted while building
	}
	s = &seen
	if t.Step == len(buildSteps)-1 || (seen.FailBuild != "" && buildSteps[t.Step] == failingStep) {
		fresh, err := loadServer(tx, t.ServerID)
		if err != nil {
			return err
		}
		s = fresh
	}
	var q QueueItem
	if err := get(tx, collQueue, t.QueueID, &q, errQueueNotFound); err != nil {
		return err
	}
	if s.FailBuild != "" && buildSteps[t.Step] == failingStep {
		s.Pending = append(t.Pending, s.Pending...) // not carried out: they wait again
		return failBuild(tx, s, &q, s.FailBuild)
	}
	last := t.Step == len(buildSteps)-1
	kind := buildSteps[t.Step]
	if kind == "server.vnc.disable" && s.VNCEnabled {
		kind = "server.vnc.enable"
	}
	if err := keepBuildInputs(tx, s, &q, t.Image); err != nil {
		return err
	}
	q.stepMade(tx.Now, kind, (t.Step+1)*100/len(buildSteps))
	if !last {
		t.Step++
		if _, err := tx.Enqueue(Name, taskBuild, tx.Now.Add(p.buildStep()), t); err != nil {
			return err
		}
		return saveQueue(tx, &q)
	}
	for _, a := range t.Pending {
		q.step(tx.Now, "server.pending.action", map[string]any{"success": true, "action": a.Action, "payload": a.Payload}, q.Progress)
	}
	s.activateDisks(t.Pending)
	consumePending(s, &q, "boot", tx.Now) // the build boots the server
	q.finish(tx.Now, "")
	now := tx.Now
	s.State, s.CommissionStatus, s.ConfigLevel = stateComplete, 3, 0
	s.Built, s.LastTaskOn, s.Updated, s.ActiveQueue = &now, &now, now, 0
	s.Power, s.PoweredOn = powerRunning, &now
	if s.WantIPv6 && len(s.IPv6) == 0 {
		var h Hypervisor
		if err := get(tx, collHypervisors, s.HypervisorID, &h, errHypervisorNotFound); err != nil {
			return err
		}
		sub, err := allocateIPv6(tx, &h, s.ID)
		if err != nil {
			return err
		}
		if sub != nil {
			s.IPv6 = append(s.IPv6, *sub)
		}
	}
	if err := saveQueue(tx, &q); err != nil {
		return err
	}
	return saveServer(tx, s)
}

// titleCase capitalises each word, as the panel's generated names are ("Elliptical Way").
func titleCase(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		r, n := utf8.DecodeRuneInString(w)
		words[i] = string(unicode.ToUpper(r)) + w[n:]
	}
	return strings.Join(words, " ")
}
