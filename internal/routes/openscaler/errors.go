package openscaler

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/openapi"
)

// detail is the error body of FastAPI's HTTPException: {"detail": "<message>"}.
type detail struct {
	Detail string `json:"detail"`
}

// badRequestError is a request that fits the document but cannot be carried out as asked: it
// names a size, region, distro, project, VPC or SSH key that does not exist, or asks for more
// than the region has left (400).
type badRequestError struct{ msg string }

func (e *badRequestError) Error() string { return e.msg }

func badRequest(msg string) error { return &badRequestError{msg} }

// redirectError is Starlette's answer to a path with a trailing slash: 307 to the path
// without it, no body.
type redirectError struct{ location string }

func (e *redirectError) Error() string { return "307 Temporary Redirect to " + e.location }

// statusOf is where OpenScaler's statuses differ from the usual ones of apierr's kinds.
var statusOf = map[apierr.Kind]int{apierr.KindLocked: http.StatusConflict}

// WriteError answers err as FastAPI does: {"detail": [pydantic errors…]} with 422 for a
// request that does not fit the document (checked again the way FastAPI reads a body first:
// see revalidate), and {"detail": "<message>"} for the rest: 400 for requests that cannot be
// carried out, 404 for unknown records and routes, 409 for what the state does not allow,
// 413, 405, and 500 for anything else.
func (p *Provider) WriteError(c echo.Context, err error) {
	var ve *openapi.ValidationError
	if errors.As(err, &ve) {
		if err = p.revalidate(c, ve); err == nil || c.Response().Committed {
			return
		}
	}
	var (
		ae *apierr.Error
		be *badRequestError
		ue *unprocessable
		pe *openapi.PathError
		he *echo.HTTPError
		re *redirectError
	)
	switch {
	case errors.As(err, &ue):
		c.JSON(http.StatusUnprocessableEntity, ue)
	case errors.As(err, &be):
		c.JSON(http.StatusBadRequest, detail{be.msg})
	case errors.As(err, &re):
		c.Response().Header().Set(echo.HeaderLocation, re.location)
		c.NoContent(http.StatusTemporaryRedirect)
	case errors.As(err, &ae) && ae.Kind == apierr.KindInvalid:
		// A refusal worded by shared code (a body that does not decode): pydantic's
		// value_error on the body.
		c.JSON(http.StatusUnprocessableEntity, valueError([]any{"body"}, map[string]any{}, strings.Join(ae.Messages, " ")))
	case errors.As(err, &ae):
		status := ae.Code(statusOf)
		msg := strings.Join(ae.Messages, "; ")
		if msg == "" {
			msg = http.StatusText(status)
		}
		c.JSON(status, detail{msg})
	case errors.As(err, &pe):
		c.JSON(http.StatusNotFound, detail{pathNotFound(pe.Param)})
	case errors.As(err, &he):
		switch he.Code {
		case http.StatusNotFound:
			c.JSON(http.StatusNotFound, detail{"Not Found"})
		case http.StatusMethodNotAllowed:
			c.JSON(http.StatusMethodNotAllowed, detail{"Method Not Allowed"})
		case http.StatusRequestEntityTooLarge:
			c.JSON(http.StatusRequestEntityTooLarge, detail{"Request body too large"})
		default:
			msg, _ := he.Message.(string)
			if msg == "" {
				msg = http.StatusText(he.Code)
			}
			c.JSON(he.Code, detail{msg})
		}
	default:
		p.Log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
		c.JSON(http.StatusInternalServerError, detail{"Internal Server Error"})
	}
}

// pathNotFound words the 404 for a path value that cannot name a record.
func pathNotFound(param string) string {
	switch param {
	case "vm_id":
		return "VM not found"
	case "vpc_id":
		return "VPC not found"
	case "key_id":
		return "SSH key not found"
	case "lb_id":
		return "Load balancer not found"
	}
	return "Not Found"
}
