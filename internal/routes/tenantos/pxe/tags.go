package pxe

import (
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// tagView is a tag of /api/pxe/tags: its id is its name.
type tagView struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// listPxeTags answers GET /api/pxe/tags: the tags of the PXE profiles that are not deleted
// ("aggregated from all PXE profiles"), each once (case-insensitive, first spelling kept), in
// order of profile id and of the profile's tags.
func (g *group) listPxeTags(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var seen []string
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		return tenantos.PxeProfiles.Each(tx, func(pr *tenantos.PxeProfile) error {
			if !pr.Deleted {
				seen = cleanTags(append(seen, pr.Tags...))
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	out := []tagView{}
	for _, t := range seen {
		out = append(out, tagView{t, t})
	}
	return tenantos.OK(c, map[string]any{"tags": out})
}

// getPxeProfilesByTags answers POST /api/pxe/tags/getPxeProfilesByTags {tags}: the PXE
// profiles (not deleted) that carry every tag asked for (AND, case-insensitive), in id order.
func (g *group) getPxeProfilesByTags(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var in struct {
		Tags []string `json:"tags"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	want := cleanTags(in.Tags)
	if len(want) == 0 {
		return tenantos.Invalid("tags", "The tags field is required.")
	}
	out := []*profileView{}
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		return tenantos.PxeProfiles.Each(tx, func(pr *tenantos.PxeProfile) error {
			if pr.Deleted {
				return nil
			}
			for _, t := range want {
				if !hasTag(pr.Tags, t) {
					return nil
				}
			}
			out = append(out, viewProfile(tx, pr))
			return nil
		})
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}
