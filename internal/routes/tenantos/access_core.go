package tenantos

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
)

// Answer filters. A role may hide fields of what its users are answered (the apiOutput
// permissions) and an alias user reaches only some of its account's records: the accounts
// group's Hooks.Authorize, which knows the caller's role, sets a filter for the request with
// SetAnswerFilter, and the route wrapper (handle) passes the handler's answer through it.
// Requests without a filter (administrators, and users whose role hides nothing) are
// answered as the handler writes them, with nothing buffered.

// AnswerFilter rewrites a success answer (its JSON body, status 2xx) before it is sent. It
// gets the body as the handler wrote it and returns the body to send.
type AnswerFilter func(body []byte) []byte

const keyAnswerFilter = "tenantos.answerFilter"

// SetAnswerFilter makes f rewrite the request's answer (call it from Hooks.Authorize); a
// second call replaces the first.
func SetAnswerFilter(c echo.Context, f AnswerFilter) { c.Set(keyAnswerFilter, f) }

// answerBuffer holds the handler's answer, status and body, until it is filtered.
type answerBuffer struct {
	http.ResponseWriter
	c      echo.Context
	f      AnswerFilter
	status int
	body   bytes.Buffer
}

func (b *answerBuffer) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *answerBuffer) Write(p []byte) (int, error) { return b.body.Write(p) }

// Unwrap lets http.ResponseController reach the connection.
func (b *answerBuffer) Unwrap() http.ResponseWriter { return b.ResponseWriter }

// startFilter puts a buffer in front of the answer when the request has a filter; nil when
// it has none.
func startFilter(c echo.Context) *answerBuffer {
	f, _ := c.Get(keyAnswerFilter).(AnswerFilter)
	if f == nil {
		return nil
	}
	b := &answerBuffer{ResponseWriter: c.Response().Writer, c: c, f: f}
	c.Response().Writer = b
	return b
}

// finish sends the answer, filtered when it is a success (its Content-Length, when the
// handler gave one, follows), and takes the buffer away.
func (b *answerBuffer) finish() {
	if b == nil {
		return
	}
	b.c.Response().Writer = b.ResponseWriter
	if b.status == 0 {
		return // nothing was answered
	}
	body := b.body.Bytes()
	if b.status >= 200 && b.status < 300 && len(body) > 0 {
		body = b.f(body)
		if h := b.Header(); h.Get(echo.HeaderContentLength) != "" {
			h.Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
		}
	}
	b.ResponseWriter.WriteHeader(b.status)
	b.ResponseWriter.Write(body)
}
