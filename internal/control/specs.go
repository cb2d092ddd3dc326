package control

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/specs"
)

// yamlType is the content type of the OpenAPI documents served.
const yamlType = "application/yaml"

// getDocument is GET /_sim/specs/{name}.yaml: an embedded OpenAPI document as it is, a
// provider's full one or the control API's own. The documents are public: no token.
func getDocument(c echo.Context) error {
	file := c.Param("file")
	name, ok := strings.CutSuffix(file, ".yaml")
	if !ok || !slices.Contains(specs.Documents(), name) {
		return fail(c, http.StatusNotFound, "no document named "+strconv.Quote(file))
	}
	raw, err := specs.Raw(name)
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, yamlType, raw)
}
