package control

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/internal/world"
)

// exportWorld answers the world as one JSON document (state.WorldDoc), indented to be read
// and kept next to a team's tests.
func (a *api) exportWorld(c echo.Context, w *world.World) error {
	doc, err := w.Export()
	if err != nil {
		return err
	}
	raw, err := EncodeWorld(doc)
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, raw)
}

// importProblem is the refusal of a world document that does not fit.
type importProblem struct {
	Error    string   `json:"error"`
	Problems []string `json:"problems"`
}

// importWorld replaces the world with the document in the body and answers its clock, as a
// reset does.
func (a *api) importWorld(c echo.Context, w *world.World) error {
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return err
	}
	doc, err := DecodeWorld(body)
	if err != nil {
		return c.JSON(http.StatusBadRequest, importProblem{Error: "the body is not a world document", Problems: []string{err.Error()}})
	}
	err = w.Import(doc, a.ImportCheck)
	var problems *state.DocProblems
	if errors.As(err, &problems) {
		return c.JSON(http.StatusBadRequest, importProblem{Error: state.ErrDoesNotFit.Error(), Problems: problems.Problems})
	}
	if err != nil {
		return err
	}
	if a.OnImport != nil {
		if err := a.OnImport(w); err != nil {
			return err
		}
	}
	v, err := viewClock(w)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// EncodeWorld writes a world document as panelsim exports it: indented by two spaces, with a
// closing newline. The same world always gives the same bytes.
func EncodeWorld(doc *state.WorldDoc) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// DecodeWorld reads a world document, refusing fields it does not know (a misspelt field
// would otherwise be dropped without a word).
func DecodeWorld(raw []byte) (*state.WorldDoc, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var doc state.WorldDoc
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("more than one JSON value")
	}
	return &doc, nil
}
