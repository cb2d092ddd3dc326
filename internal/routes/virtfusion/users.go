package virtfusion

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/mail"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// userView is a user as the users endpoints show it.
type userView struct {
	ID                    int64   `json:"id"`
	Admin                 bool    `json:"admin"`
	ExtRelationID         *int64  `json:"extRelationId"`
	SelfService           int     `json:"selfService"`
	HourlyGroupProfiles   []int64 `json:"selfServiceHourlyGroupProfiles"`
	ResourceGroupProfiles []int64 `json:"selfServiceResourceGroupProfiles"`
	HourlyResourcePack    *int64  `json:"selfServiceHourlyResourcePack"`
	Name                  string  `json:"name"`
	Email                 string  `json:"email"`
	Timezone              string  `json:"timezone"`
	Suspended             bool    `json:"suspended"`
	TwoFactorAuth         bool    `json:"twoFactorAuth"`
	Created               string  `json:"created"`
	Updated               string  `json:"updated"`
}

// createdUserView adds the generated password, shown once, to a new user.
type createdUserView struct {
	userView
	Password string `json:"password"`
}

func viewUser(u *User) userView {
	v := userView{ID: u.ID, Admin: u.Admin, ExtRelationID: u.ExtRelationID, SelfService: u.SelfService,
		HourlyGroupProfiles: u.HourlyGroupProfiles, ResourceGroupProfiles: u.ResourceGroupProfiles,
		HourlyResourcePack: u.HourlyResourcePack, Name: u.Name, Email: u.Email, Timezone: u.Timezone,
		Suspended: u.Suspended, TwoFactorAuth: u.TwoFactorAuth,
		Created: fmtTime(u.Created, tsMicro), Updated: fmtTime(u.Updated, tsMicro)}
	if v.HourlyGroupProfiles == nil {
		v.HourlyGroupProfiles = []int64{}
	}
	if v.ResourceGroupProfiles == nil {
		v.ResourceGroupProfiles = []int64{}
	}
	return v
}

// saveUser stores a user and keeps its unique indexes (email, extRelationId, relStr) in step;
// old is the user as it was, nil for a new one.
func saveUser(tx *state.Tx, u *User, old *User) error {
	key := state.ID(uint64(u.ID))
	email := tx.Index(Name, idxUserEmail)
	if old != nil {
		email.Delete([]byte(strings.ToLower(old.Email)))
		if old.ExtRelationID != nil {
			tx.Index(Name, idxUserExt).Delete([]byte(strconv.FormatInt(*old.ExtRelationID, 10)))
		}
		if old.RelStr != nil {
			tx.Index(Name, idxUserRelStr).Delete([]byte(*old.RelStr))
		}
	}
	if err := email.Put([]byte(strings.ToLower(u.Email)), key); errors.Is(err, state.ErrExists) {
		return apierr.Invalid("The email has already been taken.")
	} else if err != nil {
		return err
	}
	if u.ExtRelationID != nil {
		err := tx.Index(Name, idxUserExt).Put([]byte(strconv.FormatInt(*u.ExtRelationID, 10)), key)
		if errors.Is(err, state.ErrExists) {
			return apierr.Invalid("The ext relation id has already been taken.")
		} else if err != nil {
			return err
		}
	}
	if u.RelStr != nil {
		err := tx.Index(Name, idxUserRelStr).Put([]byte(*u.RelStr), key)
		if errors.Is(err, state.ErrExists) {
			return apierr.Invalid("The rel str has already been taken.")
		} else if err != nil {
			return err
		}
	}
	return put(tx, collUsers, u.ID, u)
}

// validEmail is Laravel's email rule, roughly: one plain address with an @.
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s, "@")
}

// userByRelation finds a user by the billing system's id: extRelationId, or relStr when
// the query says relStr=true.
func userByRelation(tx *state.Tx, c echo.Context) (*User, error) {
	ref := provider.PathString(c, "extRelationId")
	index := idxUserExt
	if provider.QueryBool(c, "relStr") {
		index = idxUserRelStr
	}
	key := tx.Index(Name, index).Get([]byte(ref))
	if key == nil {
		return nil, errExtRelNotFound
	}
	var u User
	if err := get(tx, collUsers, int64(state.IDOf(key)), &u, errExtRelNotFound); err != nil {
		return nil, err
	}
	return &u, nil
}

