package comments

import (
	"fmt"
	"sort"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// Comment is a note on a server, with the ids of the files attached to it.
type Comment struct {
	ID       int64     `json:"id"`
	ServerID int64     `json:"serverId"`
	UserID   int64     `json:"userId"` // the author
	Text     string    `json:"comment"`
	Sticky   bool      `json:"sticky"`
	FileIDs  []int64   `json:"fileIds"`
	Created  time.Time `json:"created"`
	Updated  time.Time `json:"updated"`
}

// File is what the panel knows of an attached file; its bytes are kept apart (fileData), so
// that listing comments does not read them.
type File struct {
	ID        int64     `json:"id"`
	ServerID  int64     `json:"serverId"`
	CommentID int64     `json:"commentId"`
	Filename  string    `json:"filename"`
	Size      int64     `json:"size"`
	MimeType  string    `json:"mimetype"`
	Created   time.Time `json:"created"`
}

// fileData is a file's content.
type fileData struct {
	Data []byte `json:"data"`
}

var (
	errCommentNotFound = apierr.NotFound("Comment not found.")
	errFileNotFound    = apierr.NotFound("File not found.")
)

// The group's records, and the comments of each server.
var (
	comments  = provider.Records[Comment]{Provider: tenantos.Name, Coll: "serverComments", NotFound: errCommentNotFound}
	files     = provider.Records[File]{Provider: tenantos.Name, Coll: "commentFiles", NotFound: errFileNotFound}
	fileBytes = provider.Records[fileData]{Provider: tenantos.Name, Coll: "commentFileData", NotFound: errFileNotFound}
)

// setByServer maps a server id to the ids of its comments.
const setByServer = "commentsByServer"

// Bounds of what a world keeps: a file is at most maxFileSize (the simulator's body limit
// refuses bigger requests anyway), and all the files of a world at most storageLimit.
const (
	maxFileSize  = 1 << 20
	storageLimit = 16 << 20
)

func key(id int64) []byte { return state.ID(uint64(id)) }

// serverComments lists a server's comments: sticky ones first, then the newest first.
func serverComments(tx *tenantos.Tx, serverID int64) ([]*Comment, error) {
	var out []*Comment
	err := tx.Set(tenantos.Name, setByServer).Members(key(serverID), 0, -1, func(m []byte) error {
		cm, err := comments.Get(tx, int64(state.IDOf(m)))
		if err == errCommentNotFound {
			return nil
		}
		if err != nil {
			return err
		}
		out = append(out, cm)
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Sticky != out[j].Sticky {
			return out[i].Sticky
		}
		return out[i].ID > out[j].ID
	})
	return out, err
}

// serverComment loads comment id of server s (404 when it is another server's).
func serverComment(tx *tenantos.Tx, s *tenantos.Server, id int64) (*Comment, error) {
	cm, err := comments.Get(tx, id)
	if err != nil {
		return nil, err
	}
	if cm.ServerID != s.ID {
		return nil, errCommentNotFound
	}
	return cm, nil
}

// storedBytes is the size of every file the world keeps.
func storedBytes(tx *tenantos.Tx) (int64, error) {
	var n int64
	err := files.Each(tx, func(f *File) error { n += f.Size; return nil })
	return n, err
}

// addFile stores an uploaded file of comment cm.
func addFile(tx *tenantos.Tx, cm *Comment, up upload) (*File, error) {
	id, err := files.NextID(tx)
	if err != nil {
		return nil, err
	}
	f := &File{ID: id, ServerID: cm.ServerID, CommentID: cm.ID, Filename: up.name, Size: int64(len(up.data)), MimeType: up.mime,
		Created: tx.Now}
	if err := files.Put(tx, id, f); err != nil {
		return nil, err
	}
	if err := fileBytes.Put(tx, id, &fileData{Data: up.data}); err != nil {
		return nil, err
	}
	cm.FileIDs = append(cm.FileIDs, id)
	return f, nil
}

// removeFile forgets a file and its bytes (the comment's list is the caller's to change).
func removeFile(tx *tenantos.Tx, id int64) error {
	if err := fileBytes.Delete(tx, id); err != nil {
		return err
	}
	return files.Delete(tx, id)
}

// removeComment deletes a comment with its files.
func removeComment(tx *tenantos.Tx, cm *Comment) error {
	for _, id := range cm.FileIDs {
		if err := removeFile(tx, id); err != nil {
			return err
		}
	}
	if err := tx.Set(tenantos.Name, setByServer).Remove(key(cm.ServerID), key(cm.ID)); err != nil {
		return err
	}
	return comments.Delete(tx, cm.ID)
}

// deleteServerComments is the group's cleanup of a deleted server: its comments and their
// files go with it.
func deleteServerComments(_ *tenantos.Provider, _ echo.Context, tx *tenantos.Tx, s *tenantos.Server) error {
	list, err := serverComments(tx, s.ID)
	if err != nil {
		return err
	}
	for _, cm := range list {
		if err := removeComment(tx, cm); err != nil {
			return fmt.Errorf("comments: server %d: %w", s.ID, err)
		}
	}
	return nil
}

// mayEdit reports whether the acting user may change or delete a comment: its author, or
// whoever manages the author.
func mayEdit(tx *tenantos.Tx, who *tenantos.User, cm *Comment) bool {
	return tenantos.ManagesID(tx, who, cm.UserID)
}

// logComment writes an activity entry about a server's comments.
func logComment(c echo.Context, tx *tenantos.Tx, s *tenantos.Server, desc string, changes any) error {
	return tenantos.LogActivity(c, tx, tenantos.LogEntry{RelationType: "servers", RelationID: s.ID, RootType: "serverComments",
		RootID: s.ID, Description: desc, Changes: changes, MetaHref: fmt.Sprintf("/servers/%d", s.ID), MetaText: s.Servername})
}
