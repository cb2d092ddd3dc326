package openscaler

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/openapi"
)

// detail is the one error body of the API: {"detail": "<message>"}.
type detail struct {
	Detail string `json:"detail"`
}

// badRequestError is a request that fits the document but cannot be carried out as asked: it
// names a size, region, distro, project, VPC or SSH key that does not exist, or asks for more
// than the region has left (400).
type badRequestError struct{ msg string }

func (e *badRequestError) Error() string { return e.msg }

func badRequest(msg string) error { return &badRequestError{msg} }

// statusOf is where OpenScaler's statuses differ from the usual ones of apierr's kinds.
var statusOf = map[apierr.Kind]int{apierr.KindLocked: http.StatusConflict}

// WriteError answers err as {"detail": …}: 400 for requests that cannot be carried out, 404
// for unknown records and routes, 409 for actions the VM's state does not allow, 422 for
// requests that do not fit the document, 413, 405, and 500 for anything else.
func (p *Provider) WriteError(c echo.Context, err error) {
	var (
		ae *apierr.Error
		be *badRequestError
		ve *openapi.ValidationError
		pe *openapi.PathError
		he *echo.HTTPError
	)
	switch {
	case errors.As(err, &be):
		c.JSON(http.StatusBadRequest, detail{be.msg})
	case errors.As(err, &ae):
		status := ae.Code(statusOf)
		msg := strings.Join(ae.Messages, "; ")
		if msg == "" {
			msg = http.StatusText(status)
		}
		c.JSON(status, detail{msg})
	case errors.As(err, &ve):
		c.JSON(http.StatusUnprocessableEntity, detail{validationDetail(ve)})
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
	}
	return "Not Found"
}

// validationDetail words every problem of a request the way pydantic does, each prefixed with
// where it is ("body.size", "query.project_id"), joined with "; ".
func validationDetail(ve *openapi.ValidationError) string {
	seen := map[string]bool{}
	var out []string
	for _, pr := range ve.Problems {
		loc := pr.In
		if pr.Field != "" {
			loc += "." + pr.Field
		}
		m := loc + ": " + pydantic(pr)
		if pr.In == "query" && strings.HasPrefix(pr.Field, "only") && pr.Rule == "pattern" {
			m = loc + ": Input should be 'basic', 'state', 'disks' or 'network' (repeated, or separated by commas)"
		}
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	return strings.Join(out, "; ")
}

// pydantic words one problem as pydantic v2 does.
func pydantic(pr openapi.Problem) string {
	s := pr.Schema
	switch pr.Rule {
	case "required":
		return "Field required"
	case "type", "nullable":
		if s != nil {
			switch {
			case s.Type.Is("integer"):
				return "Input should be a valid integer"
			case s.Type.Is("number"):
				return "Input should be a valid number"
			case s.Type.Is("boolean"):
				return "Input should be a valid boolean"
			case s.Type.Is("string"):
				return "Input should be a valid string"
			case s.Type.Is("array"):
				return "Input should be a valid list"
			case s.Type.Is("object"):
				return "Input should be a valid dictionary"
			}
		}
	case "minimum":
		if s != nil && s.Min != nil {
			return fmt.Sprintf("Input should be greater than or equal to %v", *s.Min)
		}
	case "maximum":
		if s != nil && s.Max != nil {
			return fmt.Sprintf("Input should be less than or equal to %v", *s.Max)
		}
	case "minLength":
		if s != nil {
			return fmt.Sprintf("String should have at least %d character%s", s.MinLength, plural(s.MinLength))
		}
	case "maxLength":
		if s != nil && s.MaxLength != nil {
			return fmt.Sprintf("String should have at most %d character%s", *s.MaxLength, plural(*s.MaxLength))
		}
	case "minItems":
		if s != nil {
			return fmt.Sprintf("List should have at least %d item%s", s.MinItems, plural(s.MinItems))
		}
	case "maxItems":
		if s != nil && s.MaxItems != nil {
			return fmt.Sprintf("List should have at most %d item%s", *s.MaxItems, plural(*s.MaxItems))
		}
	case "enum":
		if s != nil && len(s.Enum) > 0 {
			return "Input should be " + oneOf(s.Enum)
		}
	case "pattern":
		if s != nil {
			return fmt.Sprintf("String should match pattern '%s'", s.Pattern)
		}
	case "additionalProperties":
		return "Extra inputs are not permitted"
	}
	return "Input is invalid"
}

func plural(n uint64) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// oneOf lists enum values as pydantic does: 'a', 'b' or 'c'.
func oneOf(values []any) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = fmt.Sprintf("'%v'", v)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}
