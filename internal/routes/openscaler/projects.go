package openscaler

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

type projectView struct {
	ID          string  `json:"id"`
	Description string  `json:"description"`
	UserID      string  `json:"user_id"`
	VPCIDs      []int64 `json:"vpc_ids"`
	VMCount     int     `json:"vm_count"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`
}

func renderProject(tx *state.Tx, pr *Project) (projectView, error) {
	v := projectView{ID: pr.ID, Description: pr.Description, UserID: pr.UserID, VPCIDs: []int64{},
		VMCount: tx.Set(Name, setVMsByProject).Len(state.Key(pr.ID)), CreatedAt: fmtTime(pr.Created), UpdatedAt: fmtTime(pr.Updated)}
	err := tx.Set(Name, setVPCsByProj).Members(state.Key(pr.ID), 0, -1, func(m []byte) error {
		v.VPCIDs = append(v.VPCIDs, int64(state.IDOf(m)))
		return nil
	})
	return v, err
}

// newProject stores a project and gives it a default VPC in every region.
func (p *Provider) newProject(tx *state.Tx, userID, id, description string, created time.Time) (*Project, error) {
	coll := tx.Coll(Name, collProjects)
	if coll.Has(state.Key(id)) {
		return nil, apierr.Conflict("Project '" + id + "' already exists")
	}
	pr := &Project{ID: id, Description: description, UserID: userID, Created: created, Updated: created}
	if err := coll.Put(state.Key(id), pr); err != nil {
		return nil, err
	}
	for _, r := range p.fx.Regions {
		n, err := tx.Coll(Name, collVPCs).NextID()
		if err != nil {
			return nil, err
		}
		subnet, gw := vpcSubnet(int64(n))
		vpc := VPC{ID: int64(n), Name: "default", ProjectID: id, Region: r.ID, Subnet: subnet, Gateway: gw, Default: true,
			Created: created, Updated: created}
		if err := tx.Coll(Name, collVPCs).Put(state.ID(n), &vpc); err != nil {
			return nil, err
		}
		if err := tx.Index(Name, idxDefaultVPC).Put([]byte(id+"/"+r.ID), state.ID(n)); err != nil {
			return nil, err
		}
		if err := tx.Set(Name, setVPCsByProj).Add(state.Key(id), state.ID(n)); err != nil {
			return nil, err
		}
	}
	return pr, nil
}

func (p *Provider) coreProjectList(c echo.Context) error {
	out := []projectView{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		return tx.Coll(Name, collProjects).ForEach(func(k, _ []byte) error {
			pr, err := loadProject(tx, string(k))
			if err != nil {
				return err
			}
			v, err := renderProject(tx, pr)
			out = append(out, v)
			return err
		})
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"projects": out})
}

func (p *Provider) coreProjectInfo(c echo.Context) error {
	var out projectView
	err := provider.World(c).View(func(tx *state.Tx) error {
		pr, err := loadProject(tx, provider.PathString(c, "project_id"))
		if err != nil {
			return err
		}
		out, err = renderProject(tx, pr)
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

type projectInput struct {
	ID          string `json:"id"`
	Description string `json:"description"`
}

func (p *Provider) coreProjectCreate(c echo.Context) error {
	var in projectInput
	if err := p.bind(c, &in); err != nil {
		return err
	}
	var out projectView
	err := provider.World(c).Update(func(tx *state.Tx) error {
		acct, err := loadAccount(tx)
		if err != nil {
			return err
		}
		pr, err := p.newProject(tx, acct.UserID, in.ID, in.Description, tx.Now.Truncate(time.Second))
		if err != nil {
			return err
		}
		out, err = renderProject(tx, pr)
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, out)
}

// coreProjectDelete removes an empty project and its VPCs; the first project of the fixtures
// ("default") stays.
func (p *Provider) coreProjectDelete(c echo.Context) error {
	id := provider.PathString(c, "project_id")
	return p.done(c, provider.World(c).Update(func(tx *state.Tx) error {
		if _, err := loadProject(tx, id); err != nil {
			return err
		}
		if id == p.fx.Projects[0].ID {
			return apierr.Conflict("The default project cannot be deleted")
		}
		if n := tx.Set(Name, setVMsByProject).Len(state.Key(id)); n > 0 {
			return apierr.Conflict("Project '" + id + "' still has " + strconv.Itoa(n) + " VM(s); delete them first")
		}
		lbs := 0
		if err := eachLB(tx, func(lb *LB) error {
			if lb.ProjectID == id {
				lbs++
			}
			return nil
		}); err != nil {
			return err
		}
		if lbs > 0 {
			return apierr.Conflict("Project '" + id + "' still has " + strconv.Itoa(lbs) + " load balancer(s); delete them first")
		}
		var vpcs [][]byte
		err := tx.Set(Name, setVPCsByProj).Members(state.Key(id), 0, -1, func(m []byte) error {
			vpcs = append(vpcs, append([]byte(nil), m...))
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range vpcs {
			var vpc VPC
			if err := tx.Coll(Name, collVPCs).Get(k, &vpc); err != nil {
				return err
			}
			if err := tx.Index(Name, idxDefaultVPC).Delete([]byte(id + "/" + vpc.Region)); err != nil {
				return err
			}
			if err := tx.Coll(Name, collVPCs).Delete(k); err != nil {
				return err
			}
			if err := tx.Set(Name, setVPCsByProj).Remove(state.Key(id), k); err != nil {
				return err
			}
		}
		return tx.Coll(Name, collProjects).Delete(state.Key(id))
	}))
}

// done answers 204 when err is nil.
func (p *Provider) done(c echo.Context, err error) error {
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type vpcView struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	ProjectID string `json:"project_id"`
	Region    string `json:"region"`
	Subnet    string `json:"subnet"`
	Gateway   string `json:"gateway"`
	IsDefault bool   `json:"is_default"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

func renderVPC(v *VPC) vpcView {
	return vpcView{ID: v.ID, Name: v.Name, ProjectID: v.ProjectID, Region: v.Region, Subnet: v.Subnet, Gateway: v.Gateway,
		IsDefault: v.Default, CreatedAt: fmtTime(v.Created), UpdatedAt: fmtTime(v.Updated)}
}

func (p *Provider) coreVPCList(c echo.Context) error {
	project := provider.QueryString(c, "project_id", "")
	out := []vpcView{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		if project != "" {
			if _, err := loadProject(tx, project); err != nil {
				return err
			}
		}
		return tx.Coll(Name, collVPCs).ForEach(func(k, _ []byte) error {
			v, err := loadVPC(tx, int64(state.IDOf(k)))
			if err != nil {
				return err
			}
			if project == "" || v.ProjectID == project {
				out = append(out, renderVPC(v))
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"vpcs": out})
}

func (p *Provider) coreVPCInfo(c echo.Context) error {
	var out vpcView
	err := provider.World(c).View(func(tx *state.Tx) error {
		v, err := loadVPC(tx, provider.PathInt(c, "vpc_id"))
		if err != nil {
			return err
		}
		out = renderVPC(v)
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}
