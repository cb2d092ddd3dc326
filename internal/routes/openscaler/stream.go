package openscaler

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// streamCreation answers a creation as server-sent events: one "progress" event per step of
// the creation as the world's clock carries it out, then a last event named after the status
// of the outcome: "200" with the VM, or "500" with {"detail": …} when the creation failed or
// the VM was deleted before it was created, or "503" when the simulator shuts down before
// the creation ends (it goes on after a restart). It wakes up whenever the world's clock moves or
// its tasks run, and rereads the VM from the store each time. A client that goes away does
// not stop the creation.
func (p *Provider) streamCreation(c echo.Context, id int64) error {
	w := provider.World(c)
	res := c.Response()
	h := res.Header()
	h.Set(echo.HeaderContentType, "text/event-stream")
	h.Set(echo.HeaderCacheControl, "no-cache")
	h.Set("X-Accel-Buffering", "no")
	res.WriteHeader(http.StatusOK)
	ctx := c.Request().Context()
	sent := 0
	for {
		changed := w.Changed()
		var (
			news    []Progress
			final   string
			payload any
		)
		err := w.View(func(tx *state.Tx) error {
			news, final, payload = nil, "", nil
			v, err := loadVM(tx, id)
			if errors.Is(err, errVMNotFound) {
				final, payload = "500", detail{fmt.Sprintf("VM %d no longer exists.", id)}
				return nil
			}
			if err != nil {
				return err
			}
			if sent < len(v.Steps) {
				news = v.Steps[sent:]
			}
			switch {
			case v.Failed != "":
				final, payload = "500", detail{v.Failed}
			case v.Creating && v.Deleting:
				final, payload = "500", detail{fmt.Sprintf("VM %d was deleted before its creation finished.", id)}
			case !v.Creating:
				final = "200"
				payload, err = renderVM(tx, v, allParts)
			}
			return err
		})
		if err != nil {
			p.Log.Error("create stream", "vm", id, "err", err)
			final, payload = "500", detail{"Internal Server Error"}
		}
		provider.KeepWriting(c)
		for _, pr := range news {
			if writeEvent(res, "progress", pr) != nil {
				return nil
			}
		}
		sent += len(news)
		if final != "" {
			writeEvent(res, final, payload)
			res.Flush()
			return nil
		}
		res.Flush()
		select {
		case <-changed:
		case <-ctx.Done():
			return nil
		case <-provider.Stopping(c):
			provider.KeepWriting(c)
			writeEvent(res, "503", detail{fmt.Sprintf("The server is shutting down; VM %d is still being created: GET /vms/%d shows how far it got.", id, id)})
			res.Flush()
			return nil
		}
	}
}

// writeEvent writes one event: its name and its data as one line of JSON.
func writeEvent(w http.ResponseWriter, event string, data any) error {
	var buf bytes.Buffer
	buf.WriteString("event: " + event + "\ndata: ")
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(data); err != nil {
		return err
	}
	buf.WriteString("\n")
	_, err := w.Write(buf.Bytes())
	return err
}
