package servers

import (
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// listServerTags answers GET /api/servers/tags: {tags: […]}, every tag on a server the caller
// may see, each once, sorted.
func (g *group) listServerTags(c echo.Context) error {
	who := tenantos.CallerOf(c)
	seen := map[string]bool{}
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		list, err := visibleServers(tx, who)
		for _, s := range list {
			for _, t := range s.Tags {
				seen[t] = true
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, map[string][]string{"tags": sortedKeys(seen)})
}

// tagInput is the body of the tag operations.
type tagInput struct {
	Tag               string `json:"tag"`
	OldTag            string `json:"oldTag"`
	NewTag            string `json:"newTag"`
	UpdateSubnets     bool   `json:"updateSubnets"`
	UpdatePxeProfiles bool   `json:"updatePxeProfiles"`
}

// renameTag answers POST /api/tags/rename {oldTag, newTag, updateSubnets, updatePxeProfiles}:
// the tag is renamed on every server and, when asked, in the subnets' offer and don't-offer
// lists and on PXE profiles. A record that has both tags keeps one.
//
// Decisions where the documentation is silent: tags are the whole panel's, so only
// administrators may rename or delete them (403); a tag nobody has is no error; each server
// changed gets an activity entry with the tags as model changes.
func (g *group) renameTag(c echo.Context) error {
	var in tagInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	from, to := strings.TrimSpace(in.OldTag), strings.TrimSpace(in.NewTag)
	if to == "" {
		return tenantos.Invalid("newTag", "The new tag field is required.")
	}
	return g.retag(c, in, func(tags []string) []string {
		out := []string{}
		for _, t := range tags {
			if t == from {
				t = to
			}
			if !tenantos.Contains(out, t) {
				out = append(out, t)
			}
		}
		return out
	})
}

// deleteTag answers DELETE /api/tags/delete {tag, updateSubnets, updatePxeProfiles}: the tag
// is taken off every server and, when asked, off subnets and PXE profiles; see renameTag.
func (g *group) deleteTag(c echo.Context) error {
	var in tagInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	tag := strings.TrimSpace(in.Tag)
	return g.retag(c, in, func(tags []string) []string {
		out := []string{}
		for _, t := range tags {
			if t != tag {
				out = append(out, t)
			}
		}
		return out
	})
}

// retag applies edit to the tags of every server and, as in asks, subnets and PXE profiles,
// in one transaction.
func (g *group) retag(c echo.Context, in tagInput, edit func([]string) []string) error {
	who := tenantos.CallerOf(c)
	if !who.Admin() {
		return apierr.Forbidden("This action is unauthorized.")
	}
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		servers, err := tenantos.Servers.All(tx)
		if err != nil {
			return err
		}
		for _, s := range servers {
			tags := edit(tenantos.List(s.Tags))
			if slices.Equal(tags, tenantos.List(s.Tags)) {
				continue
			}
			old := tenantos.List(s.Tags)
			s.Tags, s.Updated = tags, tx.Now
			if err := tenantos.Servers.Put(tx, s.ID, s); err != nil {
				return err
			}
			if err := logServer(c, tx, s, "servers", "Updated Server "+s.Servername, map[string]change{"tags": {old, tags}}); err != nil {
				return err
			}
		}
		if in.UpdateSubnets {
			subnets, err := tenantos.Subnets.All(tx)
			if err != nil {
				return err
			}
			for _, sn := range subnets {
				offer, dont := edit(tenantos.List(sn.OfferIfTags)), edit(tenantos.List(sn.DontOfferIfTags))
				if slices.Equal(offer, tenantos.List(sn.OfferIfTags)) && slices.Equal(dont, tenantos.List(sn.DontOfferIfTags)) {
					continue
				}
				sn.OfferIfTags, sn.DontOfferIfTags, sn.Updated = offer, dont, tx.Now
				if err := tenantos.Subnets.Put(tx, sn.ID, sn); err != nil {
					return err
				}
			}
		}
		if in.UpdatePxeProfiles {
			profiles, err := tenantos.PxeProfiles.All(tx)
			if err != nil {
				return err
			}
			for _, pr := range profiles {
				tags := edit(tenantos.List(pr.Tags))
				if slices.Equal(tags, tenantos.List(pr.Tags)) {
					continue
				}
				pr.Tags, pr.Updated = tags, tx.Now
				if err := tenantos.PxeProfiles.Put(tx, pr.ID, pr); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}
