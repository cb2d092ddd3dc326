package sim

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
)

// keyBody holds the request body the limits middleware read.
const keyBody = "panelsim.body"

// limits is the first middleware of every request on a listener: header fields over
// MaxHeaderBytes are refused with 431, a body is read whole within ReadTimeout and
// BodyLimit (408 and 413 otherwise), and the answer gets WriteTimeout. Refusals come in the
// provider's own shape.
func (s *Simulator) limits(p provider.Provider) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if headerBytes(req) > s.opts.MaxHeaderBytes {
				p.WriteError(c, apierr.Status(http.StatusRequestHeaderFieldsTooLarge, "Request Header Fields Too Large"))
				return nil
			}
			provider.SetWriteTimeout(c, s.opts.WriteTimeout)
			if req.Body != nil && req.Body != http.NoBody && req.ContentLength != 0 {
				rc := http.NewResponseController(c.Response().Writer)
				rc.SetReadDeadline(time.Now().Add(s.opts.ReadTimeout))
				body, err := readBody(req, s.bodyLimit(req))
				if err != nil {
					// The rest of the body will not come, or is not wanted: the server must
					// not wait for it, before answering or after.
					rc.SetReadDeadline(time.Now())
					if req.ProtoMajor == 1 {
						c.Response().Header().Set(echo.HeaderConnection, "close")
					}
					p.WriteError(c, err)
					return nil
				}
				// No deadline while the answer is made: the server's watch for a client that
				// goes away would otherwise end the request when it passes.
				rc.SetReadDeadline(time.Time{})
				c.Set(keyBody, body)
				req.Body = io.NopCloser(bytes.NewReader(body))
			}
			return next(c)
		}
	}
}

// bodyLimit is the largest body req may send: BodyLimit, or for a world document put under
// /_sim/world as large a world as a snapshot may hold (its JSON is about three times the
// size of the records).
func (s *Simulator) bodyLimit(req *http.Request) int64 {
	if req.Method == http.MethodPut && strings.HasSuffix(req.URL.Path, "/_sim/world") {
		return max(s.opts.BodyLimit, 3*s.opts.MaxSnapshotBytes)
	}
	return s.opts.BodyLimit
}

// requestBody is the body the limits middleware read (nil when there was none).
func requestBody(c echo.Context) []byte {
	b, _ := c.Get(keyBody).([]byte)
	return b
}

// headerBytes is the size of the request line and header fields as sent, near enough.
func headerBytes(r *http.Request) int {
	n := len(r.Method) + len(r.RequestURI) + 12
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	return n
}

// readBody reads the whole body, refusing one over limit with 413 and one too slow with 408.
func readBody(r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, echo.ErrStatusRequestEntityTooLarge
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return nil, apierr.Status(http.StatusRequestTimeout, "Request Timeout")
	}
	if err != nil {
		return nil, echo.NewHTTPError(http.StatusBadRequest, "cannot read body")
	}
	if int64(len(b)) > limit {
		return nil, echo.ErrStatusRequestEntityTooLarge
	}
	return b, nil
}
