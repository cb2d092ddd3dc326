package state

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
)

// WorldFormat names the layout of a world document; a document of another format is refused.
const WorldFormat = "panelsim-world/1"

// WorldDoc is a world as one readable JSON document: its clock, alias tokens, pending tasks
// and every provider's records, indexes and id counters (world export and import). Encoding
// a world, decoding the document and encoding the world again gives the same bytes.
type WorldDoc struct {
	Format string    `json:"format"`
	Schema int       `json:"schema"`
	World  WorldHead `json:"world"`
	// Tokens are the world's alias tokens (API keys made through a provider's API), each
	// opening the world for one provider; the token the world was made for is not included.
	Tokens []DocToken `json:"tokens"`
	// Seeded lists the providers whose fixtures are in the world; Lazy marks a world filled
	// one provider at a time (every world made by this build).
	Seeded []string `json:"seeded"`
	Lazy   bool     `json:"lazy"`
	// TaskSequence is the last task id given out.
	TaskSequence uint64 `json:"taskSequence"`
	Tasks        []Task `json:"tasks"`
	// Providers maps each provider (and "panelsim", the world's own scenarios) to its bucket:
	// one nested bucket per kind of record, index and set.
	Providers map[string]*DocBucket `json:"providers"`
}

// WorldHead is what a world document says of the world itself.
type WorldHead struct {
	ID      string    `json:"id"`
	Created time.Time `json:"created"`
	Clock   time.Time `json:"clock"`
}

// DocToken is an alias token of a world and the provider it opens.
type DocToken struct {
	Token string `json:"token"`
	Scope string `json:"scope"`
}

// DocBucket is a bucket of the store: its name (in its parent; none for a provider's
// bucket, named by the map), id counter, keys in key order and nested buckets in key order.
type DocBucket struct {
	DocKey
	Sequence uint64       `json:"sequence,omitempty"`
	Records  []DocRecord  `json:"records,omitempty"`
	Buckets  []*DocBucket `json:"buckets,omitempty"`
}

// DocKey is a key of the store: an id (8-byte big-endian keys below 2^56), a string, or
// base64 for other bytes.
type DocKey struct {
	ID        *uint64 `json:"id,omitempty"`
	Key       *string `json:"key,omitempty"`
	KeyBase64 *string `json:"keyBase64,omitempty"`
}

// DocRecord is one key and its value: JSON as stored, a string, or base64 for other bytes.
type DocRecord struct {
	DocKey
	Value  json.RawMessage `json:"value,omitempty"`
	Text   *string         `json:"text,omitempty"`
	Base64 *string         `json:"base64,omitempty"`
}

