package simtest

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/textproto"
	"testing"
)

// File is a file part of a multipart body.
type File struct {
	Field, Name, ContentType string
	Data                     []byte
}

// Multipart builds a multipart/form-data body of fields and files, and the header pair to
// send it with: client.Do(method, path, body, hdr...).
func Multipart(t testing.TB, fields map[string]string, files ...File) (body []byte, hdr []string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, f.Field, f.Name))
		if f.ContentType != "" {
			h.Set("Content-Type", f.ContentType)
		}
		part, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		part.Write(f.Data)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), []string{"Content-Type", w.FormDataContentType()}
}

// FilePart is a File: a form field's file with its name, content type and bytes.
func FilePart(field, name, contentType string, data []byte) File {
	return File{Field: field, Name: name, ContentType: contentType, Data: data}
}
