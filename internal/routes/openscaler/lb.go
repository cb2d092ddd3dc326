package openscaler

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

const (
	taskLBCreate = "lbCreate"
	taskLBDelete = "lbDelete"
)

// Load balancer statuses.
const (
	lbCreating = "creating"
	lbReady    = "ready"
	lbDeleting = "deleting"
)

// maxLBItems bounds the backends, frontends and certificates of one load balancer.
const maxLBItems = 100

// LB is a load balancer of a project: an address in a VPC and, when public, ports of the
// region's shared IP; its backends, frontends and certificates live in the record.
type LB struct {
	ID           int64         `json:"id"`
	Name         string        `json:"name"`
	Description  string        `json:"description"`
	UserID       string        `json:"userId"`
	ProjectID    string        `json:"projectId"`
	Region       string        `json:"region"`
	Size         string        `json:"size"`
	Visibility   string        `json:"visibility"`
	VPCID        int64         `json:"vpcId"`
	PrivateIP    string        `json:"privateIp"`
	Status       string        `json:"status"`
	Creating     bool          `json:"creating"`
	Steps        []Progress    `json:"steps"`
	Deleting     bool          `json:"deleting"`
	Forwards     []Forward     `json:"forwards"`
	Backends     []Backend     `json:"backends"`
	Frontends    []Frontend    `json:"frontends"`
	Certificates []Certificate `json:"certificates"`
	Created      time.Time     `json:"created"`
	Updated      time.Time     `json:"updated"`
}

var lbRecords = provider.Records[LB]{Provider: Name, Coll: collLBs, NotFound: errLBNotFound}

func loadLB(tx *state.Tx, id int64) (*LB, error) { return lbRecords.Get(tx, id) }

func saveLB(tx *state.Tx, lb *LB) error {
	return tx.Coll(Name, collLBs).Put(state.ID(uint64(lb.ID)), lb)
}

// lbFromPath loads the load balancer the path's lb_id names (its id, a string of digits).
func lbFromPath(tx *state.Tx, c echo.Context) (*LB, error) {
	return loadLB(tx, vmID(provider.PathString(c, "lb_id")))
}

// checkLBSettled refuses (409) to change a load balancer that is being created or deleted.
func checkLBSettled(lb *LB) error {
	switch {
	case lb.Deleting:
		return apierr.Conflict(fmt.Sprintf("Load balancer %d is being deleted", lb.ID))
	case lb.Creating:
		return apierr.Conflict(fmt.Sprintf("Load balancer %d is still being created", lb.ID))
	}
	return nil
}

// lbView is the load balancer object: the documented keys first, in their order (its id a
// string), then where it is reachable.
type lbView struct {
	ID            string     `json:"id"`
	Name          string     `json:"name"`
	Description   string     `json:"description"`
	UserID        string     `json:"user_id"`
	ProjectID     string     `json:"project_id"`
	Size          string     `json:"size"`
	Region        string     `json:"region"`
	Visibility    string     `json:"visibility"`
	Status        string     `json:"status"`
	VPCID         int64      `json:"vpc_id"`
	PrivateIP     string     `json:"private_ip"`
	PublicIP      *string    `json:"public_ip"`
	PublicIPPorts []portView `json:"public_ip_ports"`
	CreatedAt     string     `json:"created_at"`
	UpdatedAt     string     `json:"updated_at"`
}

func renderLB(tx *state.Tx, lb *LB) (*lbView, error) {
	out := &lbView{ID: strconv.FormatInt(lb.ID, 10), Name: lb.Name, Description: lb.Description, UserID: lb.UserID,
		ProjectID: lb.ProjectID, Size: lb.Size, Region: lb.Region, Visibility: lb.Visibility, Status: lb.Status,
		VPCID: lb.VPCID, PrivateIP: lb.PrivateIP, PublicIPPorts: portViews(lb.Forwards),
		CreatedAt: fmtTime(lb.Created), UpdatedAt: fmtTime(lb.Updated)}
	if lb.Visibility == "public" {
		var r Region
		if err := tx.Coll(Name, collRegions).Get(state.Key(lb.Region), &r); err != nil {
			return nil, fmt.Errorf("lb %d: region: %w", lb.ID, err)
		}
		out.PublicIP = &r.PublicIP
	}
	return out, nil
}

type lbInput struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	ProjectID   string `json:"project_id"`
	Region      string `json:"region"`
	VPCID       int64  `json:"vpc_id"`
	Size        string `json:"size"`
	Visibility  string `json:"visibility"`
}

type lbCreateTask struct {
	LBID int64 `json:"lbId"`
	Step int   `json:"step"`
}

