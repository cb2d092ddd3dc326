package sim

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"path/filepath"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/scenarios"
)

// recordingProxy makes a provider's API a proxy to a real panel that records every exchange
// as a scenario (Options.RecordUpstream): the file replays those answers in front of the
// simulator.
func (s *Simulator) recordingProxy(p provider.Provider, upstream string) (echo.HandlerFunc, error) {
	target, err := url.Parse(upstream)
	if err != nil || target.Scheme == "" || target.Host == "" {
		return nil, fmt.Errorf("record %s: upstream %q is not a URL", p.Name(), upstream)
	}
	file := filepath.Join(s.opts.RecordDir, p.Name()+"-recorded.yaml")
	rec := scenarios.NewRecorder(p.Name(), upstream, file, s.opts.Wall())
	s.log.Info("recording", "provider", p.Name(), "upstream", upstream, "file", file)
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.Out.URL.Path = singleJoin(target.Path, r.In.URL.Path)
			r.Out.URL.RawPath = ""
		},
		ErrorLog: nil,
	}
	return func(c echo.Context) error {
		req := c.Request()
		body := requestBody(c)
		req.Body = io.NopCloser(bytes.NewReader(body))
		rw := &capture{ResponseWriter: c.Response().Writer, status: http.StatusOK}
		start := s.opts.Wall()
		proxy.ServeHTTP(rw, req)
		ex := scenarios.Exchange{At: start, Seconds: s.opts.Wall().Sub(start).Seconds(), ContentType: req.Header.Get(echo.HeaderContentType),
			Accept: req.Header.Get(echo.HeaderAccept), Headers: scenarios.KeptHeaders(req.Header)}
		err := rec.Add(req.Method, req.URL.Path, req.URL.Query(), body, rw.status,
			rw.Header().Get(echo.HeaderContentType), rw.Header().Get("Retry-After"), rw.body.Bytes(), ex)
		if err != nil {
			s.log.Error("record", "err", err)
		}
		return nil
	}, nil
}

func singleJoin(a, b string) string {
	switch {
	case a == "" || a == "/":
		return b
	case a[len(a)-1] == '/' && b != "" && b[0] == '/':
		return a + b[1:]
	}
	return a + b
}

// capture passes an answer through and keeps a copy.
type capture struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (w *capture) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *capture) Write(b []byte) (int, error) {
	w.body.Write(b)
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the writer underneath.
func (w *capture) Unwrap() http.ResponseWriter { return w.ResponseWriter }
