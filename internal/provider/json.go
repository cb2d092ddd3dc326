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
	buf.Reset()
	defer func() {
		if buf.Cap() <= 1<<20 {
			buffers.Put(buf)
		}
	}()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if indent != "" {
		enc.SetIndent("", indent)
	}
	if err := enc.Encode(i); err != nil {
		return err
	}
	body := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	c.Response().Header().Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
	_, err := c.Response().Write(body)
	return err
}
