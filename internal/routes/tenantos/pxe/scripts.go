package pxe

import (
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// scriptInput is the body of createPxeScript and updatePxeScript; absent fields are left as
// they are (or at their defaults on create).
type scriptInput struct {
	Tags                *[]string `json:"tags"`
	Script              *string   `json:"script"`
	Name                *string   `json:"name"`
	IsDisabled          *bool     `json:"isDisabled"`
	OfferIfHasTag       *[]string `json:"offer_if_has_tag"`
	DontOfferIfHasTag   *[]string `json:"dont_offer_if_has_tag"`
	OfferIfUserHasRole  *[]string `json:"offer_if_user_has_role"`
	DontOfferIfUserRole *[]string `json:"dont_offer_if_user_has_role"`
	AllowForVPS         *bool     `json:"allow_for_vps"`
	AllowForDedicated   *bool     `json:"allow_for_dedicated"`
}

// apply checks the input and writes it into the script and its settings (nothing is stored).
func (in *scriptInput) apply(s *tenantos.PxeScript, st *scriptSettings, create bool) error {
	if in.Tags != nil {
		tags := cleanTags(*in.Tags)
		if create && len(tags) == 0 {
			return tenantos.Invalid("tags", "The tags field is required.")
		}
		s.Tags = tags
	}
	if in.Name != nil {
		if s.Name = trimmed(*in.Name); s.Name == "" {
			return tenantos.Invalid("name", "The name field is required.")
		}
	}
	setString(&s.Content, in.Script)
	setBool(&st.Disabled, in.IsDisabled)
	setNotBool(&st.NoVPS, in.AllowForVPS)
	setNotBool(&st.NoDedicated, in.AllowForDedicated)
	setTags(&st.OfferIfTags, in.OfferIfHasTag)
	setTags(&st.DontOfferIfTags, in.DontOfferIfHasTag)
	setTags(&st.OfferIfRoles, in.OfferIfUserHasRole)
	setTags(&st.DontOfferIfRoles, in.DontOfferIfUserRole)
	return nil
}

// putScript stores a script and its settings.
func putScript(tx *tenantos.Tx, s *tenantos.PxeScript, st *scriptSettings) error {
	if err := tenantos.PxeScripts.Put(tx, s.ID, s); err != nil {
		return err
	}
	return scriptSettingsOf.Put(tx, s.ID, st)
}

// listPxeScripts lists the post-installation scripts, in id order.
func (g *group) listPxeScripts(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	out := []*scriptView{}
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		return tenantos.PxeScripts.Each(tx, func(s *tenantos.PxeScript) error {
			out = append(out, viewScript(tx, s))
			return nil
		})
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// getPxeScript shows one script.
func (g *group) getPxeScript(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var out *scriptView
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		s, err := tenantos.PxeScripts.Get(tx, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		out = viewScript(tx, s)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// createPxeScript makes a custom script; the profiles that share a tag with it offer it at
// once.
func (g *group) createPxeScript(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var in scriptInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	var out *scriptView
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		s := &tenantos.PxeScript{Tags: []string{}}
		st := &scriptSettings{}
		if err := in.apply(s, st, true); err != nil {
			return err
		}
		id, err := tenantos.PxeScripts.NextID(tx)
		if err != nil {
			return err
		}
		s.ID, s.Created, s.Updated = id, tx.Now, tx.Now
		if err := putScript(tx, s, st); err != nil {
			return err
		}
		if err := linkScript(tx, s); err != nil {
			return err
		}
		out = viewScript(tx, s)
		return logPxe(c, tx, rootScripts, id, "Created PXE script "+s.Name, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// updatePxeScript changes the fields sent of a script; the profiles it is linked to are
// worked out again from its tags.
func (g *group) updatePxeScript(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var in scriptInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	var out *scriptView
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		s, err := tenantos.PxeScripts.Get(tx, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		st := settingsOfScript(tx, s)
		before := viewScript(tx, s)
		if err := in.apply(s, st, false); err != nil {
			return err
		}
		s.Updated = tx.Now
		if err := putScript(tx, s, st); err != nil {
			return err
		}
		if err := linkScript(tx, s); err != nil {
			return err
		}
		out = viewScript(tx, s)
		return logPxe(c, tx, rootScripts, s.ID, "Updated PXE script "+s.Name, changes(before, out))
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// deletePxeScript deletes a custom script and unlinks it from every profile. Stock scripts
// and the default scripts of a profile are refused (409).
func (g *group) deletePxeScript(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		s, err := tenantos.PxeScripts.Get(tx, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		if settingsOfScript(tx, s).Stock {
			return apierr.Conflict("Stock scripts cannot be deleted.")
		}
		if err := unlinkScript(tx, s); err != nil {
			return err
		}
		if err := tenantos.PxeScripts.Delete(tx, s.ID); err != nil {
			return err
		}
		if err := scriptSettingsOf.Delete(tx, s.ID); err != nil {
			return err
		}
		return logPxe(c, tx, rootScripts, s.ID, "Deleted PXE script "+s.Name, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}

// duplicatePxeScript copies a script under a new id with the name sent; the copy is a custom
// script (isStockTemplate 0) linked by its tags.
func (g *group) duplicatePxeScript(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var in struct {
		Name string `json:"name"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	var out *scriptView
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		name, err := newName(in.Name)
		if err != nil {
			return err
		}
		s, err := tenantos.PxeScripts.Get(tx, provider.PathInt(c, "pxeScriptId"))
		if err != nil {
			return err
		}
		st := settingsOfScript(tx, s)
		id, err := tenantos.PxeScripts.NextID(tx)
		if err != nil {
			return err
		}
		cp, cst := *s, *st
		cp.ID, cp.Name, cp.Tags, cp.Created, cp.Updated = id, name, append([]string{}, s.Tags...), tx.Now, tx.Now
		cst.Stock = false
		if err := putScript(tx, &cp, &cst); err != nil {
			return err
		}
		if err := linkScript(tx, &cp); err != nil {
			return err
		}
		out = viewScript(tx, &cp)
		return logPxe(c, tx, rootScripts, id, "Duplicated PXE script "+s.Name+" as "+name, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}
