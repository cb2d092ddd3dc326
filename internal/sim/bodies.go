package sim

import (
	"net/http"
	"unsafe"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/journal"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/world"
)

// DefaultJournalBodiesMB is the memory the bodies of journal entries may take by default.
const DefaultJournalBodiesMB = 16

// bodyCapture keeps the first journal.MaxBody bytes of an answer for the journal, passing
// everything through. Whether it keeps anything is decided at the answer's first write, once
// the request's world is known: bodies are kept for a world someone watches (an event stream
// open, the dashboard), or for every world under Options.KeepAllBodies.
type bodyCapture struct {
	http.ResponseWriter
	c       echo.Context
	all     bool
	decided bool
	on      bool
	kept    []byte
	total   int
}

func (b *bodyCapture) Write(p []byte) (int, error) {
	if !b.decided {
		b.decided = true
		w := provider.World(b.c)
		b.on = w != nil && (b.all || w.Journal.Watched())
	}
	if room := journal.MaxBody - len(b.kept); b.on && room > 0 {
		if b.kept == nil {
			b.kept = make([]byte, 0, min(journal.MaxBody, max(len(p), 512)))
		}
		b.kept = append(b.kept, p[:min(room, len(p))]...)
	}
	b.total += len(p)
	return b.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection (flushes of event streams,
// scenarios that take the connection over).
func (b *bodyCapture) Unwrap() http.ResponseWriter { return b.ResponseWriter }

// exchange is what the journal keeps of the request's and the answer's bodies (nil when
// nothing is kept for this request).
func (b *bodyCapture) exchange(c echo.Context, w *world.World) *journal.Exchange {
	if b == nil {
		return nil
	}
	if !b.decided { // an answer without a body
		b.on = b.all || w.Journal.Watched()
	}
	if !b.on {
		return nil
	}
	body := requestBody(c)
	answer := ""
	if len(b.kept) > 0 {
		// kept is not written again: the journal takes it as it is, without a copy.
		answer = unsafe.String(&b.kept[0], len(b.kept))
	}
	return &journal.Exchange{
		RequestType: c.Request().Header.Get(echo.HeaderContentType), Request: journal.Cut(body), RequestBytes: len(body),
		ResponseType: c.Response().Header().Get(echo.HeaderContentType), Response: answer, ResponseBytes: b.total,
	}
}
