package comments

import (
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// errNotAuthor refuses a change to a comment of someone the caller does not manage.
var errNotAuthor = apierr.Forbidden("This action is unauthorized.")

// change is one field of a model change in the activity log.
type change struct {
	Original any `json:"original"`
	Changes  any `json:"changes"`
}

// author checks the user_id a comment is given: a user the caller manages (Laravel's
// "selected … is invalid" otherwise).
func author(tx *tenantos.Tx, who *tenantos.User, id int64) error {
	if !tenantos.Users.Has(tx, id) || !tenantos.ManagesID(tx, who, id) {
		return tenantos.Invalid("user_id", "The selected user id is invalid.")
	}
	return nil
}

// listServerComments answers GET /api/servers/{server_id}/comments: the server's comments,
// sticky ones first, then the newest first, each with its files.
func (g *group) listServerComments(c echo.Context) error {
	who := tenantos.CallerOf(c)
	out := []commentView{}
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		s, err := tenantos.VisibleServer(tx, who.User, provider.PathInt(c, "server_id"))
		if err != nil {
			return err
		}
		list, err := serverComments(tx, s.ID)
		if err != nil {
			return err
		}
		for _, cm := range list {
			v, err := viewComment(tx, cm)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// getServerComment answers GET /api/servers/{server_id}/comments/{id}: one comment of the
// server (another server's comment is 404).
func (g *group) getServerComment(c echo.Context) error {
	who := tenantos.CallerOf(c)
	var out commentView
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		s, err := tenantos.VisibleServer(tx, who.User, provider.PathInt(c, "server_id"))
		if err != nil {
			return err
		}
		cm, err := serverComment(tx, s, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		out, err = viewComment(tx, cm)
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// createServerComment answers POST /api/servers/{server}/comments {comment, sticky, user_id,
// attachments[]}: a comment on a server the caller may see, with the files attached in a
// multipart/form-data request, all in one transaction (a refused file leaves no comment).
// The files of a world are bounded (storageLimit): one that would pass it is refused (422).
func (g *group) createServerComment(c echo.Context) error {
	var in struct {
		Comment string `json:"comment"`
		Sticky  bool   `json:"sticky"`
		UserID  *int64 `json:"user_id"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	ups, err := attachments(c)
	if err != nil {
		return err
	}
	who := tenantos.CallerOf(c)
	var out commentView
	err = provider.World(c).Update(func(tx *tenantos.Tx) error {
		s, err := tenantos.VisibleServer(tx, who.User, provider.PathInt(c, "server_id"))
		if err != nil {
			return err
		}
		uid := who.User.ID
		if in.UserID != nil {
			if err := author(tx, who.User, *in.UserID); err != nil {
				return err
			}
			uid = *in.UserID
		}
		if len(ups) > 0 {
			used, err := storedBytes(tx)
			if err != nil {
				return err
			}
			for _, up := range ups {
				used += int64(len(up.data))
			}
			if used > storageLimit {
				return tenantos.Invalidf("attachments", "The attachments cannot be stored: the panel keeps at most %d MB of files.", storageLimit>>20)
			}
		}
		id, err := comments.NextID(tx)
		if err != nil {
			return err
		}
		cm := &Comment{ID: id, ServerID: s.ID, UserID: uid, Text: in.Comment, Sticky: in.Sticky, FileIDs: []int64{},
			Created: tx.Now, Updated: tx.Now}
		for _, up := range ups {
			if _, err := addFile(tx, cm, up); err != nil {
				return err
			}
		}
		if err := comments.Put(tx, id, cm); err != nil {
			return err
		}
		if err := tx.Set(tenantos.Name, setByServer).Add(key(s.ID), key(id)); err != nil {
			return err
		}
		if err := logComment(c, tx, s, "Created comment", nil); err != nil {
			return err
		}
		out, err = viewComment(tx, cm)
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// updateServerComment answers PUT /api/servers/{server_id}/comments/{id} {comment, sticky,
// user_id}: what is sent changes; the rest stays. Only the comment's author or whoever
// manages the author may change it (403).
func (g *group) updateServerComment(c echo.Context) error {
	var in struct {
		Comment *string `json:"comment"`
		Sticky  *bool   `json:"sticky"`
		UserID  *int64  `json:"user_id"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	who := tenantos.CallerOf(c)
	var out commentView
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		s, err := tenantos.VisibleServer(tx, who.User, provider.PathInt(c, "server_id"))
		if err != nil {
			return err
		}
		cm, err := serverComment(tx, s, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		if !mayEdit(tx, who.User, cm) {
			return errNotAuthor
		}
		changes := map[string]change{}
		if in.Comment != nil && *in.Comment != cm.Text {
			changes["comment"] = change{cm.Text, *in.Comment}
			cm.Text = *in.Comment
		}
		if in.Sticky != nil && *in.Sticky != cm.Sticky {
			changes["sticky"] = change{tenantos.Flag(cm.Sticky), tenantos.Flag(*in.Sticky)}
			cm.Sticky = *in.Sticky
		}
		if in.UserID != nil && *in.UserID != cm.UserID {
			if err := author(tx, who.User, *in.UserID); err != nil {
				return err
			}
			changes["user_id"] = change{cm.UserID, *in.UserID}
			cm.UserID = *in.UserID
		}
		if len(changes) > 0 {
			cm.Updated = tx.Now
			if err := comments.Put(tx, cm.ID, cm); err != nil {
				return err
			}
			if err := logComment(c, tx, s, "Updated comment", changes); err != nil {
				return err
			}
		}
		out, err = viewComment(tx, cm)
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// deleteServerComment answers DELETE /api/servers/{server_id}/comments/{id}: the comment and
// its files go (their downloads fail afterwards). Only the author or whoever manages the
// author may delete it (403).
func (g *group) deleteServerComment(c echo.Context) error {
	who := tenantos.CallerOf(c)
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		s, err := tenantos.VisibleServer(tx, who.User, provider.PathInt(c, "server_id"))
		if err != nil {
			return err
		}
		cm, err := serverComment(tx, s, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		if !mayEdit(tx, who.User, cm) {
			return errNotAuthor
		}
		if err := removeComment(tx, cm); err != nil {
			return err
		}
		return logComment(c, tx, s, "Deleted comment", nil)
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}
