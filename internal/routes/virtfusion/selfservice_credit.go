package virtfusion

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// Credit: tokens added to a user's balance, and taken back by cancelling them.

func (p *Provider) addCreditToUser(c echo.Context) error {
	var in struct {
		Tokens     float64 `json:"tokens"`
		Reference1 *int64  `json:"reference_1"`
		Reference2 *string `json:"reference_2"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	if in.Tokens <= 0 {
		return apierr.Invalid("The tokens field must be greater than 0.")
	}
	var id int64
	err := provider.World(c).Update(func(tx *state.Tx) error {
		u, err := userByRelation(tx, c)
		if err != nil {
			return err
		}
		next, err := tx.Coll(Name, collCredits).NextID()
		if err != nil {
			return err
		}
		cr := Credit{ID: int64(next), UserID: u.ID, Tokens: in.Tokens, Reference1: in.Reference1, Reference2: in.Reference2, Created: tx.Now}
		if err := put(tx, collCredits, cr.ID, &cr); err != nil {
			return err
		}
		id = cr.ID
		return tx.Set(Name, setCreditsByUser).Add(state.ID(uint64(u.ID)), state.ID(uint64(cr.ID)))
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, data{idView{id}})
}

// cancelCredit takes a credit off its user's balance; it is gone afterwards (404).
func (p *Provider) cancelCredit(c echo.Context) error {
	err := provider.World(c).Update(func(tx *state.Tx) error {
		var cr Credit
		if err := get(tx, collCredits, provider.PathInt(c, "creditId"), &cr, errCreditNotFound); err != nil {
			return err
		}
		if err := tx.Set(Name, setCreditsByUser).Remove(state.ID(uint64(cr.UserID)), state.ID(uint64(cr.ID))); err != nil {
			return err
		}
		return tx.Coll(Name, collCredits).Delete(state.ID(uint64(cr.ID)))
	})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
