package virtfusion

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/openapi"
)

// msgBody is VirtFusion's {"msg": …} error body (404, 423, 503).
type msgBody struct {
	Msg string `json:"msg"`
}

// errorsBody is VirtFusion's {"errors": […]} error body (422).
type errorsBody struct {
	Errors []string `json:"errors"`
}

// messageBody is Laravel's own {"message": …}, for what the framework answers before the
// panel's code runs (unknown route, wrong method, body too large, server error).
type messageBody struct {
	Message string `json:"message"`
}

// WriteError answers err in VirtFusion's shape.
func (p *Provider) WriteError(c echo.Context, err error) {
	var (
		ae *apierr.Error
		ve *openapi.ValidationError
		pe *openapi.PathError
		he *echo.HTTPError
	)
	switch {
	case errors.As(err, &ae):
		switch ae.Kind {
		case apierr.KindNotFound:
			c.JSON(http.StatusNotFound, msgBody{ae.Message()})
		case apierr.KindInvalid:
			c.JSON(http.StatusUnprocessableEntity, errorsBody{ae.Messages})
		case apierr.KindLocked:
			c.JSON(http.StatusLocked, msgBody{ae.Message()})
		case apierr.KindUnavailable:
			c.JSON(http.StatusServiceUnavailable, msgBody{ae.Message()})
		case apierr.KindConflict:
			c.JSON(http.StatusConflict, msgBody{ae.Message()})
		case apierr.KindForbidden:
			c.JSON(http.StatusForbidden, msgBody{ae.Message()})
		case apierr.KindStatus:
			writeStatus(c, ae.Status, ae.Message())
		}
	case errors.As(err, &ve):
		c.JSON(http.StatusUnprocessableEntity, errorsBody{ve.Messages()})
	case errors.As(err, &pe):
		c.JSON(http.StatusNotFound, msgBody{pathNotFound(pe.Param)})
	case errors.As(err, &he):
		p.writeHTTPError(c, he)
	default:
		p.Log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
		c.JSON(http.StatusInternalServerError, messageBody{"Server Error"})
	}
}

// writeStatus answers any status the way the panel shapes it: 422 as a list of errors, the
// panel's own refusals as {"msg"}, everything else (Laravel's) as {"message"}.
func writeStatus(c echo.Context, status int, msg string) {
	if msg == "" {
		msg = map[int]string{429: "Too Many Attempts.", 500: "Server Error", 503: "Service Unavailable"}[status]
	}
	if msg == "" {
		msg = http.StatusText(status)
	}
	switch status {
	case http.StatusUnprocessableEntity:
		c.JSON(status, errorsBody{[]string{msg}})
	case http.StatusNotFound, http.StatusLocked, http.StatusConflict, http.StatusForbidden:
		c.JSON(status, msgBody{msg})
	default:
		c.JSON(status, messageBody{msg})
	}
}

// pathNotFound words the 404 for a path value that cannot be an id ("serverId" → "server
// not found").
func pathNotFound(param string) string {
	switch param {
	case "extRelationId":
		return "ext_relation_id not found"
	case "hypervisorGroupId":
		return "hypervisor group not found"
	case "serverPackageId":
		return "package not found"
	case "keyId":
		return "ssh key not found"
	case "packId":
		return "resource pack not found"
	}
	name := strings.TrimSuffix(param, "Id")
	return openapi.Attribute(name) + " not found"
}

func (p *Provider) writeHTTPError(c echo.Context, he *echo.HTTPError) {
	req := c.Request()
	route := strings.TrimPrefix(req.URL.Path, "/")
	switch he.Code {
	case http.StatusNotFound:
		c.JSON(http.StatusNotFound, messageBody{"The route " + route + " could not be found."})
	case http.StatusMethodNotAllowed:
		allow := c.Response().Header().Get(echo.HeaderAllow)
		allow = strings.ReplaceAll(allow, ",", ", ")
		c.JSON(http.StatusMethodNotAllowed, messageBody{"The " + req.Method + " method is not supported for route " + route + ". Supported methods: " + allow + "."})
	case http.StatusRequestEntityTooLarge:
		c.JSON(http.StatusRequestEntityTooLarge, messageBody{"The request body is too large."})
	default:
		msg, _ := he.Message.(string)
		if msg == "" {
			msg = http.StatusText(he.Code)
		}
		c.JSON(he.Code, messageBody{msg})
	}
}