// ExportWorld reads the world id as a document, with clock as its time (the world's clock
// may be ahead of what the store last saved).
func (s *Store) ExportWorld(id string, clock time.Time) (*WorldDoc, error) {
	doc := &WorldDoc{Format: WorldFormat, Schema: SchemaVersion, Tokens: []DocToken{}, Seeded: []string{}, Tasks: []Task{},
		Providers: map[string]*DocBucket{}}
	err := s.db.View(func(btx *bolt.Tx) error {
		var info WorldInfo
		if err := readInfo(btx, id, &info); err != nil {
			return err
		}
		if clock.Before(info.Clock) {
			clock = info.Clock
		}
		doc.World = WorldHead{ID: id, Created: info.Created.UTC(), Clock: clock.UTC()}
		if err := btx.Bucket(bucketTokens).ForEach(func(k, v []byte) error {
			if t := decodeToken(v); t.World == id && string(k) != info.Token {
				doc.Tokens = append(doc.Tokens, DocToken{Token: string(k), Scope: t.Scope})
			}
			return nil
		}); err != nil {
			return err
		}
		w := btx.Bucket(bucketWorlds).Bucket([]byte(id))
		meta := w.Bucket(bucketMeta)
		doc.Lazy = meta.Get(keyLazy) != nil
		if err := meta.ForEach(func(k, _ []byte) error {
			if p, ok := strings.CutPrefix(string(k), seededPrefix); ok {
				doc.Seeded = append(doc.Seeded, p)
			}
			return nil
		}); err != nil {
			return err
		}
		if tasks := w.Bucket(bucketTasks); tasks != nil {
			doc.TaskSequence = tasks.Sequence()
			if err := tasks.ForEach(func(_, v []byte) error {
				var t Task
				if err := decodeTask(v, &t); err != nil {
					return fmt.Errorf("task: %w", err)
				}
				doc.Tasks = append(doc.Tasks, t)
				return nil
			}); err != nil {
				return err
			}
		}
		return w.ForEachBucket(func(k []byte) error {
			if bytes.Equal(k, bucketMeta) || bytes.Equal(k, bucketTasks) {
				return nil
			}
			doc.Providers[string(k)] = exportBucket(w.Bucket(k))
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return doc, nil
}

// exportBucket describes b; collection counts (n:<kind>) are left out, being worked out
// again on import.
func exportBucket(b *bolt.Bucket) *DocBucket {
	out := &DocBucket{Sequence: b.Sequence()}
	b.ForEach(func(k, v []byte) error {
		if v == nil {
			child := exportBucket(b.Bucket(k))
			child.DocKey = docKey(k)
			out.Buckets = append(out.Buckets, child)
			return nil
		}
		if strings.HasPrefix(string(k), countPrefix) {
			return nil
		}
		out.Records = append(out.Records, exportRecord(k, v))
		return nil
	})
	return out
}

func docKey(k []byte) DocKey {
	var d DocKey
	switch {
	case len(k) == 8 && k[0] == 0:
		id := binary.BigEndian.Uint64(k)
		d.ID = &id
	case printable(k):
		key := string(k)
		d.Key = &key
	default:
		key := base64.StdEncoding.EncodeToString(k)
		d.KeyBase64 = &key
	}
	return d
}

func exportRecord(k, v []byte) DocRecord {
	r := DocRecord{DocKey: docKey(k)}
	var compact bytes.Buffer
	switch {
	case len(v) > 0 && json.Valid(v) && json.Compact(&compact, v) == nil && bytes.Equal(compact.Bytes(), v):
		r.Value = bytes.Clone(v)
	case printable(v):
		text := string(v)
		r.Text = &text
	default:
		b := base64.StdEncoding.EncodeToString(v)
		r.Base64 = &b
	}
	return r
}

// printable reports whether b is UTF-8 text without control characters.
func printable(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, r := range string(b) {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// ImportCheck says what a document may hold: the providers of this simulator and the task
// kinds it can run ("provider/kind").
type ImportCheck struct {
	Providers map[string]bool
	TaskKinds map[string]bool
}

// scope reports whether a token scope belongs to a provider: its name, or a scope of its own
// ("tenantos-…").
func (c ImportCheck) scope(s string) bool {
	name, _, _ := strings.Cut(s, "-")
	return c.Providers[name]
}

// ErrDoesNotFit is returned, wrapped in a *DocProblems, for a document this build cannot load.
var ErrDoesNotFit = errors.New("the world document does not fit")

// DocProblems lists what does not fit in a world document.
type DocProblems struct{ Problems []string }

func (p *DocProblems) Error() string {
	return ErrDoesNotFit.Error() + ": " + strings.Join(p.Problems, "; ")
}

// Unwrap lets errors.Is find ErrDoesNotFit.
func (p *DocProblems) Unwrap() error { return ErrDoesNotFit }

// Check lists what in doc does not fit this build and simulator; nil when it all fits.
func (c ImportCheck) Check(doc *WorldDoc) error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if doc.Format != WorldFormat {
		add("format is %q, this build reads %q", doc.Format, WorldFormat)
	}
	if doc.Schema != SchemaVersion {
		add("schema is %d, this build's store is schema %d", doc.Schema, SchemaVersion)
	}
	if doc.World.Clock.IsZero() {
		add("world.clock is missing")
	}
	for _, p := range doc.Seeded {
		if !c.Providers[p] {
			add("seeded: %q is not a provider of this simulator", p)
		}
	}
	seen := map[string]bool{}
	for i, t := range doc.Tokens {
		switch {
		case t.Token == "":
			add("tokens[%d]: empty token", i)
		case !c.scope(t.Scope):
			add("tokens[%d]: scope %q is not one of a provider of this simulator", i, t.Scope)
		case seen[t.Token]:
			add("tokens[%d]: token given twice", i)
		}
		seen[t.Token] = true
	}
	ids := map[uint64]bool{}
	for i, t := range doc.Tasks {
		if !c.TaskKinds[t.Provider+"/"+t.Kind] {
			add("tasks[%d]: no task %q of provider %q in this build", i, t.Kind, t.Provider)
		}
		if t.Due.IsZero() {
			add("tasks[%d]: due is missing", i)
		}
		if ids[t.ID] || t.ID == 0 || t.ID > doc.TaskSequence {
			add("tasks[%d]: id %d is 0, repeated or past taskSequence %d", i, t.ID, doc.TaskSequence)
		}
		ids[t.ID] = true
	}
	names := make([]string, 0, len(doc.Providers))
	for name := range doc.Providers {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if name != scenarioOwner && !c.Providers[name] {
			add("providers: %q is not a provider of this simulator", name)
		}
		checkBucket("providers."+name, doc.Providers[name], add)
	}
	if len(problems) > 0 {
		return &DocProblems{Problems: problems}
	}
	return nil
}

// scenarioOwner is where a world keeps its own scenarios (see internal/sim).
const scenarioOwner = "panelsim"

func checkBucket(path string, b *DocBucket, add func(string, ...any)) {
	if b == nil {
		add("%s: null", path)
		return
	}
	prev := []byte(nil)
	for i, r := range b.Records {
		k, err := r.key()
		if err != nil {
			add("%s.records[%d]: %v", path, i, err)
			continue
		}
		if _, err := r.value(); err != nil {
			add("%s.records[%d]: %v", path, i, err)
		}
		if prev != nil && bytes.Compare(k, prev) <= 0 {
			add("%s.records[%d]: keys out of order or repeated", path, i)
		}
		prev = k
	}
	prev = nil
	for i, child := range b.Buckets {
		where := fmt.Sprintf("%s.buckets[%d]", path, i)
		if child == nil {
			add("%s: null", where)
			continue
		}
		k, err := child.key()
		if err != nil {
			add("%s: %v", where, err)
			continue
		}
		if prev != nil && bytes.Compare(k, prev) <= 0 {
			add("%s: names out of order or repeated", where)
		}
		prev = k
		checkBucket(where, child, add)
	}
}

func (r DocKey) key() ([]byte, error) {
	n := 0
	var k []byte
	if r.ID != nil {
		n++
		k = binary.BigEndian.AppendUint64(nil, *r.ID)
	}
	if r.Key != nil {
		n++
		k = []byte(*r.Key)
	}
	if r.KeyBase64 != nil {
		n++
		var err error
		if k, err = base64.StdEncoding.DecodeString(*r.KeyBase64); err != nil {
			return nil, fmt.Errorf("keyBase64: %w", err)
		}
	}
	if n != 1 || len(k) == 0 {
		return nil, errors.New("needs exactly one non-empty key: id, key or keyBase64")
	}
	return k, nil
}

func (r DocRecord) value() ([]byte, error) {
	n := 0
	var v []byte
	if r.Value != nil {
		n++
		var buf bytes.Buffer
		if err := json.Compact(&buf, r.Value); err != nil {
			return nil, fmt.Errorf("value: %w", err)
		}
		v = buf.Bytes()
	}
	if r.Text != nil {
		n++
		v = []byte(*r.Text)
	}
	if r.Base64 != nil {
		n++
		var err error
		if v, err = base64.StdEncoding.DecodeString(*r.Base64); err != nil {
			return nil, fmt.Errorf("base64: %w", err)
		}
	}
	if n != 1 {
		return nil, errors.New("needs exactly one of value, text and base64")
	}
	if v == nil {
		v = []byte{}
	}
	return v, nil
}

// ImportWorld replaces the contents of world id with doc (checked first with ImportCheck.Check):
// records, tasks, clock and alias tokens; the world keeps its id, main token and origin.
// Alias tokens of the world that doc does not list are removed; a token of doc that leads
// to another world refuses the whole import (a *DocProblems).
func (s *Store) ImportWorld(id string, doc *WorldDoc) error {
	defer s.Changed(id)
	var delta int64 // tasks added less tasks removed, for the pending count
	err := s.db.Update(func(btx *bolt.Tx) error {
		worlds := btx.Bucket(bucketWorlds)
		var old WorldInfo
		if err := readInfo(btx, id, &old); err != nil {
			return err
		}
		tokens := btx.Bucket(bucketTokens)
		var problems []string
		for _, t := range doc.Tokens {
			if v := tokens.Get([]byte(t.Token)); v != nil && decodeToken(v).World != id {
				problems = append(problems, fmt.Sprintf("token %s… already opens another world", mask(t.Token)))
			}
		}
		if len(problems) > 0 {
			return &DocProblems{Problems: problems}
		}
		var drop [][]byte
		if err := tokens.ForEach(func(k, v []byte) error {
			if decodeToken(v).World == id && string(k) != old.Token {
				drop = append(drop, bytes.Clone(k))
			}
			return nil
		}); err != nil {
			return err
		}
		for _, k := range drop {
			if err := tokens.Delete(k); err != nil {
				return err
			}
		}
		for _, t := range doc.Tokens {
			if err := tokens.Put([]byte(t.Token), encodeToken(TokenInfo{World: id, Scope: t.Scope})); err != nil {
				return err
			}
		}
		delta = int64(len(doc.Tasks)) - tasksIn(worlds.Bucket([]byte(id)))
		if err := worlds.DeleteBucket([]byte(id)); err != nil {
			return err
		}
		w, err := worlds.CreateBucket([]byte(id))
		if err != nil {
			return err
		}
		meta, err := w.CreateBucket(bucketMeta)
		if err != nil {
			return err
		}
		info := WorldInfo{ID: id, Token: old.Token, Created: doc.World.Created, Clock: doc.World.Clock.UTC(), AnyToken: old.AnyToken}
		raw, _ := json.Marshal(info)
		if err := meta.Put(keyInfo, raw); err != nil {
			return err
		}
		if err := putClock(meta, info.Clock); err != nil {
			return err
		}
		if doc.Lazy {
			if err := meta.Put(keyLazy, []byte{1}); err != nil {
				return err
			}
		}
		for _, p := range doc.Seeded {
			if err := meta.Put([]byte(seededPrefix+p), []byte{1}); err != nil {
				return err
			}
		}
		tasks, err := w.CreateBucket(bucketTasks)
		if err != nil {
			return err
		}
		if err := tasks.SetSequence(doc.TaskSequence); err != nil {
			return err
		}
		for _, t := range doc.Tasks {
			raw, err := encodeTask(&t)
			if err != nil {
				return err
			}
			if err := tasks.Put(taskKey(t.Due, t.ID), raw); err != nil {
				return err
			}
		}
		for name, b := range doc.Providers {
			child, err := w.CreateBucket([]byte(name))
			if err != nil {
				return err
			}
			if err := importBucket(child, b, true); err != nil {
				return fmt.Errorf("providers.%s: %w", name, err)
			}
		}
		return nil
	})
	if err == nil {
		s.addTasks(delta)
	}
	return err
}

// importBucket fills the empty dst from b. In a provider's bucket (counts) it keeps the count
// of every collection (n:<kind>) beside it, as writes through Coll do.
func importBucket(dst *bolt.Bucket, b *DocBucket, counts bool) error {
	if err := dst.SetSequence(b.Sequence); err != nil {
		return err
	}
	for _, r := range b.Records {
		k, err := r.key()
		if err != nil {
			return err
		}
		v, err := r.value()
		if err != nil {
			return err
		}
		if err := dst.Put(k, v); err != nil {
			return err
		}
	}
	for _, child := range b.Buckets {
		name, err := child.key()
		if err != nil {
			return err
		}
		nested, err := dst.CreateBucket(name)
		if err != nil {
			return err
		}
		if err := importBucket(nested, child, false); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if counts && !bytes.HasPrefix(name, []byte(indexPrefix)) && !bytes.HasPrefix(name, []byte(setPrefix)) {
			n := uint64(len(child.Records))
			if err := dst.Put(append([]byte(countPrefix), name...), binary.BigEndian.AppendUint64(nil, n)); err != nil {
				return err
			}
		}
	}
	return nil
}

// mask shows the first characters of a secret.
func mask(token string) string {
	if len(token) > 4 {
		return token[:4]
	}
	return ""
}

// Counts is how many records each kind of each provider holds in the world (indexes and sets
// left out).
func (t *Tx) Counts() map[string]map[string]int {
	out := map[string]map[string]int{}
	t.world.ForEachBucket(func(p []byte) error {
		if bytes.Equal(p, bucketMeta) || bytes.Equal(p, bucketTasks) {
			return nil
		}
		kinds := map[string]int{}
		t.world.Bucket(p).ForEachBucket(func(k []byte) error {
			kind := string(k)
			if !strings.HasPrefix(kind, indexPrefix) && !strings.HasPrefix(kind, setPrefix) {
				kinds[kind] = t.Coll(string(p), kind).Count()
			}
			return nil
		})
		out[string(p)] = kinds
		return nil
	})
	return out
}
