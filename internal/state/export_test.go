package state

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// Every kind of key and value the store holds comes back byte for byte: ids, strings and other
// bytes as keys, compact JSON, indented JSON, text and binary as values, sets keyed by ids,
// sequences and counts.
func TestExportImportKeepsBytes(t *testing.T) {
	s, _ := openTest(t)
	src, dst := newWorld(t, s, "src"), newWorld(t, s, "dst")
	err := s.Update(src, func(tx *Tx) error {
		c := tx.Coll("p", "things")
		for i := 1; i <= 3; i++ {
			id, err := c.NextID()
			if err != nil {
				return err
			}
			if err := c.Put(ID(id), rec{N: i}); err != nil {
				return err
			}
		}
		odd := tx.Coll("p", "odd")
		for k, v := range map[string][]byte{"plain": []byte("text value"), "\x01\xffbin": {0, 1, 2, 0xff},
			"spaced": []byte(`{ "a": 1 }`), "empty": {}, "null": []byte("null")} {
			if err := odd.PutRaw([]byte(k), v); err != nil {
				return err
			}
		}
		if err := tx.Set("p", "members").Add(ID(7), ID(8)); err != nil {
			return err
		}
		if err := tx.Index("p", "byName").Put([]byte("x"), ID(2)); err != nil {
			return err
		}
		_, err := tx.Enqueue("p", "tick", time.Unix(100, 0).UTC(), map[string]int{"n": 1})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := s.ExportWorld(src, time.Unix(50, 0))
	if err != nil {
		t.Fatal(err)
	}
	check := ImportCheck{Providers: map[string]bool{"p": true}, TaskKinds: map[string]bool{"p/tick": true}}
	if err := check.Check(doc); err != nil {
		t.Fatal(err)
	}
	if err := s.ImportWorld(dst, doc); err != nil {
		t.Fatal(err)
	}
	again, err := s.ExportWorld(dst, time.Unix(50, 0))
	if err != nil {
		t.Fatal(err)
	}
	doc.World.ID = dst
	a, _ := json.Marshal(doc)
	b, _ := json.Marshal(again)
	if !bytes.Equal(a, b) {
		t.Fatalf("documents differ:\n%s\n%s", a, b)
	}
	err = s.View(dst, func(tx *Tx) error {
		if n := tx.Coll("p", "things").Count(); n != 3 {
			t.Errorf("count %d after import", n)
		}
		for k, want := range map[string]string{"\x01\xffbin": "\x00\x01\x02\xff", "spaced": `{ "a": 1 }`, "empty": "", "null": "null"} {
			if got := tx.Coll("p", "odd").Raw([]byte(k)); string(got) != want {
				t.Errorf("%q: %q, want %q", k, got, want)
			}
		}
		if n := tx.Set("p", "members").Len(ID(7)); n != 1 {
			t.Errorf("set members %d", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var next uint64
	if err := s.Update(dst, func(tx *Tx) (err error) { next, err = tx.Coll("p", "things").NextID(); return err }); err != nil || next != 4 {
		t.Fatalf("next id %d (%v), want 4", next, err)
	}
}
