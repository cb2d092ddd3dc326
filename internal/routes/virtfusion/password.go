package virtfusion

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

const taskResetPassword = "resetPassword"

type resetPasswordTask struct {
	ServerID int64  `json:"serverId"`
	QueueID  int64  `json:"queueId"`
	User     string `json:"user"`
}

// resetPasswordTime is how long a password reset takes (fixtures: settingsTimings).
func (p *Provider) resetPasswordTime() time.Duration {
	s := p.fx.SettingsTimings.ResetPassword
	if s <= 0 {
		s = 15
	}
	return time.Duration(s) * time.Second
}

// resetServerPassword queues a password reset through the guest agent and answers the
// password it will set. The documented body names the user (root or Administrator);
// WHMCS-EZ posts none, so a missing user means root. sendMail is accepted; no mail is sent.
// Refused with 423 while a task runs for the server, or when it is not built or suspended.
func (p *Provider) resetServerPassword(c echo.Context) error {
	var in struct {
		User     *string `json:"user"`
		SendMail *bool   `json:"sendMail"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	user := "root"
	if in.User != nil {
		user = *in.User
	} else if err := provider.Lenient(c, "VirtFusion requires user (root or Administrator); panelsim takes root when it is left out, as WHMCS-EZ sends no body",
		apierr.Invalid("The user field is required.")); err != nil {
		return err
	}
	var out struct {
		QueueID          int64  `json:"queueId"`
		ExpectedPassword string `json:"expectedPassword"`
	}
	err := provider.World(c).Update(func(tx *state.Tx) error {
		s, err := loadServer(tx, provider.PathInt(c, "serverId"))
		if err != nil {
			return err
		}
		switch {
		case s.ActiveQueue != 0:
			return errBusy
		case s.State != stateComplete:
			return apierr.Locked("The server has not been built.")
		case s.Suspended:
			return apierr.Locked("The server is suspended.")
		}
		q, err := newQueueItem(tx, s, `App\Jobs\Server\KVM\ResetPassword`, "reset_password")
		if err != nil {
			return err
		}
		out.QueueID, out.ExpectedPassword = q.ID, password(provider.Credentials(), 20)
		if _, err := tx.Enqueue(Name, taskResetPassword, tx.Now.Add(p.resetPasswordTime()), resetPasswordTask{s.ID, q.ID, user}); err != nil {
			return err
		}
		return saveServer(tx, s)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, data{out})
}

// runResetPassword finishes a password reset: the guest agent sets the password when the
// server runs; a stopped server fails the job and keeps its password.
func (p *Provider) runResetPassword(tx *state.Tx, task *state.Task) error {
	var t resetPasswordTask
	if err := json.Unmarshal(task.Data, &t); err != nil {
		return err
	}
	var q QueueItem
	if err := get(tx, collQueue, t.QueueID, &q, errQueueNotFound); err != nil {
		return err
	}
	s, err := loadServer(tx, t.ServerID)
	if err != nil {
		q.finish(tx.Now, "server not found")
		return saveQueue(tx, &q)
	}
	now := tx.Now
	if s.Power != powerRunning {
		q.step(now, "server.agent.ping", map[string]any{"success": false}, 50)
		q.finish(now, "The QEMU guest agent is not responding; the server is not running.")
	} else {
		q.step(now, "server.agent.ping", map[string]any{"success": true}, 50)
		q.step(now, "server.password.set", map[string]any{"success": true, "user": t.User}, 100)
		q.finish(now, "")
		s.EncryptedPassword = laravelCipher(p.Faker(fmt.Sprintf("reset-password-cipher-%d", s.ID), q.ID))
	}
	s.ActiveQueue, s.LastTaskOn, s.Updated = 0, &now, now
	if err := saveQueue(tx, &q); err != nil {
		return err
	}
	return saveServer(tx, s)
}
