package inventory

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/internal/world"
)

// scopeDetection is the registry scope of a detection secret: find resolves it for the
// callback route only; it opens neither the API nor any other provider nor the control API.
const scopeDetection = tenantos.Name + "-hwdetect"

// detectTimeout is how long a command waits for its report before the server stops showing
// hardwarecollectRunning (the secret keeps working: a late report is still taken).
const detectTimeout = time.Hour

var errSuspended = apierr.Forbidden("This server is suspended.")

// newSecret draws a callback secret: 32 hex digits (128 bits), as the vendor's example.
func newSecret() string { return strings.TrimPrefix(provider.Credentials().HexUint(128), "0x") }

// getInventoryCommand answers the shell one-liner that reports the server's hardware to the
// panel: it fetches the detection script from this listener and runs it with the callback
// URL, https://<panel>/api/servers/inventory/callback/<secret>, where the panel is the
// request's scheme and host. The secret is fresh at every call and replaces the server's
// previous one (which stops working); it is registered as a way into this world for the
// callback only. The server shows hardwarecollectRunning 1 until the report comes, or for
// detectTimeout of the world's clock.
//
// Decisions where the documentation is silent: whoever manages the server's owner may ask
// for the command when the role allows it (only the administrator's does by default), but
// not a user the server is suspended for (403); the request is in the server's activity log.
func (g *group) getInventoryCommand(c echo.Context) error {
	who := tenantos.CallerOf(c)
	w := provider.World(c)
	visible := func(tx *tenantos.Tx) (*tenantos.Server, error) {
		s, err := tenantos.VisibleServer(tx, who.User, serverID(c))
		if err != nil {
			return nil, err
		}
		if !who.Admin() && tenantos.Contains(s.SuspendedUserIDs, who.User.ID) {
			return nil, errSuspended
		}
		return s, nil
	}
	// An unknown server costs no secret.
	if err := w.View(func(tx *tenantos.Tx) error { _, err := visible(tx); return err }); err != nil {
		return err
	}
	secret, err := g.register(w)
	if err != nil {
		return err
	}
	var old string
	err = w.Update(func(tx *tenantos.Tx) error {
		old = ""
		s, err := visible(tx)
		if err != nil {
			return err
		}
		if prev, err := detections.Get(tx, s.ID); err == nil {
			old = prev.Secret
			if err := tx.Index(tenantos.Name, idxDetection).Delete([]byte(tenantos.HashToken(prev.Secret))); err != nil {
				return err
			}
		}
		if err := detections.Put(tx, s.ID, &Detection{ServerID: s.ID, Secret: secret, Issued: tx.Now}); err != nil {
			return err
		}
		if err := tx.Index(tenantos.Name, idxDetection).Put([]byte(tenantos.HashToken(secret)), state.ID(uint64(s.ID))); err != nil {
			return err
		}
		s.HardwareCollect, s.Updated = true, tx.Now
		if err := tenantos.Servers.Put(tx, s.ID, s); err != nil {
			return err
		}
		data, _ := json.Marshal(expireData{Hash: tenantos.HashToken(secret)})
		if _, err := tenantos.Schedule(tx, detectTimeout, tenantos.Job{Op: jobDetectExpire, ServerID: s.ID, Data: data}); err != nil {
			return err
		}
		return tenantos.LogActivity(c, tx, serverEntry(s, s.ID, "Started the hardware detection", nil))
	})
	if err != nil {
		g.forget(secret)
		return err
	}
	if old != "" {
		g.forget(old)
	}
	panel := c.Scheme() + "://" + c.Request().Host
	return tenantos.OK(c, fmt.Sprintf("wget -qO - %s/api/scripts/hwdetect | bash -s '%s/api/servers/inventory/callback/%s'", panel, panel, secret))
}

// register draws a secret and makes it a way into w for the callback only (drawing again
// the rare one that leads somewhere already).
func (g *group) register(w *world.World) (string, error) {
	secret := newSecret()
	for attempt := 1; g.p.Cfg.AliasScoped != nil; attempt++ {
		err := g.p.Cfg.AliasScoped(secret, w, scopeDetection)
		if err == nil {
			break
		}
		if !errors.Is(err, world.ErrTokenTaken) || attempt == 8 {
			return "", err
		}
		secret = newSecret()
	}
	return secret, nil
}

// forget drops a secret's way into its world (a failure only leaves a secret that leads to
// no detection: its callback is 404).
func (g *group) forget(secret string) {
	if g.p.Cfg.Forget == nil {
		return
	}
	if err := g.p.Cfg.Forget(secret); err != nil {
		g.p.Log.Error("forget a detection secret", "err", err)
	}
}

// expireData is the data of a detectExpire job: the secret (its hash) it watches.
type expireData struct {
	Hash string `json:"hash"`
}

// detectExpireJob ends hardwarecollectRunning of a server whose command got no report in
// detectTimeout (unless a newer command replaced it).
func (g *group) detectExpireJob(tx *tenantos.Tx, j *tenantos.Job) error {
	var data expireData
	if err := json.Unmarshal(j.Data, &data); err != nil {
		return err
	}
	d, err := detections.Get(tx, j.ServerID)
	if err != nil || d.Received != nil || tenantos.HashToken(d.Secret) != data.Hash {
		return nil
	}
	s, err := tenantos.Servers.Get(tx, j.ServerID)
	if err != nil || !s.HardwareCollect {
		return nil
	}
	s.HardwareCollect, s.Updated = false, tx.Now
	return tenantos.Servers.Put(tx, s.ID, s)
}