// lbCreate checks the request and reserves the load balancer's address in one transaction
// (refusals are plain JSON answers, a name taken in the project the event "400"), then
// streams its creation as server-sent events, as VM creation does.
func (p *Provider) lbCreate(c echo.Context) error {
	var in lbInput
	if err := p.bind(c, &in); err != nil {
		return err
	}
	var id int64
	err := provider.World(c).Update(func(tx *state.Tx) error {
		lb, err := p.newLB(tx, &in)
		if err != nil {
			return err
		}
		id = lb.ID
		return nil
	})
	if err != nil {
		return streamRefused(c, err)
	}
	return p.streamCreation(c, p.lbCreation(id))
}

func (p *Provider) newLB(tx *state.Tx, in *lbInput) (*LB, error) {
	acct, err := loadAccount(tx)
	if err != nil {
		return nil, err
	}
	if _, err := loadProject(tx, in.ProjectID); err != nil {
		if errors.Is(err, state.ErrNotFound) || isNotFound(err) {
			return nil, badRequest("Project '" + in.ProjectID + "' not found.")
		}
		return nil, err
	}
	region, err := loadRegion(tx, in.Region)
	if err != nil {
		return nil, err
	}
	if p.lbSize(in.Size) == nil {
		return nil, badRequest("Load balancer size '" + in.Size + "' not found.")
	}
	vpc, err := loadVPC(tx, in.VPCID)
	if err != nil || vpc.ProjectID != in.ProjectID || vpc.Region != region.ID {
		return nil, badRequest(fmt.Sprintf("VPC %d not found in project '%s' and region '%s'.", in.VPCID, in.ProjectID, region.ID))
	}
	taken := false
	err = eachLB(tx, func(o *LB) error {
		taken = taken || (o.ProjectID == in.ProjectID && o.Name == in.Name)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if taken {
		return nil, &streamRefusal{first: p.firstStep(p.fx.LBCreate, in.Name, "", in.Size, region.ID, strconv.FormatInt(vpc.ID, 10)),
			msg: fmt.Sprintf("A load balancer named '%s' already exists in project '%s'.", in.Name, in.ProjectID)}
	}
	n, err := lbRecords.NextID(tx)
	if err != nil {
		return nil, err
	}
	lb := &LB{ID: n, Name: in.Name, Description: in.Description, UserID: acct.UserID, ProjectID: in.ProjectID,
		Region: region.ID, Size: in.Size, Visibility: in.Visibility, VPCID: vpc.ID, Status: lbCreating, Creating: true,
		Forwards: []Forward{}, Backends: []Backend{}, Frontends: []Frontend{}, Certificates: []Certificate{},
		Created: tx.Now, Updated: tx.Now}
	if lb.PrivateIP, err = allocatePrivateIP(tx, vpc, lbOwner(lb.ID)); err != nil {
		return nil, err
	}
	if err := p.lbStep(tx, lb, 0); err != nil {
		return nil, err
	}
	return lb, saveLB(tx, lb)
}

func isNotFound(err error) bool {
	var ae *apierr.Error
	return errors.As(err, &ae) && ae.Kind == apierr.KindNotFound
}

// eachLB calls fn with every load balancer of the world, in id order.
func eachLB(tx *state.Tx, fn func(*LB) error) error {
	return tx.Coll(Name, collLBs).ForEach(func(k, raw []byte) error {
		var lb LB
		if err := json.Unmarshal(raw, &lb); err != nil {
			return err
		}
		return fn(&lb)
	})
}

// lbStep carries out step i of a creation: its progress event, then the next step's task or,
// after the last, the status "ready".
func (p *Provider) lbStep(tx *state.Tx, lb *LB, i int) error {
	steps := p.fx.LBCreate
	st := steps[i]
	lb.Steps = append(lb.Steps, Progress{Percentage: st.Percentage,
		Message: stepMessage(st.Message, lb.Name, "", lb.Size, lb.Region, strconv.FormatInt(lb.VPCID, 10))})
	if i == len(steps)-1 {
		lb.Creating, lb.Status, lb.Updated = false, lbReady, tx.Now
		return nil
	}
	_, err := tx.Enqueue(Name, taskLBCreate, tx.Now.Add(seconds(steps[i+1].After)), lbCreateTask{LBID: lb.ID, Step: i + 1})
	return err
}

func (p *Provider) runLBCreate(tx *state.Tx, task *state.Task) error {
	var t lbCreateTask
	if err := json.Unmarshal(task.Data, &t); err != nil {
		return err
	}
	lb, err := loadLB(tx, t.LBID)
	if err != nil || !lb.Creating || lb.Deleting || t.Step >= len(p.fx.LBCreate) {
		return nil
	}
	if err := p.lbStep(tx, lb, t.Step); err != nil {
		return err
	}
	return saveLB(tx, lb)
}

// lbCreation is how the stream reads a load balancer's creation.
func (p *Provider) lbCreation(id int64) creation {
	return creation{
		stopping: fmt.Sprintf("The server is shutting down; load balancer %d is still being created: GET /lbs/%d shows how far it got.", id, id),
		poll: func(tx *state.Tx) ([]Progress, string, any, error) {
			lb, err := loadLB(tx, id)
			if errors.Is(err, errLBNotFound) {
				return nil, "500", detail{fmt.Sprintf("Load balancer %d no longer exists.", id)}, nil
			}
			if err != nil {
				return nil, "", nil, err
			}
			switch {
			case lb.Creating && lb.Deleting:
				return lb.Steps, "500", detail{fmt.Sprintf("Load balancer %d was deleted before its creation finished.", id)}, nil
			case !lb.Creating:
				view, err := renderLB(tx, lb)
				return lb.Steps, "200", view, err
			}
			return lb.Steps, "", nil, nil
		},
	}
}

// lbList lists the load balancers of the account, or of one project, in id order.
func (p *Provider) lbList(c echo.Context) error {
	project := provider.QueryString(c, "project_id", "")
	out := []*lbView{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		if project != "" {
			if _, err := loadProject(tx, project); err != nil {
				return err
			}
		}
		return eachLB(tx, func(lb *LB) error {
			if project != "" && lb.ProjectID != project {
				return nil
			}
			v, err := renderLB(tx, lb)
			out = append(out, v)
			return err
		})
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"lbs": out})
}

func (p *Provider) lbInfo(c echo.Context) error {
	var out *lbView
	err := provider.World(c).View(func(tx *state.Tx) error {
		lb, err := lbFromPath(tx, c)
		if err != nil {
			return err
		}
		out, err = renderLB(tx, lb)
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

type lbDeleteTask struct {
	LBID int64 `json:"lbId"`
}

// lbDelete answers 204 at once; the load balancer reads "deleting" until the deletion has run
// (timings.lbDelete), then it is gone and its address and ports are free. One still being
// created stops being created; its stream ends with "500".
func (p *Provider) lbDelete(c echo.Context) error {
	w := provider.World(c)
	wake := false
	err := w.Update(func(tx *state.Tx) error {
		wake = false
		lb, err := lbFromPath(tx, c)
		if err != nil || lb.Deleting {
			return err
		}
		lb.Deleting, lb.Status, lb.Updated, wake = true, lbDeleting, tx.Now, lb.Creating
		if _, err := tx.Enqueue(Name, taskLBDelete, tx.Now.Add(seconds(p.fx.Timings.LBDelete)), lbDeleteTask{lb.ID}); err != nil {
			return err
		}
		return saveLB(tx, lb)
	})
	if wake {
		w.Notify()
	}
	return p.done(c, err)
}

func (p *Provider) runLBDelete(tx *state.Tx, task *state.Task) error {
	var t lbDeleteTask
	if err := json.Unmarshal(task.Data, &t); err != nil {
		return err
	}
	lb, err := loadLB(tx, t.LBID)
	if err != nil {
		return nil
	}
	if err := freePorts(tx, lb.Region, lb.Forwards); err != nil {
		return err
	}
	if lb.PrivateIP != "" {
		if err := tx.Index(Name, idxPrivateIPs).Delete(privateKey(lb.VPCID, lb.PrivateIP)); err != nil {
			return err
		}
	}
	return tx.Coll(Name, collLBs).Delete(state.ID(uint64(lb.ID)))
}

// forgetVM takes a deleted VM out of every backend that names it.
func forgetVM(tx *state.Tx, vm int64) error {
	id := strconv.FormatInt(vm, 10)
	var changed []*LB
	err := eachLB(tx, func(lb *LB) error {
		hit := false
		for i := range lb.Backends {
			ids := []string{}
			for _, s := range lb.Backends[i].Servers.ComputerIDs {
				if strings.TrimSpace(s) == id {
					hit = true
					continue
				}
				ids = append(ids, s)
			}
			lb.Backends[i].Servers.ComputerIDs = ids
		}
		if hit {
			changed = append(changed, lb)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, lb := range changed {
		lb.Updated = tx.Now
		if err := saveLB(tx, lb); err != nil {
			return err
		}
	}
	return nil
}
