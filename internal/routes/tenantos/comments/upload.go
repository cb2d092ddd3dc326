package comments

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// upload is one attached file as the request carried it.
type upload struct {
	name, mime string
	data       []byte
}

// attachmentField matches the names PHP clients give the parts of the attachments array:
// attachments, attachments[] or attachments[0].
var attachmentField = regexp.MustCompile(`^attachments(\[\d*\])?$`)

// attachments reads the files of a comment create. In multipart/form-data they are the file
// parts named attachments[…]; a JSON body cannot carry files, so attachments sent there are
// refused as Laravel's file rule would ("The attachments.0 must be a file."). Each file must
// be no larger than maxFileSize and not empty.
func attachments(c echo.Context) ([]upload, error) {
	req := c.Request()
	mt, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if mt != echo.MIMEMultipartForm {
		var in struct {
			Attachments []any `json:"attachments"`
		}
		if err := provider.Bind(c, &in); err == nil && len(in.Attachments) > 0 {
			return nil, tenantos.Invalid("attachments.0", "The attachments.0 must be a file.")
		}
		return nil, nil
	}
	if err := req.ParseMultipartForm(2 * maxFileSize); err != nil {
		return nil, tenantos.Invalid("attachments", "The attachments could not be read: "+err.Error()+".")
	}
	defer req.MultipartForm.RemoveAll()
	var out []upload
	names := make([]string, 0, len(req.MultipartForm.File))
	for name := range req.MultipartForm.File {
		names = append(names, name)
	}
	sortFieldNames(names)
	for _, name := range names {
		if !attachmentField.MatchString(name) {
			continue
		}
		for _, fh := range req.MultipartForm.File[name] {
			field := fmt.Sprintf("attachments.%d", len(out))
			if fh.Size > maxFileSize {
				return nil, tenantos.Invalidf(field, "The %s must not be greater than %d kilobytes.", field, maxFileSize/1024)
			}
			f, err := fh.Open()
			if err != nil {
				return nil, tenantos.Invalidf(field, "The %s failed to upload.", field)
			}
			data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
			f.Close()
			if err != nil || len(data) == 0 {
				return nil, tenantos.Invalidf(field, "The %s failed to upload.", field)
			}
			if len(data) > maxFileSize {
				return nil, tenantos.Invalidf(field, "The %s must not be greater than %d kilobytes.", field, maxFileSize/1024)
			}
			out = append(out, upload{name: cleanName(fh.Filename, len(out)), mime: mimeOf(fh.Header.Get(echo.HeaderContentType), data),
				data: data})
		}
	}
	return out, nil
}

// sortFieldNames orders attachments, attachments[] and attachments[N] by N, so that files
// keep the order the client gave them.
func sortFieldNames(names []string) {
	idx := func(s string) int {
		var n int
		if _, err := fmt.Sscanf(strings.TrimPrefix(s, "attachments["), "%d]", &n); err != nil {
			return -1
		}
		return n
	}
	for i := 1; i < len(names); i++ {
		for j := i; j > 0 && idx(names[j]) < idx(names[j-1]); j-- {
			names[j], names[j-1] = names[j-1], names[j]
		}
	}
}

// cleanName keeps the last element of a client's file name (no directories, no control
// characters); a file without one is named after its place.
func cleanName(name string, i int) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, name)
	if name == "" || name == "." || name == "/" {
		return fmt.Sprintf("attachment-%d", i+1)
	}
	if len(name) > 255 {
		name = name[:255]
	}
	return name
}

// mimeOf is the type the client declared for a file, or the one its bytes suggest.
func mimeOf(declared string, data []byte) string {
	if mt, _, err := mime.ParseMediaType(declared); err == nil && mt != "" && mt != "application/octet-stream" {
		return mt
	}
	mt, _, _ := mime.ParseMediaType(http.DetectContentType(data))
	return mt
}
