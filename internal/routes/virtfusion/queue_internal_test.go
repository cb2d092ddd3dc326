package virtfusion

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// A queue item writes itself as encoding/json does, and its copy encodes as the item does ([] stays [], null stays null) and shares
// nothing the steps of a job change.
func TestQueueItemCloneRecord(t *testing.T) {
	now := time.Date(2025, 1, 20, 12, 0, 0, 0, time.UTC)
	msg := "OS disk"
	for _, q := range []*QueueItem{
		{ID: 1, Job: `App\Jobs\Server\KVM\Build`, Started: now, Updated: now, PrimaryActions: []QueueAction{}},
		{ID: 2, Started: now, Updated: now},
		{ID: 3, Started: now, Updated: now, Finished: &now, Failed: true, Error: &msg,
			PrimaryActions: []QueueAction{{Type: "server.boot", Made: true, Created: now}, {Type: "x", Data: json.RawMessage(`{"a":1}`), Created: now}}},
		{ID: 4, Action: "<power & more>", Started: now.In(time.FixedZone("CET", 3600)), Updated: now.Add(time.Nanosecond), Error: &msg,
			PrimaryActions: []QueueAction{{Type: "server.restart", Apart: true, Created: now}, {Type: "é", Data: json.RawMessage(`{ "a": "é<" }`), Created: now}}},
	} {
		want, _ := json.Marshal(q)
		own, err := q.AppendJSON(nil)
		if err != nil || !bytes.Equal(own, want) {
			t.Fatalf("AppendJSON wrote\n%s (%v)\nencoding/json\n%s", own, err, want)
		}
		c := q.CloneRecord().(*QueueItem)
		got, _ := json.Marshal(c)
		if !bytes.Equal(got, want) {
			t.Fatalf("copy encodes as\n%s\nitem as\n%s", got, want)
		}
		if c.Finished != nil {
			*c.Finished, *c.Error = now.Add(time.Hour), "changed"
		}
		if len(c.PrimaryActions) > 0 {
			c.PrimaryActions[0].Type = "changed"
		}
		c.step(now.Add(time.Second), "server.pending.action", map[string]any{"success": true}, 50)
		c.finish(now.Add(time.Minute), "failed")
		if again, _ := json.Marshal(q); !bytes.Equal(again, want) {
			t.Fatalf("changing the copy changed the item:\n%s\nwas\n%s", again, want)
		}
	}
}

// AppendJSON names every field of QueueItem and QueueAction: a field added to either must be
// added there too, or it would not be saved.
func TestQueueItemAppendJSONKnowsEveryField(t *testing.T) {
	if n := reflect.TypeOf(QueueItem{}).NumField(); n != 12 {
		t.Errorf("QueueItem has %d fields; AppendJSON writes 12: add the new one to it and to this test", n)
	}
	if n := reflect.TypeOf(QueueAction{}).NumField(); n != 5 {
		t.Errorf("QueueAction has %d fields; AppendJSON writes 5: add the new one to it and to this test", n)
	}
}
