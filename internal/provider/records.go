package provider

import (
	"encoding/json"
	"errors"

	"github.com/panelsim/panelsim/internal/state"
)

// GetRecord decodes the record at key of one of a provider's collections into v; a missing
// record is notFound, the error the provider words for it.
func GetRecord(tx *state.Tx, provider, coll string, key []byte, v any, notFound error) error {
	err := tx.Coll(provider, coll).Get(key, v)
	if errors.Is(err, state.ErrNotFound) {
		return notFound
	}
	return err
}

// PeekRecord is GetRecord for a record the caller only reads (state.Coll.Peek): it may come
// decoded from the store's cache, in write transactions too, and must not be changed in place.
func PeekRecord(tx *state.Tx, provider, coll string, key []byte, v any, notFound error) error {
	err := tx.Coll(provider, coll).Peek(key, v)
	if errors.Is(err, state.ErrNotFound) {
		return notFound
	}
	return err
}

// PutRecord stores v at the integer id of one of a provider's collections, and keeps the
// collection's id counter past id (records with ids given by fixtures).
func PutRecord(tx *state.Tx, provider, coll string, id int64, v any) error {
	c := tx.Coll(provider, coll)
	if err := c.SetNextID(uint64(id) + 1); err != nil {
		return err
	}
	return c.Put(state.ID(uint64(id)), v)
}

// Records is one kind of a provider's records, keyed by integer id: JSON values of type T,
// with the provider's own error for a missing one.
type Records[T any] struct {
	Provider, Coll string
	NotFound       error
}

// Get loads the record with id; an id below 1 or a missing record is NotFound.
func (r Records[T]) Get(tx *state.Tx, id int64) (*T, error) {
	if id <= 0 {
		return nil, r.NotFound
	}
	var v T
	if err := GetRecord(tx, r.Provider, r.Coll, state.ID(uint64(id)), &v, r.NotFound); err != nil {
		return nil, err
	}
	return &v, nil
}

// Has reports whether a record with id exists.
func (r Records[T]) Has(tx *state.Tx, id int64) bool {
	return id > 0 && tx.Coll(r.Provider, r.Coll).Has(state.ID(uint64(id)))
}

// Put stores v under id.
func (r Records[T]) Put(tx *state.Tx, id int64, v *T) error {
	return PutRecord(tx, r.Provider, r.Coll, id, v)
}

// NextID is the id of a new record (1, 2, …; never reused).
func (r Records[T]) NextID(tx *state.Tx) (int64, error) {
	n, err := tx.Coll(r.Provider, r.Coll).NextID()
	return int64(n), err
}

// Delete removes the record with id (a missing one is no error).
func (r Records[T]) Delete(tx *state.Tx, id int64) error {
	return tx.Coll(r.Provider, r.Coll).Delete(state.ID(uint64(id)))
}

// All lists every record in id order.
func (r Records[T]) All(tx *state.Tx) ([]*T, error) {
	var out []*T
	err := r.Each(tx, func(v *T) error { out = append(out, v); return nil })
	return out, err
}

// Each calls fn for every record in id order until fn returns an error.
func (r Records[T]) Each(tx *state.Tx, fn func(*T) error) error {
	return tx.Coll(r.Provider, r.Coll).ForEach(func(_, raw []byte) error {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return err
		}
		return fn(&v)
	})
}

// Count is the number of records.
func (r Records[T]) Count(tx *state.Tx) int { return tx.Coll(r.Provider, r.Coll).Count() }
