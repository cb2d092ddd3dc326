package control

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/internal/world"
)

// Task pages: the first defaultTaskPage pending tasks in due order unless ?limit= says
// otherwise, at most maxTaskPage.
const (
	defaultTaskPage = 200
	maxTaskPage     = 1000
)

// registerTasks mounts the read of a world's pending tasks and of those that ran.
func (a *api) registerTasks(g *echo.Group) {
	g.GET("/tasks", a.withWorld(a.listTasks))
}

// pendingTask is a task waiting for the world's clock, with how far along the work it belongs
// to is when that can be told: Step is the step the task carries out (a build's queue
// action), Progress the percentage of the panel's queue item the task works on
// (data.queueId), as the panel reports it.
type pendingTask struct {
	state.Task
	Step     *int   `json:"step,omitempty"`
	Progress *int   `json:"progress,omitempty"`
	Action   string `json:"action,omitempty"`
}

// taskList is the answer of GET /_sim/tasks and the data of the event stream's "tasks" events.
type taskList struct {
	World   string        `json:"world"`
	Now     time.Time     `json:"now"`
	Total   int           `json:"total"`
	Pending []pendingTask `json:"pending"`
	Ran     []world.Ran   `json:"ran"`
}

func (a *api) listTasks(c echo.Context, w *world.World) error {
	limit, ok := queryInt(c, "limit", defaultTaskPage, 1, maxTaskPage)
	if !ok {
		return fail(c, http.StatusBadRequest, "limit must be a whole number from 1 to "+strconv.Itoa(maxTaskPage))
	}
	out, err := readTasks(w, limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// readTasks lists the first limit pending tasks of w in due order, and the tasks that ran.
func readTasks(w *world.World, limit int) (taskList, error) {
	out := taskList{World: w.ID, Now: w.Now(), Pending: []pendingTask{}, Ran: w.Timeline()}
	err := w.View(func(tx *state.Tx) error {
		err := tx.Tasks(func(t *state.Task) error {
			out.Total++
			if len(out.Pending) < limit {
				out.Pending = append(out.Pending, describeTask(tx, t))
			}
			return nil
		})
		return err
	})
	return out, err
}

// describeTask reads what a task's data tells of its progress.
func describeTask(tx *state.Tx, t *state.Task) pendingTask {
	p := pendingTask{Task: *t}
	var data struct {
		Step    *int    `json:"step"`
		QueueID *uint64 `json:"queueId"`
	}
	if json.Unmarshal(t.Data, &data) != nil {
		return p
	}
	p.Step = data.Step
	if data.QueueID != nil {
		var item struct {
			Progress *int   `json:"progress"`
			Action   string `json:"action"`
		}
		if raw := tx.Coll(t.Provider, "queue").Raw(state.ID(*data.QueueID)); raw != nil && json.Unmarshal(raw, &item) == nil {
			p.Progress, p.Action = item.Progress, item.Action
		}
	}
	return p
}