type createUserInput struct {
	Name                  string  `json:"name"`
	Email                 string  `json:"email"`
	ExtRelationID         *int64  `json:"extRelationId"`
	RelStr                *string `json:"relStr"`
	SelfService           int     `json:"selfService"`
	HourlyCredit          bool    `json:"selfServiceHourlyCredit"`
	HourlyGroupProfiles   []int64 `json:"selfServiceHourlyGroupProfiles"`
	ResourceGroupProfiles []int64 `json:"selfServiceResourceGroupProfiles"`
	HourlyResourcePack    *int64  `json:"selfServiceHourlyResourcePack"`
	SendMail              bool    `json:"sendMail"`
}

func (in *createUserInput) check() error {
	var msgs []string
	if len(in.Name) > 255 {
		msgs = append(msgs, "The name field must not be greater than 255 characters.")
	}
	if !validEmail(in.Email) {
		msgs = append(msgs, "The email field must be a valid email address.")
	}
	if in.SelfService < 0 || in.SelfService > 3 {
		msgs = append(msgs, "The selected self service is invalid.")
	}
	if len(msgs) > 0 {
		return apierr.Invalid(msgs...)
	}
	return nil
}

func (p *Provider) createUser(c echo.Context) error {
	var in createUserInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	if err := in.check(); err != nil {
		return err
	}
	var out createdUserView
	err := provider.World(c).Update(func(tx *state.Tx) error {
		if err := checkSelfServiceIDs(tx, in.HourlyGroupProfiles, in.ResourceGroupProfiles, in.HourlyResourcePack); err != nil {
			return err
		}
		id, err := tx.Coll(Name, collUsers).NextID()
		if err != nil {
			return err
		}
		u := User{ID: int64(id), ExtRelationID: in.ExtRelationID, RelStr: in.RelStr, SelfService: in.SelfService,
			HourlyCredit: in.HourlyCredit, HourlyGroupProfiles: in.HourlyGroupProfiles, ResourceGroupProfiles: in.ResourceGroupProfiles,
			HourlyResourcePack: in.HourlyResourcePack, Name: in.Name, Email: in.Email, Timezone: "Europe/London",
			Created: tx.Now, Updated: tx.Now}
		if err := saveUser(tx, &u, nil); err != nil {
			return err
		}
		out = createdUserView{userView: viewUser(&u), Password: password(provider.Credentials(), 30)}
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, data{out})
}

func (p *Provider) getUserByExtRelation(c echo.Context) error {
	var u *User
	err := provider.World(c).View(func(tx *state.Tx) (err error) {
		u, err = userByRelation(tx, c)
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, data{viewUser(u)})
}

func (p *Provider) deleteUserByExtRelation(c echo.Context) error {
	err := provider.World(c).Update(func(tx *state.Tx) error {
		u, err := userByRelation(tx, c)
		if err != nil {
			return err
		}
		if tx.Set(Name, setServersByOwner).Len(state.ID(uint64(u.ID))) > 0 {
			return apierr.Invalid("The user still owns servers. Delete them or change their owner first.")
		}
		if err := deleteUserAccess(tx, u.ID); err != nil {
			return err
		}
		if err := deleteUserSelfService(tx, u.ID); err != nil {
			return err
		}
		tx.Index(Name, idxUserEmail).Delete([]byte(strings.ToLower(u.Email)))
		if u.ExtRelationID != nil {
			tx.Index(Name, idxUserExt).Delete([]byte(strconv.FormatInt(*u.ExtRelationID, 10)))
		}
		if u.RelStr != nil {
			tx.Index(Name, idxUserRelStr).Delete([]byte(*u.RelStr))
		}
		return tx.Coll(Name, collUsers).Delete(state.ID(uint64(u.ID)))
	})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type modifyUserInput struct {
	Name                  *string  `json:"name"`
	Email                 *string  `json:"email"`
	SelfService           *int     `json:"selfService"`
	HourlyCredit          *bool    `json:"selfServiceHourlyCredit"`
	HourlyGroupProfiles   *[]int64 `json:"selfServiceHourlyGroupProfiles"`
	ResourceGroupProfiles *[]int64 `json:"selfServiceResourceGroupProfiles"`
	HourlyResourcePack    *int64   `json:"selfServiceHourlyResourcePack"`
	Enabled               *bool    `json:"enabled"`
}

func (in *modifyUserInput) check() error {
	var msgs []string
	if in.Name != nil && len(*in.Name) > 255 {
		msgs = append(msgs, "The name field must not be greater than 255 characters.")
	}
	if in.Email != nil && !validEmail(*in.Email) {
		msgs = append(msgs, "The email field must be a valid email address.")
	}
	if in.SelfService != nil && (*in.SelfService < 0 || *in.SelfService > 3) {
		msgs = append(msgs, "The selected self service is invalid.")
	}
	if len(msgs) > 0 {
		return apierr.Invalid(msgs...)
	}
	return nil
}

// modifiedUserView is the answer to a modification.
type modifiedUserView struct {
	Name        string `json:"name"`
	Email       string `json:"email"`
	SelfService int    `json:"selfService"`
	Enabled     bool   `json:"enabled"`
}

// apply changes u as the input says and reports whether anything changed.
func (in *modifyUserInput) apply(u *User) bool {
	before, _ := json.Marshal(u)
	if in.Name != nil {
		u.Name = *in.Name
	}
	if in.Email != nil {
		u.Email = *in.Email
	}
	if in.SelfService != nil {
		u.SelfService = *in.SelfService
	}
	if in.HourlyCredit != nil {
		u.HourlyCredit = *in.HourlyCredit
	}
	if in.HourlyGroupProfiles != nil {
		u.HourlyGroupProfiles = *in.HourlyGroupProfiles
	}
	if in.ResourceGroupProfiles != nil {
		u.ResourceGroupProfiles = *in.ResourceGroupProfiles
	}
	if in.HourlyResourcePack != nil {
		u.HourlyResourcePack = in.HourlyResourcePack
	}
	if in.Enabled != nil {
		u.Suspended = !*in.Enabled
	}
	after, _ := json.Marshal(u)
	return !bytes.Equal(before, after)
}

func (p *Provider) modifyUserByExtRelation(c echo.Context) error {
	var in modifyUserInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	if err := in.check(); err != nil {
		return err
	}
	var out modifiedUserView
	err := provider.World(c).Update(func(tx *state.Tx) error {
		old, err := userByRelation(tx, c)
		if err != nil {
			return err
		}
		var hourly, resource []int64
		if in.HourlyGroupProfiles != nil {
			hourly = *in.HourlyGroupProfiles
		}
		if in.ResourceGroupProfiles != nil {
			resource = *in.ResourceGroupProfiles
		}
		if err := checkSelfServiceIDs(tx, hourly, resource, in.HourlyResourcePack); err != nil {
			return err
		}
		u := *old
		if in.apply(&u) {
			u.Updated = tx.Now
		}
		if err := saveUser(tx, &u, old); err != nil {
			return err
		}
		out = modifiedUserView{Name: u.Name, Email: u.Email, SelfService: u.SelfService, Enabled: !u.Suspended}
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, data{out})
}

type resetPasswordView struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

func (p *Provider) resetUserPasswordByExtRelation(c echo.Context) error {
	var out resetPasswordView
	err := provider.World(c).Update(func(tx *state.Tx) error {
		u, err := userByRelation(tx, c)
		if err != nil {
			return err
		}
		old := *u
		u.Updated = tx.Now
		if err := saveUser(tx, u, &old); err != nil {
			return err
		}
		out = resetPasswordView{Email: u.Email, Password: password(provider.Credentials(), 21)}
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, data{out})
}
