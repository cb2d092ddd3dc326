package virtfusion

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

const taskPower = "power"

type powerTask struct {
	ServerID int64  `json:"serverId"`
	QueueID  int64  `json:"queueId"`
	Action   string `json:"action"`
}

// powerJobs are the queue jobs of the power actions.
var powerJobs = map[string]string{
	"boot":     `App\Jobs\Server\KVM\Power\Boot`,
	"shutdown": `App\Jobs\Server\KVM\Power\Shutdown`,
	"restart":  `App\Jobs\Server\KVM\Power\Restart`,
	"poweroff": `App\Jobs\Server\KVM\Power\PowerOff`,
}

// power queues a power action. Refused with 503 while the hypervisor is in maintenance and
// with 423 while another job runs for the server, or when it is not built or suspended.
func (p *Provider) power(action string) echo.HandlerFunc {
	return func(c echo.Context) error {
		var queueID int64
		err := provider.World(c).Update(func(tx *state.Tx) error {
			s, err := loadServer(tx, provider.PathInt(c, "serverId"))
			if err != nil {
				return err
			}
			var h Hypervisor
			if err := get(tx, collHypervisors, s.HypervisorID, &h, errHypervisorNotFound); err != nil {
				return err
			}
			switch {
			case h.Maintenance:
				return apierr.Unavailable("The server's hypervisor is in maintenance mode.")
			case s.ActiveQueue != 0:
				return errBusy
			case s.State != stateComplete:
				return apierr.Locked("The server has not been built.")
			case s.Suspended:
				return apierr.Locked("The server is suspended.")
			}
			if queueID, err = p.queuePower(tx, s, action); err != nil {
				return err
			}
			return saveServer(tx, s)
		})
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, data{map[string]int64{"queueId": queueID}})
	}
}

// queuePower starts a power action for the server (the caller saves it) and returns its queue
// item's id.
func (p *Provider) queuePower(tx *state.Tx, s *Server, action string) (int64, error) {
	q, err := newQueueItem(tx, s, powerJobs[action], action+"_server")
	if err != nil {
		return 0, err
	}
	if _, err := tx.Enqueue(Name, taskPower, tx.Now.Add(p.fx.Timings.power(action)), powerTask{s.ID, q.ID, action}); err != nil {
		return 0, err
	}
	return q.ID, nil
}

// runPower finishes a power action: the server's power state changes and it is free again.
func (p *Provider) runPower(tx *state.Tx, task *state.Task) error {
	var t powerTask
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
	switch t.Action {
	case "boot", "restart":
		if s.Power != powerRunning || t.Action == "restart" {
			s.PoweredOn = &now
		}
		s.Power = powerRunning
	case "shutdown", "poweroff":
		s.Power, s.PoweredOn = powerStopped, nil
	}
	consumePending(s, &q, t.Action, now)
	in, err := actionInputsOf(tx, s, "", false)
	if err != nil {
		return err
	}
	ac := &actionContext{in: in, q: &q, now: tx.Now, step: len(q.PrimaryActions)}
	if err := q.stepApart(tx, "server."+t.Action, ac.powerActionData(t.Action), 100); err != nil {
		return err
	}
	q.finish(now, "")
	s.ActiveQueue, s.LastTaskOn, s.Updated = 0, &now, now
	if err := saveQueue(tx, &q); err != nil {
		return err
	}
	return saveServer(tx, s)
}
