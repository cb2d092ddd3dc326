// Package comments is the Tenantos operations on server comments and attached files.
//
// A comment (a note) belongs to a server and is seen by whoever may see the server
// (tenantos.VisibleServer: a server the caller may not see is 404, and so are its comments).
// Comments are created as multipart/form-data with attached files, or as JSON without; each
// file's bytes are kept in the world's store (at most 1 MiB a file, the body limit anyway,
// and storageLimit for all the files of a world) and downloaded through
// GET /api/files/{fileId}/download.
//
// Decisions where the documentation is silent:
//   - user_id is the comment's author: the acting user unless the body names another user
//     the caller manages (422 otherwise); clientname is that user's name;
//   - a comment is changed or deleted (and its files deleted) by its author or whoever
//     manages the author (an administrator, the author's reseller); others get 403;
//   - comments are listed sticky first, then newest first;
//   - a comment lists its files (files: id, filename, filesize, mimetype, created_at);
//   - a file that does not exist, or whose server the caller may not see, downloads as the
//     vendor's one documented error (500 {"message":"Exception","result":"Access to this file
//     denied or file not found."}); deleting one is 404;
//   - deleting a comment deletes its files; deleting a server deletes its comments and files
//     (a cleanup run by the servers group's delete, tenantos.OnServerDeleted).
package comments

import (
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// group holds the provider for the handlers, which are named after their operations.
type group struct {
	p *tenantos.Provider
}

// Routes is the group's route table: one handler per operation, named after it.
func Routes(p *tenantos.Provider) map[string]echo.HandlerFunc {
	g := &group{p: p}
	if p != nil {
		p.OnServerDeleted("comments", deleteServerComments)
	}
	return map[string]echo.HandlerFunc{
		// Server Comments
		"listServerComments":  g.listServerComments,
		"createServerComment": g.createServerComment,
		"getServerComment":    g.getServerComment,
		"updateServerComment": g.updateServerComment,
		"deleteServerComment": g.deleteServerComment,
		// Files
		"downloadFile": g.downloadFile,
		"deleteFile":   g.deleteFile,
	}
}
