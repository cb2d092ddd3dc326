package virtfusion

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/jsonw"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// QueueItem is a job of the panel's queue: a build or a power action of one server.
type QueueItem struct {
	ID             int64         `json:"id"`
	Job            string        `json:"job"`
	HypervisorID   int64         `json:"hypervisorId"`
	ServerID       int64         `json:"serverId"`
	Action         string        `json:"action"`
	Started        time.Time     `json:"started"`
	Updated        time.Time     `json:"updated"`
	Finished       *time.Time    `json:"finished"`
	Failed         bool          `json:"failed"`
	Progress       int           `json:"progress"`
	Error          *string       `json:"error"`
	PrimaryActions []QueueAction `json:"primaryActions"`
}

// QueueAction is one step a job has carried out. Data is kept encoded; the large data of a
// power action lives apart (Apart, in collQueueData), and that of a build's actions is made
// when the item is read (Made, from the build's actionInputs), so that the item, read and
// written again at every step, stays small.
type QueueAction struct {
	Type    string          `json:"type"`
	Data    json.RawMessage `json:"data,omitempty"`
	Apart   bool            `json:"apart,omitempty"`
	Made    bool            `json:"made,omitempty"`
	Created time.Time       `json:"created"`
}

// collQueueData holds the data of queue actions kept apart, keyed by queue item and position.
const collQueueData = "queueActionData"

func queueDataKey(queueID int64, i int) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, uint64(queueID))
	binary.BigEndian.PutUint64(k[8:], uint64(i))
	return k
}

// newQueueItem starts a job for a server; the server is busy until it finishes.
func newQueueItem(tx *state.Tx, s *Server, job, action string) (*QueueItem, error) {
	id, err := tx.Coll(Name, collQueue).NextID()
	if err != nil {
		return nil, err
	}
	q := &QueueItem{ID: int64(id), Job: job, HypervisorID: s.HypervisorID, ServerID: s.ID, Action: action,
		Started: tx.Now, Updated: tx.Now, PrimaryActions: []QueueAction{}}
	s.ActiveQueue = q.ID
	now := tx.Now
	s.LastTaskOn, s.Updated = &now, now
	return q, saveQueue(tx, q)
}

// CloneRecord copies the item (state.Cloner): the item is read and saved at every step of
// its job, and the store keeps it decoded between steps.
func (q *QueueItem) CloneRecord() any { return state.DeepCopy(q) }

