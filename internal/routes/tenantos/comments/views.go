package comments

import (
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// commentView is the comment object, keys in the documented order, with its files.
type commentView struct {
	ID         int64      `json:"id"`
	CreatedAt  string     `json:"created_at"`
	UpdatedAt  string     `json:"updated_at"`
	Comment    string     `json:"comment"`
	Sticky     int        `json:"sticky"`
	UserID     int64      `json:"user_id"`
	ClientName string     `json:"clientname"`
	Files      []fileView `json:"files"`
}

// fileView is an attached file as a comment lists it.
type fileView struct {
	ID        int64  `json:"id"`
	Filename  string `json:"filename"`
	Filesize  int64  `json:"filesize"`
	MimeType  string `json:"mimetype"`
	CreatedAt string `json:"created_at"`
}

// viewComment renders a comment: its author's name as clientname ("Deleted user" once the
// author is gone) and its files in the order they were attached.
func viewComment(tx *tenantos.Tx, cm *Comment) (commentView, error) {
	v := commentView{ID: cm.ID, CreatedAt: tenantos.LaravelTime(cm.Created), UpdatedAt: tenantos.LaravelTime(cm.Updated),
		Comment: cm.Text, Sticky: tenantos.Flag(cm.Sticky), UserID: cm.UserID, ClientName: "Deleted user", Files: []fileView{}}
	if u, err := tenantos.Users.Get(tx, cm.UserID); err == nil {
		v.ClientName = u.Name
	}
	for _, id := range cm.FileIDs {
		f, err := files.Get(tx, id)
		if err == errFileNotFound {
			continue
		}
		if err != nil {
			return v, err
		}
		v.Files = append(v.Files, fileView{ID: f.ID, Filename: f.Filename, Filesize: f.Size, MimeType: f.MimeType,
			CreatedAt: tenantos.LaravelTime(f.Created)})
	}
	return v, nil
}
