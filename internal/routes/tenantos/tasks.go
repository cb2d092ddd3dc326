package tenantos

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/panelsim/panelsim/internal/state"
)

// taskKind is the world-task kind of every slow Tenantos operation; what the task does is
// its job's Op.
const taskKind = "job"

// Job is the data of a world task: the operation to carry out and its arguments.
type Job struct {
	Op       string          `json:"op"`
	ServerID int64           `json:"serverId,omitempty"`
	TaskID   int64           `json:"taskId,omitempty"` // the Task record it advances, if any
	Data     json.RawMessage `json:"data,omitempty"`
}

// JobFunc carries out one job inside the world task's transaction (tx.Now is its due time).
type JobFunc func(tx *state.Tx, j *Job) error

// runTask carries out a world task of this provider.
func (p *Provider) runTask(tx *state.Tx, task *state.Task) error {
	var j Job
	if err := json.Unmarshal(task.Data, &j); err != nil {
		return err
	}
	run := p.jobs[j.Op]
	if run == nil {
		return fmt.Errorf("tenantos: no job %q", j.Op)
	}
	return run(tx, &j)
}

// Schedule queues a job to run after d of the world's clock.
func Schedule(tx *state.Tx, d time.Duration, j Job) (*state.Task, error) {
	return tx.Enqueue(Name, taskKind, tx.Now.Add(d), j)
}

// Seconds is a duration of the fixtures.
func Seconds(n int) time.Duration { return time.Duration(n) * time.Second }
