package pxe

import (
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// layoutInput is the body of createDiskLayout and updateDiskLayout; absent fields are left
// as they are (or at their defaults on create).
type layoutInput struct {
	Tags                *[]string `json:"tags"`
	DiskLayout          *string   `json:"disklayout"`
	Name                *string   `json:"name"`
	MinDisks            *int64    `json:"min_disks"`
	IsDisabled          *bool     `json:"isDisabled"`
	OfferIfHasTag       *[]string `json:"offer_if_has_tag"`
	DontOfferIfHasTag   *[]string `json:"dont_offer_if_has_tag"`
	OfferIfUserHasRole  *[]string `json:"offer_if_user_has_role"`
	DontOfferIfUserRole *[]string `json:"dont_offer_if_user_has_role"`
	AllowForVPS         *bool     `json:"allow_for_vps"`
	AllowForDedicated   *bool     `json:"allow_for_dedicated"`
	HWRaidHandling      *string   `json:"hw_raid_handling"`
	PartitionSizeBoot   *int64    `json:"partition_size_boot"`
	PartitionSizeEFI    *int64    `json:"partition_size_efi"`
}

// apply checks the input and writes it into the layout and its settings (nothing is stored).
func (in *layoutInput) apply(d *tenantos.DiskLayout, st *layoutSettings, create bool) error {
	if in.Tags != nil {
		tags := cleanTags(*in.Tags)
		if create && len(tags) == 0 {
			return tenantos.Invalid("tags", "The tags field is required.")
		}
		d.Tags = tags
	}
	if in.Name != nil {
		if d.Name = trimmed(*in.Name); d.Name == "" {
			return tenantos.Invalid("name", "The name field is required.")
		}
	}
	if in.MinDisks != nil {
		if *in.MinDisks < 0 {
			return tenantos.Invalid("min_disks", "The min disks must be at least 1.")
		}
		st.MinDisks = *in.MinDisks
	}
	if in.HWRaidHandling != nil {
		st.HWRaidHandling = *in.HWRaidHandling
		st.OnlyIfHWRaid = st.HWRaidHandling == "only_offer_if_hw_raid"
	}
	setString(&d.Layout, in.DiskLayout)
	setBool(&st.Disabled, in.IsDisabled)
	setNotBool(&st.NoVPS, in.AllowForVPS)
	setNotBool(&st.NoDedicated, in.AllowForDedicated)
	setTags(&st.OfferIfTags, in.OfferIfHasTag)
	setTags(&st.DontOfferIfTags, in.DontOfferIfHasTag)
	setTags(&st.OfferIfRoles, in.OfferIfUserHasRole)
	setTags(&st.DontOfferIfRoles, in.DontOfferIfUserRole)
	if in.PartitionSizeBoot != nil {
		st.PartitionSizeBoot = *in.PartitionSizeBoot
	}
	if in.PartitionSizeEFI != nil {
		st.PartitionSizeEFI = *in.PartitionSizeEFI
	}
	return nil
}

// putLayout stores a disk layout and its settings.
func putLayout(tx *tenantos.Tx, d *tenantos.DiskLayout, st *layoutSettings) error {
	if err := tenantos.DiskLayouts.Put(tx, d.ID, d); err != nil {
		return err
	}
	return layoutSettingsOf.Put(tx, d.ID, st)
}

// listDiskLayouts lists the disk layouts, in id order.
func (g *group) listDiskLayouts(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	out := []*layoutView{}
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		return tenantos.DiskLayouts.Each(tx, func(d *tenantos.DiskLayout) error {
			out = append(out, viewLayout(tx, d))
			return nil
		})
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// getDiskLayout shows one disk layout.
func (g *group) getDiskLayout(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var out *layoutView
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		d, err := tenantos.DiskLayouts.Get(tx, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		out = viewLayout(tx, d)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// createDiskLayout makes a custom disk layout; the profiles that share a tag with it offer
// it at once.
func (g *group) createDiskLayout(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var in layoutInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	var out *layoutView
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		d := &tenantos.DiskLayout{Tags: []string{}}
		st := &layoutSettings{HWRaidHandling: "always_offer"}
		if err := in.apply(d, st, true); err != nil {
			return err
		}
		id, err := tenantos.DiskLayouts.NextID(tx)
		if err != nil {
			return err
		}
		d.ID, d.Created, d.Updated = id, tx.Now, tx.Now
		if err := putLayout(tx, d, st); err != nil {
			return err
		}
		if err := linkLayout(tx, d); err != nil {
			return err
		}
		out = viewLayout(tx, d)
		return logPxe(c, tx, rootLayouts, id, "Created disk layout "+d.Name, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// updateDiskLayout changes the fields sent of a disk layout; the profiles it is linked to
// are worked out again from its tags.
func (g *group) updateDiskLayout(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var in layoutInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	var out *layoutView
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		d, err := tenantos.DiskLayouts.Get(tx, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		st := settingsOfLayout(tx, d)
		before := viewLayout(tx, d)
		if err := in.apply(d, st, false); err != nil {
			return err
		}
		d.Updated = tx.Now
		if err := putLayout(tx, d, st); err != nil {
			return err
		}
		if err := linkLayout(tx, d); err != nil {
			return err
		}
		out = viewLayout(tx, d)
		return logPxe(c, tx, rootLayouts, d.ID, "Updated disk layout "+d.Name, changes(before, out))
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// deleteDiskLayout deletes a custom disk layout and unlinks it from every profile. Stock
// layouts and the default layout of a profile are refused (409).
func (g *group) deleteDiskLayout(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		d, err := tenantos.DiskLayouts.Get(tx, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		if settingsOfLayout(tx, d).Stock {
			return apierr.Conflict("Stock disk layouts cannot be deleted.")
		}
		if err := unlinkLayout(tx, d); err != nil {
			return err
		}
		if err := tenantos.DiskLayouts.Delete(tx, d.ID); err != nil {
			return err
		}
		if err := layoutSettingsOf.Delete(tx, d.ID); err != nil {
			return err
		}
		return logPxe(c, tx, rootLayouts, d.ID, "Deleted disk layout "+d.Name, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}

// duplicateDiskLayout copies a disk layout under a new id with the name sent; the copy is a
// custom layout (isStockTemplate 0, no internal key) linked by its tags.
func (g *group) duplicateDiskLayout(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var in struct {
		Name string `json:"name"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	var out *layoutView
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		name, err := newName(in.Name)
		if err != nil {
			return err
		}
		d, err := tenantos.DiskLayouts.Get(tx, provider.PathInt(c, "pxeDisklayoutId"))
		if err != nil {
			return err
		}
		st := settingsOfLayout(tx, d)
		id, err := tenantos.DiskLayouts.NextID(tx)
		if err != nil {
			return err
		}
		cp, cst := *d, *st
		cp.ID, cp.Name, cp.Tags, cp.Created, cp.Updated = id, name, append([]string{}, d.Tags...), tx.Now, tx.Now
		cst.Stock, cst.InternalKey = false, ""
		if err := putLayout(tx, &cp, &cst); err != nil {
			return err
		}
		if err := linkLayout(tx, &cp); err != nil {
			return err
		}
		out = viewLayout(tx, &cp)
		return logPxe(c, tx, rootLayouts, id, "Duplicated disk layout "+d.Name+" as "+name, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}
