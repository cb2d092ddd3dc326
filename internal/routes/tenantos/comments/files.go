package comments

import (
	"mime"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// deniedText is the vendor's one documented error: what a download of a file that does not
// exist, or may not be read, answers (with status 500).
const deniedText = "Access to this file denied or file not found."

// visibleFile loads file {fileId} if the acting user may see the server it belongs to; any
// other file (unknown, malformed id, another customer's) is errFileNotFound.
func visibleFile(tx *tenantos.Tx, who *tenantos.User, raw string) (*File, *tenantos.Server, error) {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return nil, nil, errFileNotFound
	}
	f, err := files.Get(tx, id)
	if err != nil {
		return nil, nil, err
	}
	s, err := tenantos.VisibleServer(tx, who, f.ServerID)
	if err == tenantos.ErrServerNotFound {
		return nil, nil, errFileNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	return f, s, nil
}

// downloadFile answers GET /api/files/{fileId}/download: the file's bytes as
// application/octet-stream, named by Content-Disposition, to whoever may see its server. A
// file that does not exist or that the caller may not see gets the vendor's documented 500
// {"message": "Exception", "result": "Access to this file denied or file not found."},
// never a hint of which it is.
func (g *group) downloadFile(c echo.Context) error {
	who := tenantos.CallerOf(c)
	var (
		f    *File
		data []byte
	)
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		var err error
		if f, _, err = visibleFile(tx, who.User, provider.PathString(c, "fileId")); err != nil {
			return err
		}
		d, err := fileBytes.Get(tx, f.ID)
		if err != nil {
			return err
		}
		data = d.Data
		return nil
	})
	if err == errFileNotFound {
		return c.JSON(http.StatusInternalServerError, tenantos.ResultError{Message: "Exception", Result: tenantos.Text(deniedText)})
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": f.Filename}))
	return c.Blob(http.StatusOK, echo.MIMEOctetStream, data)
}

// deleteFile answers DELETE /api/files/{fileId}: the file leaves its comment and the store
// (its download fails afterwards). A file the caller may not see is 404; one of a comment the
// caller may not change (see updateServerComment) is 403.
func (g *group) deleteFile(c echo.Context) error {
	who := tenantos.CallerOf(c)
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		f, s, err := visibleFile(tx, who.User, provider.PathString(c, "fileId"))
		if err != nil {
			return err
		}
		cm, err := comments.Get(tx, f.CommentID)
		if err != nil {
			return err
		}
		if !mayEdit(tx, who.User, cm) {
			return errNotAuthor
		}
		kept := []int64{}
		for _, id := range cm.FileIDs {
			if id != f.ID {
				kept = append(kept, id)
			}
		}
		cm.FileIDs, cm.Updated = kept, tx.Now
		if err := comments.Put(tx, cm.ID, cm); err != nil {
			return err
		}
		if err := removeFile(tx, f.ID); err != nil {
			return err
		}
		return logComment(c, tx, s, "Deleted file "+f.Filename, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}
