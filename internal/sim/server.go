package sim

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
)

// hardHeaderLimit is what Go's server itself reads of a request's header fields at most: far
// above Options.MaxHeaderBytes, so that the provider's own 431 answers almost every time.
func (s *Simulator) hardHeaderLimit() int { return max(1<<20, 2*s.opts.MaxHeaderBytes) }

// listen opens a provider's listener within the connection bound and serves it in the
// background, with the timeouts of Options; HTTP/2 is offered over TLS.
func (s *Simulator) listen(p provider.Provider, addr string, tlsConf *tls.Config, reqCtx context.Context) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%s listener on %s: %w", p.Name(), addr, err)
	}
	limited := &limitedListener{Listener: ln, lim: s.conns}
	if tlsConf == nil {
		limited.tooLarge = s.tooLargeAnswer(p)
	}
	if tlsConf != nil {
		tlsConf = tlsConf.Clone() // each server sets up HTTP/2 in its own copy
	}
	srv := &http.Server{
		Handler:           s.handlers[p.Name()],
		ReadHeaderTimeout: s.opts.ReadTimeout,
		IdleTimeout:       s.opts.IdleTimeout,
		MaxHeaderBytes:    s.hardHeaderLimit(),
		ConnState:         s.conns.connState,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
		BaseContext:       func(net.Listener) context.Context { return reqCtx },
		TLSConfig:         tlsConf,
	}
	scheme := "http"
	if tlsConf != nil {
		scheme = "https"
	}
	url := scheme + "://" + ln.Addr().String()
	s.mu.Lock()
	s.servers = append(s.servers, srv)
	s.urls[p.Name()] = url
	s.mu.Unlock()
	go func() {
		var err error
		if tlsConf != nil {
			err = srv.ServeTLS(limited, "", "")
		} else {
			err = srv.Serve(limited)
		}
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("listener stopped", "provider", p.Name(), "err", err)
		}
	}()
	if s.opts.URLWriter != nil {
		fmt.Fprintf(s.opts.URLWriter, "PANELSIM_%s_URL=%s\n", strings.ToUpper(p.Name()), url)
	}
	s.log.Info("listening", "provider", p.Name(), "url", url)
	return nil
}

// tooLargeAnswer is the raw HTTP answer the provider gives to header fields over the
// server's hard limit, made once by its own error writer.
func (s *Simulator) tooLargeAnswer(p provider.Provider) []byte {
	e := s.handlers[p.Name()]
	rec := httptest.NewRecorder()
	c := e.NewContext(httptest.NewRequest(http.MethodGet, "/", nil), rec)
	p.WriteError(c, apierr.Status(http.StatusRequestHeaderFieldsTooLarge, "Request Header Fields Too Large"))
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", rec.Code, http.StatusText(rec.Code))
	h := rec.Header().Clone()
	h.Set("Content-Length", fmt.Sprint(rec.Body.Len()))
	h.Set("Connection", "close")
	h.Set(InstanceHeader, s.opts.instanceName())
	h.Write(&b)
	b.WriteString("\r\n")
	b.Write(rec.Body.Bytes())
	return []byte(b.String())
}
