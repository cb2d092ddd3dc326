package branding

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// maxLogoSize is the largest logo the panel takes (the vendor: "Must not be greater than 512
// kilobytes").
const maxLogoSize = 512 << 10

// imageTypes are the types Laravel's image rule accepts, with the extension a stored logo
// gets.
var imageTypes = map[string]string{"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/bmp": "bmp",
	"image/webp": "webp", "image/svg+xml": "svg"}

// brandParam is the {brand} of the logo routes, which the document types as a string; one
// that is no id names no brand (404).
func brandParam(c echo.Context) int64 {
	id, _ := strconv.ParseInt(provider.PathString(c, "brand"), 10, 64)
	return id
}

// logoUpload is one logo a request carries.
type logoUpload struct {
	kind, mime string
	data       []byte
}

// imageType is the type of an image's bytes ("" when they are no image Laravel accepts).
func imageType(data []byte) string {
	mt, _, _ := mime.ParseMediaType(http.DetectContentType(data))
	if _, ok := imageTypes[mt]; ok {
		return mt
	}
	head := bytes.ToLower(data[:min(len(data), 1024)])
	if bytes.Contains(head, []byte("<svg")) {
		return "image/svg+xml"
	}
	return ""
}

// logoUploads reads the logos of a request: the file parts lightlogo, darklogo and favicon of
// a multipart/form-data body. A field of those names that is no file (a text part, a JSON
// value) is refused as Laravel's image rule would.
func logoUploads(c echo.Context) ([]logoUpload, error) {
	notImage := func(kind string) error { return tenantos.Invalidf(kind, "The %s must be an image.", kind) }
	for _, kind := range logoKinds {
		if _, sent := provider.Input(c).Body[kind]; sent {
			return nil, notImage(kind)
		}
	}
	req := c.Request()
	mt, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if mt != echo.MIMEMultipartForm {
		return nil, nil
	}
	if err := req.ParseMultipartForm(2 * maxLogoSize); err != nil {
		return nil, tenantos.Invalid("lightlogo", "The logos could not be read: "+err.Error()+".")
	}
	defer req.MultipartForm.RemoveAll()
	var out []logoUpload
	for _, kind := range logoKinds {
		fhs := req.MultipartForm.File[kind]
		if len(fhs) == 0 {
			continue
		}
		fh := fhs[len(fhs)-1] // a repeated field keeps its last value, as PHP does
		if fh.Size > maxLogoSize {
			return nil, tenantos.Invalidf(kind, "The %s must not be greater than %d kilobytes.", kind, maxLogoSize>>10)
		}
		f, err := fh.Open()
		if err != nil {
			return nil, tenantos.Invalidf(kind, "The %s failed to upload.", kind)
		}
		data, err := io.ReadAll(io.LimitReader(f, maxLogoSize+1))
		f.Close()
		if err != nil || len(data) == 0 {
			return nil, tenantos.Invalidf(kind, "The %s failed to upload.", kind)
		}
		if len(data) > maxLogoSize {
			return nil, tenantos.Invalidf(kind, "The %s must not be greater than %d kilobytes.", kind, maxLogoSize>>10)
		}
		t := imageType(data)
		if t == "" {
			return nil, notImage(kind)
		}
		out = append(out, logoUpload{kind: kind, mime: t, data: data})
	}
	return out, nil
}

// logoPath is where the panel publishes a logo: under the brand's storage, named after its
// kind and (as PHP's uniqid would make it unique) the first 13 hex digits of its hash.
func logoPath(brand int64, up logoUpload) string {
	sum := sha256.Sum256(up.data)
	return fmt.Sprintf("/storage/brands/%d/logos/%s_%s.%s", brand, up.kind, hex.EncodeToString(sum[:])[:13], imageTypes[up.mime])
}

// uploadBrandLogos answers POST /api/system/brands/{brand}/logos/store (multipart/form-data:
// lightlogo, darklogo, favicon): the logos sent replace the brand's, their bytes kept in the
// store, their paths shown in the brand's logos. One bad file refuses them all (422) and
// nothing changes; a request without files changes nothing.
func (g *group) uploadBrandLogos(c echo.Context) error {
	who := tenantos.CallerOf(c)
	if err := mayBrand(who); err != nil {
		return err
	}
	ups, err := logoUploads(c)
	if err != nil {
		return err
	}
	err = provider.World(c).Update(func(tx *tenantos.Tx) error {
		b, err := visibleBrand(tx, who.User, brandParam(c))
		if err != nil {
			return err
		}
		if len(ups) == 0 {
			return nil
		}
		if b.Logos == nil {
			b.Logos = map[string]Logo{}
		}
		var kinds []string
		for _, up := range ups {
			if err := tx.Coll(tenantos.Name, logoColl).Put(logoKey(b.ID, up.kind), &logoData{Data: up.data}); err != nil {
				return err
			}
			b.Logos[up.kind] = Logo{Path: logoPath(b.ID, up), Size: len(up.data), MimeType: up.mime}
			kinds = append(kinds, up.kind)
		}
		b.Updated = tx.Now
		if err := brands.Put(tx, b.ID, b); err != nil {
			return err
		}
		return logBrand(c, tx, b, "Uploaded "+strings.Join(kinds, ", ")+" of brand "+b.Domain, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}

// deleteBrandLogos answers DELETE /api/system/brands/{brand}/logos/delete {lightlogo,
// darklogo, favicon}: the logos flagged true go (their bytes too); the others stay. A logo
// the brand does not have is no error.
func (g *group) deleteBrandLogos(c echo.Context) error {
	who := tenantos.CallerOf(c)
	if err := mayBrand(who); err != nil {
		return err
	}
	var body struct {
		Lightlogo bool `json:"lightlogo"`
		Darklogo  bool `json:"darklogo"`
		Favicon   bool `json:"favicon"`
	}
	if err := provider.Bind(c, &body); err != nil {
		return err
	}
	in := map[string]bool{"lightlogo": body.Lightlogo, "darklogo": body.Darklogo, "favicon": body.Favicon}
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		b, err := visibleBrand(tx, who.User, brandParam(c))
		if err != nil {
			return err
		}
		var gone []string
		for _, kind := range logoKinds {
			if _, has := b.Logos[kind]; !has || !in[kind] {
				continue
			}
			if err := tx.Coll(tenantos.Name, logoColl).Delete(logoKey(b.ID, kind)); err != nil {
				return err
			}
			delete(b.Logos, kind)
			gone = append(gone, kind)
		}
		if len(gone) == 0 {
			return nil
		}
		b.Updated = tx.Now
		if err := brands.Put(tx, b.ID, b); err != nil {
			return err
		}
		return logBrand(c, tx, b, "Deleted "+strings.Join(gone, ", ")+" of brand "+b.Domain, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}
