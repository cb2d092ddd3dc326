package state

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"
)

// Task is a persisted piece of asynchronous work: a provider's runner for Kind is called
// once the world's clock reaches Due.
type Task struct {
	ID       uint64          `json:"id"`
	Provider string          `json:"provider"`
	Kind     string          `json:"kind"`
	Due      time.Time       `json:"due"`
	Created  time.Time       `json:"created"`
	Data     json.RawMessage `json:"data,omitempty"`
}

func taskKey(due time.Time, id uint64) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, uint64(due.UnixNano()))
	binary.BigEndian.PutUint64(k[8:], id)
	return k
}

// Enqueue stores a task; ID and Created are filled in. data is encoded as JSON.
func (t *Tx) Enqueue(provider, kind string, due time.Time, data any) (*Task, error) {
	b, err := t.world.CreateBucketIfNotExists(bucketTasks)
	if err != nil {
		return nil, err
	}
	id, err := b.NextSequence()
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return nil, fmt.Errorf("task %s: encode: %w", kind, err)
	}
	task := &Task{ID: id, Provider: provider, Kind: kind, Due: due.UTC(), Created: t.Now.UTC(), Data: raw}
	enc, err := encodeTask(task)
	if err != nil {
		return nil, fmt.Errorf("task %s: encode: %w", kind, err)
	}
	key := taskKey(task.Due, id)
	if err := b.Put(key, enc); err != nil {
		return nil, err
	}
	if t.taskFloor != nil && bytes.Compare(key, t.taskFloor) < 0 {
		t.taskFloor = nil // due before the task NextTask found: look from the start again
	}
	t.enqueued = append(t.enqueued, task.Due)
	t.taskDelta++
	return task, nil
}

// NextTask returns the task due first, or nil when none is pending.
func (t *Tx) NextTask() (*Task, error) {
	b := t.world.Bucket(bucketTasks)
	if b == nil {
		return nil, nil
	}
	// Tasks run in a batch are deleted from the front of the bucket; bbolt keeps their
	// emptied pages until the commit, and First would walk all of them each time. Nothing
	// sorts before the task found last (Enqueue forgets it otherwise), so look from there.
	c := b.Cursor()
	var k, v []byte
	if t.taskFloor != nil {
		k, v = c.Seek(t.taskFloor)
	} else {
		k, v = c.First()
	}
	if k == nil {
		return nil, nil
	}
	t.taskFloor = append(t.taskFloor[:0], k...)
	var task Task
	if err := decodeTask(v, &task); err != nil {
		return nil, fmt.Errorf("task %x: %w", k, err)
	}
	return &task, nil
}

// DeleteTask removes a task (after it ran, or to cancel it).
func (t *Tx) DeleteTask(task *Task) error {
	b := t.world.Bucket(bucketTasks)
	if b == nil {
		return nil
	}
	k := taskKey(task.Due, task.ID)
	if b.Get(k) == nil {
		return nil
	}
	t.taskDelta--
	return b.Delete(k)
}

// Tasks calls fn for every pending task in due order.
func (t *Tx) Tasks(fn func(*Task) error) error {
	b := t.world.Bucket(bucketTasks)
	if b == nil {
		return nil
	}
	return b.ForEach(func(k, v []byte) error {
		var task Task
		if err := decodeTask(v, &task); err != nil {
			return err
		}
		return fn(&task)
	})
}
