package provider

import (
	"bytes"
	"encoding/json"
	"strconv"
	"sync"

	"github.com/labstack/echo/v4"
)

// JSONSerializer encodes answers into a pooled buffer and writes them in one piece with a
// Content-Length, instead of streaming them chunked; it leaves &, < and > unescaped, as
// PHP's json_encode does.
type JSONSerializer struct {
	echo.DefaultJSONSerializer
}

var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Serialize implements echo.JSONSerializer.
func (JSONSerializer) Serialize(c echo.Context, i any, indent string) error {
	buf := buffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 1<<20 {
			buffers.Put(buf)
		}
	}()
	if err := encodeAnswer(buf, i, indent); err != nil {
		return err
	}
	body := buf.Bytes()
	c.Response().Header().Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
	_, err := c.Response().Write(body)
	return err
}

// AnswerJSON is v encoded as answers are (see JSONSerializer): for a part of an answer kept
// already encoded, which must be the same bytes the answer would have.
func AnswerJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	if err := encodeAnswer(&buf, v, ""); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// encodeAnswer writes v into buf (reset first) without HTML escaping and without the
// encoder's final newline.
func encodeAnswer(buf *bytes.Buffer, v any, indent string) error {
	buf.Reset()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if indent != "" {
		enc.SetIndent("", indent)
	}
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - 1) // the newline Encode adds
	return nil
}