// AppendJSON writes the item as encoding/json does (state.Encoder): it is saved at every step
// of its job.
func (q *QueueItem) AppendJSON(b []byte) ([]byte, error) {
	var err error
	b = append(b, `{"id":`...)
	b = jsonw.Int(b, q.ID)
	b = append(b, `,"job":`...)
	b = jsonw.String(b, q.Job)
	b = append(b, `,"hypervisorId":`...)
	b = jsonw.Int(b, q.HypervisorID)
	b = append(b, `,"serverId":`...)
	b = jsonw.Int(b, q.ServerID)
	b = append(b, `,"action":`...)
	b = jsonw.String(b, q.Action)
	b = append(b, `,"started":`...)
	if b, err = jsonw.Time(b, q.Started); err != nil {
		return nil, err
	}
	b = append(b, `,"updated":`...)
	if b, err = jsonw.Time(b, q.Updated); err != nil {
		return nil, err
	}
	b = append(b, `,"finished":`...)
	if q.Finished == nil {
		b = append(b, "null"...)
	} else if b, err = jsonw.Time(b, *q.Finished); err != nil {
		return nil, err
	}
	b = append(b, `,"failed":`...)
	b = jsonw.Bool(b, q.Failed)
	b = append(b, `,"progress":`...)
	b = jsonw.Int(b, int64(q.Progress))
	b = append(b, `,"error":`...)
	if q.Error == nil {
		b = append(b, "null"...)
	} else {
		b = jsonw.String(b, *q.Error)
	}
	b = append(b, `,"primaryActions":`...)
	if q.PrimaryActions == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, a := range q.PrimaryActions {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"type":`...)
			b = jsonw.String(b, a.Type)
			if len(a.Data) > 0 {
				b = append(b, `,"data":`...)
				if b, err = jsonw.Raw(b, a.Data); err != nil {
					return nil, err
				}
			}
			if a.Apart {
				b = append(b, `,"apart":true`...)
			}
			if a.Made {
				b = append(b, `,"made":true`...)
			}
			b = append(b, `,"created":`...)
			if b, err = jsonw.Time(b, a.Created); err != nil {
				return nil, err
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}'), nil
}

func saveQueue(tx *state.Tx, q *QueueItem) error {
	return tx.Coll(Name, collQueue).Put(state.ID(uint64(q.ID)), q)
}

// step records one action of a job.
func (q *QueueItem) step(now time.Time, kind string, data any, progress int) {
	raw, err := json.Marshal(data)
	if err != nil {
		raw = []byte("null")
	}
	q.PrimaryActions = append(q.PrimaryActions, QueueAction{Type: kind, Data: raw, Created: now})
	q.Progress, q.Updated = progress, now
}

// stepApart records one action whose data is stored apart from the item.
func (q *QueueItem) stepApart(tx *state.Tx, kind string, data any, progress int) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	if err := tx.Coll(Name, collQueueData).Put(queueDataKey(q.ID, len(q.PrimaryActions)), json.RawMessage(raw)); err != nil {
		return err
	}
	q.PrimaryActions = append(q.PrimaryActions, QueueAction{Type: kind, Apart: true, Created: tx.Now})
	q.Progress, q.Updated = progress, tx.Now
	return nil
}

// stepMade records one action of a build, whose data is made from the build's inputs when
// the item is read (see viewQueue).
func (q *QueueItem) stepMade(now time.Time, kind string, progress int) {
	q.PrimaryActions = append(q.PrimaryActions, QueueAction{Type: kind, Made: true, Created: now})
	q.Progress, q.Updated = progress, now
}

// keepBuildInputs keeps what the build's actions report, once for the queue item (at its
// first step, or at the first step run by a simulator that keeps them).
func keepBuildInputs(tx *state.Tx, s *Server, q *QueueItem, image string) error {
	c := tx.Coll(Name, collQueueInputs)
	if c.Has(state.ID(uint64(q.ID))) {
		return nil
	}
	in, err := actionInputsOf(tx, s, image, true)
	if err != nil {
		return err
	}
	return c.Put(state.ID(uint64(q.ID)), in)
}

// finish ends a job; errMsg marks it failed.
func (q *QueueItem) finish(now time.Time, errMsg string) {
	q.Finished, q.Updated = &now, now
	if errMsg != "" {
		q.Failed, q.Error = true, &errMsg
		return
	}
	q.Progress = 100
}

type queueView struct {
	ID             int64             `json:"id"`
	JobID          string            `json:"jobId"`
	Job            string            `json:"job"`
	HypervisorID   int64             `json:"hypervisorId"`
	ServerID       int64             `json:"serverId"`
	Action         string            `json:"action"`
	Queue          string            `json:"queue"`
	Started        *string           `json:"started"`
	Updated        string            `json:"updated"`
	Finished       *string           `json:"finished"`
	Failed         bool              `json:"failed"`
	Progress       int               `json:"progress"`
	Errors         queueErrors       `json:"errors"`
	PrimaryActions []queueActionView `json:"primaryActions"`
	SubActions     []any             `json:"subActions"`
}

type queueErrors struct {
	Exception struct {
		Stringable bool    `json:"stringable"`
		Errors     []any   `json:"errors"`
		Type       *string `json:"type"`
		Trace      *string `json:"trace"`
		Message    *string `json:"message"`
	} `json:"exception"`
}

type queueActionView struct {
	Type     string          `json:"type"`
	DataType string          `json:"dataType"`
	Data     json.RawMessage `json:"data"`
	Created  string          `json:"created"`
	Updated  string          `json:"updated"`
}

func (p *Provider) viewQueue(tx *state.Tx, q *QueueItem) (queueView, error) {
	v := queueView{ID: q.ID, JobID: strconv.FormatInt(q.ID+700, 10), Job: q.Job, HypervisorID: q.HypervisorID, ServerID: q.ServerID,
		Action: q.Action, Queue: "default", Started: fmtTimePtr(&q.Started, tsOffset), Updated: fmtTime(q.Updated, tsOffset),
		Finished: fmtTimePtr(q.Finished, tsOffset), Failed: q.Failed, Progress: q.Progress, SubActions: []any{},
		PrimaryActions: []queueActionView{}}
	v.Errors.Exception.Errors = []any{}
	if q.Error != nil {
		t := "RuntimeException"
		v.Errors.Exception.Type, v.Errors.Exception.Message, v.Errors.Exception.Stringable = &t, q.Error, true
	}
	var inputs *actionInputs
	for i, a := range q.PrimaryActions {
		ts := fmtTime(a.Created, tsOffset)
		raw := a.Data
		if a.Made {
			if inputs == nil {
				inputs = new(actionInputs)
				if err := tx.Coll(Name, collQueueInputs).Get(state.ID(uint64(q.ID)), inputs); err != nil {
					return v, fmt.Errorf("queue item %d: inputs of its actions: %w", q.ID, err)
				}
			}
			made, err := json.Marshal(p.buildActionData(&actionContext{in: inputs, q: q, now: a.Created, step: i}, a.Type))
			if err != nil {
				return v, err
			}
			raw = made
		}
		if a.Apart {
			stored := tx.Coll(Name, collQueueData).Raw(queueDataKey(q.ID, i))
			if stored == nil {
				return v, fmt.Errorf("queue item %d: no data for action %d", q.ID, i)
			}
			raw = append(json.RawMessage(nil), stored...) // the store's bytes live only as long as tx
		}
		if raw == nil {
			raw = json.RawMessage("null")
		}
		v.PrimaryActions = append(v.PrimaryActions, queueActionView{Type: a.Type, DataType: "object", Data: raw, Created: ts, Updated: ts})
	}
	return v, nil
}

func (p *Provider) getQueueItem(c echo.Context) error {
	var out queueView
	err := provider.World(c).View(func(tx *state.Tx) error {
		var q QueueItem
		if err := get(tx, collQueue, provider.PathInt(c, "queueId"), &q, errQueueNotFound); err != nil {
			return err
		}
		var err error
		out, err = p.viewQueue(tx, &q)
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, data{out})
}
