package e24cloud

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// lookupOS finds what "os" names on create: a template, or one of the account's disk images
// (the user-made templates of GET /v2/templates), whose size the system disk takes.
func lookupOS(tx *state.Tx, id string) (*Template, error) {
	var t Template
	if getRecord(tx, collTemplates, state.Key(id), &t, errTemplateNotFound) == nil {
		return &t, nil
	}
	var img DiskImage
	if getRecord(tx, collImages, state.Key(id), &img, errImageNotFound) == nil {
		return &Template{ID: img.ID, Label: img.Label, Supports: img.Supports, Disk: img.Size}, nil
	}
	return nil, apierr.Invalid("The selected os is invalid.")
}

func loadImage(tx *state.Tx, id string) (*DiskImage, error) {
	var img DiskImage
	if err := getRecord(tx, collImages, state.Key(id), &img, errImageNotFound); err != nil {
		return nil, err
	}
	return &img, nil
}

// imageVolumeBase is the volume an image was made from, as the image shows it.
type imageVolumeBase struct {
	ID         string `json:"id"`
	Size       int    `json:"size"`
	Label      string `json:"label"`
	Type       string `json:"type"`
	SystemDisk bool   `json:"system_disk"`
	SharedDisk bool   `json:"shared_disk"`
}

type imageDedicatedVolume struct {
	imageVolumeBase
	VM *volumeVMView `json:"virtual_machine"`
}

type imageSharedVolume struct {
	imageVolumeBase
	VMs []volumeVMView `json:"virtual_machines"`
}

type imageView struct {
	ID            string  `json:"id"`
	Label         string  `json:"label"`
	Size          int     `json:"size"`
	CostPerHour   float64 `json:"cost_per_hour"`
	Owner         idName  `json:"owner"`
	StorageVolume any     `json:"storage_volume"` // null once the volume is deleted
}

func (p *Provider) renderImage(r *refs, img *DiskImage) *imageView {
	out := &imageView{ID: img.ID, Label: img.Label, Size: img.Size, CostPerHour: round(float64(img.Size)*p.fx.Prices.ImageGB, 5), Owner: r.owner()}
	vol, err := loadVolume(r.tx, img.VolumeID)
	if err != nil {
		return out
	}
	base := imageVolumeBase{ID: vol.ID, Size: vol.Size, Label: vol.Label, Type: volumeType(vol.Type), SystemDisk: vol.SystemDisk, SharedDisk: vol.Shared}
	vms := attachedVMs(r, vol)
	if vol.Shared {
		out.StorageVolume = imageSharedVolume{base, vms}
		return out
	}
	v := imageDedicatedVolume{imageVolumeBase: base}
	if len(vms) > 0 {
		v.VM = &vms[0]
	}
	out.StorageVolume = v
	return out
}

// images lists the account's disk images, oldest first.
func images(tx *state.Tx) ([]*DiskImage, error) {
	var out []*DiskImage
	err := each(tx, collImages, func(img *DiskImage) error { out = append(out, img); return nil })
	byCreation(out, func(i *DiskImage) uint64 { return i.Seq })
	return out, err
}

func (p *Provider) listDiskImages(c echo.Context) error {
	out := []*imageView{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		r, err := newRefs(tx)
		if err != nil {
			return err
		}
		imgs, err := images(tx)
		for _, img := range imgs {
			out = append(out, p.renderImage(r, img))
		}
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Success bool         `json:"success"`
		Images  []*imageView `json:"disk_images"`
	}{true, out})
}

func (p *Provider) getDiskImage(c echo.Context) error {
	var out *imageView
	err := provider.World(c).View(func(tx *state.Tx) error {
		img, err := loadImage(tx, c.Param("disk_image_id"))
		if err != nil {
			return err
		}
		r, err := newRefs(tx)
		if err != nil {
			return err
		}
		out = p.renderImage(r, img)
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Success bool       `json:"success"`
		Image   *imageView `json:"disk_image"`
	}{true, out})
}

type createImageInput struct {
	VolumeID string `json:"storage_volume_id"`
	Label    string `json:"label"`
}

// createDiskImage takes an image of a volume, at once. An image of a system disk supports
// what the VM's template supported; it can be the "os" of a new VM.
func (p *Provider) createDiskImage(c echo.Context) error {
	var in createImageInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	var id string
	err := provider.World(c).Update(func(tx *state.Tx) error {
		vol, err := loadVolume(tx, in.VolumeID)
		if err != nil {
			return apierr.Invalid("The selected storage_volume_id is invalid.")
		}
		supports := []string{}
		for _, vmID := range vol.VMs {
			vm, err := loadVM(tx, vmID)
			if err != nil {
				continue
			}
			if vm.State == stateInstalling || vm.State == stateDeleting {
				return apierr.Conflict("Cannot take an image of a volume whose virtual machine is " + vm.State + ".")
			}
			if vol.SystemDisk {
				if t, err := lookupOS(tx, vm.TemplateID); err == nil {
					supports = append([]string{}, t.Supports...)
				}
			}
		}
		seq, err := tx.Coll(Name, collImages).NextID()
		if err != nil {
			return err
		}
		id = p.Faker("image", int64(seq)).UUID()
		img := &DiskImage{ID: id, Label: label(in.Label, "image", id), Size: vol.Size, VolumeID: vol.ID, Supports: supports, Seq: seq, Created: tx.Now}
		return putRecord(tx, collImages, state.Key(id), img)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Success bool   `json:"success"`
		Image   idBody `json:"disk_image"`
	}{true, idBody{id}})
}

// deleteDiskImage deletes an image; VMs created from it keep their disks.
func (p *Provider) deleteDiskImage(c echo.Context) error {
	err := provider.World(c).Update(func(tx *state.Tx) error {
		img, err := loadImage(tx, c.Param("disk_image_id"))
		if err != nil {
			return err
		}
		return tx.Coll(Name, collImages).Delete(state.Key(img.ID))
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, succeeded)
}
