package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
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

// dataSlot is how an empty page's items encode: the place a page of raw items goes.
var dataSlot = []byte(`"data":[]`)

// RawPage answers a page whose items are already encoded as answers encode them
// (AnswerJSON): the same bytes as c.JSON(status, page with those items), without encoding
// and checking each item again.
func RawPage(c echo.Context, status int, page Page[json.RawMessage]) error {
	if _, pretty := c.QueryParams()["pretty"]; pretty || c.Echo().Debug {
		return c.JSON(status, page) // indented: the encoder lays out every item again
	}
	items := page.Data
	page.Data = []json.RawMessage{}
	buf := buffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 1<<20 {
			buffers.Put(buf)
		}
	}()
	if err := encodeAnswer(buf, page, ""); err != nil {
		return err
	}
	head := buf.Bytes()
	at := bytes.Index(head, dataSlot)
	if at < 0 {
		return fmt.Errorf("provider: no data in the page")
	}
	at += len(dataSlot) - 1 // before the closing bracket
	n := len(head)
	for _, it := range items {
		n += len(it) + 1
	}
	body := make([]byte, 0, n)
	body = append(body, head[:at]...)
	for i, it := range items {
		if i > 0 {
			body = append(body, ',')
		}
		body = append(body, it...)
	}
	body = append(body, head[at:]...)
	h := c.Response().Header()
	if h.Get(echo.HeaderContentType) == "" {
		h.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	}
	h.Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
	c.Response().WriteHeader(status)
	_, err := c.Response().Write(body)
	return err
}
