// Package apierr holds the classes of errors handlers return. Each provider words and shapes
// them its own way (VirtFusion's {"msg":…} and {"errors":[…]}, Tenantos' envelope, …).
package apierr

import (
	"net/http"
	"strings"
)

// Kind is the class of an error; it decides the status code.
type Kind int

const (
	// KindNotFound: the record the path names does not exist (404).
	KindNotFound Kind = iota + 1
	// KindInvalid: the request is well formed but refers to things that do not fit (422).
	KindInvalid
	// KindLocked: another task holds the resource (423).
	KindLocked
	// KindUnavailable: the resource cannot act now, e.g. a hypervisor in maintenance (503).
	KindUnavailable
	// KindConflict: the request clashes with the current state (409).
	KindConflict
	// KindForbidden: the token may not do this (403).
	KindForbidden
	// KindStatus: an answer with a given status (a scenario's), worded by the provider.
	KindStatus
)

// Error is an error a client is meant to see.
type Error struct {
	Kind Kind
	// Status is the status of a KindStatus error.
	Status int
	// Messages: one for most kinds; a list for KindInvalid.
	Messages []string
}

func (e *Error) Error() string { return strings.Join(e.Messages, " ") }

// Message is the first message.
func (e *Error) Message() string {
	if len(e.Messages) == 0 {
		return ""
	}
	return e.Messages[0]
}

// statusOf is each kind's usual status, as the Kind comments give it.
var statusOf = map[Kind]int{
	KindNotFound: http.StatusNotFound, KindInvalid: http.StatusUnprocessableEntity, KindLocked: http.StatusLocked,
	KindUnavailable: http.StatusServiceUnavailable, KindConflict: http.StatusConflict, KindForbidden: http.StatusForbidden,
}

// Code is the status to answer e with: its own for KindStatus, else the provider's status for
// the kind in remap (may be nil), else the kind's usual one; 500 for an unknown kind.
func (e *Error) Code(remap map[Kind]int) int {
	if e.Kind == KindStatus {
		return e.Status
	}
	if n, ok := remap[e.Kind]; ok {
		return n
	}
	if n, ok := statusOf[e.Kind]; ok {
		return n
	}
	return http.StatusInternalServerError
}

// NotFound says what was not found, in the provider's words ("server not found").
func NotFound(msg string) *Error { return &Error{Kind: KindNotFound, Messages: []string{msg}} }

// Invalid lists what is wrong with the request.
func Invalid(msgs ...string) *Error { return &Error{Kind: KindInvalid, Messages: msgs} }

// Locked says why the resource is busy.
func Locked(msg string) *Error { return &Error{Kind: KindLocked, Messages: []string{msg}} }

// Unavailable says why the resource cannot act now.
func Unavailable(msg string) *Error { return &Error{Kind: KindUnavailable, Messages: []string{msg}} }

// Conflict says what the request clashes with.
func Conflict(msg string) *Error { return &Error{Kind: KindConflict, Messages: []string{msg}} }

// Forbidden says what the token may not do.
func Forbidden(msg string) *Error { return &Error{Kind: KindForbidden, Messages: []string{msg}} }

// Status is an error answered with status code, in the provider's shape, saying msg.
func Status(code int, msg string) *Error {
	return &Error{Kind: KindStatus, Status: code, Messages: []string{msg}}
}
