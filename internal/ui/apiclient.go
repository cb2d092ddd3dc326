package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/panelsim/panelsim/internal/control"
)

// controlAPI calls the simulator's control API in-process, through the same handler that
// serves it to scripts: the dashboard has no other way into a world's state.
type controlAPI struct {
	h http.Handler
}

// apiError is an answer of the control API other than the one a call wanted.
type apiError struct {
	Status int
	Msg    string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d: %s", e.Status, e.Msg) }

// call sends method path (under /_sim) with token and body (JSON) and decodes a 2xx answer
// into out (when not nil); another answer is an *apiError carrying the control API's message.
func (a controlAPI) call(ctx context.Context, token, method, path string, body, out any) error {
	var rd io.Reader = http.NoBody
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, "/_sim"+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set(control.TokenHeader, token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	if rec.Code < 200 || rec.Code > 299 {
		var p struct {
			Error string `json:"error"`
		}
		json.Unmarshal(rec.Body.Bytes(), &p)
		if p.Error == "" {
			p.Error = http.StatusText(rec.Code)
		}
		return &apiError{Status: rec.Code, Msg: p.Error}
	}
	if out == nil || rec.Code == http.StatusNoContent {
		return nil
	}
	return json.Unmarshal(rec.Body.Bytes(), out)
}

// stream relays a streaming control call (the event stream) to w as it is written.
func (a controlAPI) stream(w http.ResponseWriter, r *http.Request, token, path string) {
	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, "/_sim"+path, http.NoBody)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	req.Header.Set(control.TokenHeader, token)
	a.h.ServeHTTP(w, req)
}
