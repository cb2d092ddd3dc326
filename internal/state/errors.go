package state

import "errors"

// Error classes returned (wrapped) by the store. Callers test them with errors.Is.
var (
	ErrNotFound     = errors.New("not found")
	ErrExists       = errors.New("already exists")
	ErrNoWorld      = errors.New("no such world")
	ErrSchemaNewer  = errors.New("data file written by a newer panelsim")
	ErrStoreClosed  = errors.New("store closed")
	ErrBadKey       = errors.New("bad key")
	ErrSnapshotName = errors.New("invalid snapshot name")
	ErrTooMany      = errors.New("limit reached")
	ErrTooLarge     = errors.New("too large")
)
