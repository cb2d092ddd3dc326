package virtfusion

import (
	"bytes"
	"hash/fnv"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// Traffic periods are monthly and start on the day of the month the server was created
// (at 00:00 UTC). In a month without that day the period starts on the month's last day,
// so periods follow each other without gaps or overlaps. Period k is the one that starts k
// months after the server's creation month; period 0 contains the creation.

// trafficMonths is how many periods GET /servers/{id}/traffic/blocks offers (1 = current).
const trafficMonths = 25

// collTrafficBlocks only numbers traffic blocks; blocks live in their server's record.
const collTrafficBlocks = "trafficBlocks"

var errTrafficBlockNotFound = apierr.NotFound("traffic block not found")

// TrafficBlock is extra traffic added to one period of a server.
type TrafficBlock struct {
	ID      int64     `json:"id"`
	Month   int       `json:"month"`   // the key of available.months it was added with
	Period  int       `json:"period"`  // period index (see above)
	Traffic int       `json:"traffic"` // GB
	Added   time.Time `json:"added"`
}

// periodStart is the start of period k of a server created at created.
func periodStart(created time.Time, k int) time.Time {
	created = created.UTC()
	first := time.Date(created.Year(), created.Month()+time.Month(k), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(created.Day(), last), 0, 0, 0, 0, time.UTC)
}

// periodBounds is period k as [start, next).
func periodBounds(created time.Time, k int) (time.Time, time.Time) {
	return periodStart(created, k), periodStart(created, k+1)
}

// periodIndex is the period that contains t.
func periodIndex(created, t time.Time) int {
	created, t = created.UTC(), t.UTC()
	k := (t.Year()-created.Year())*12 + int(t.Month()) - int(created.Month())
	for k > 0 && t.Before(periodStart(created, k)) {
		k--
	}
	for !t.Before(periodStart(created, k+1)) {
		k++
	}
	return k
}

// Uptime records when a server ran: open and closed runs, and, for runs folded away to
// keep the record small, seconds per period.
type Uptime struct {
	Runs   []Run           `json:"runs,omitempty"`
	Folded map[int]float64 `json:"folded,omitempty"` // period index → seconds
}

// Run is one stretch of running; To is nil while it lasts.
type Run struct {
	From time.Time  `json:"from"`
	To   *time.Time `json:"to"`
}

// maxRuns is how many runs a server record keeps before the oldest are folded into seconds.
const maxRuns = 32

// trackUptime opens a run when the server starts running and closes it when it stops.
// Saving a server calls it, so every power change (build, power actions, suspend) is
// recorded.
func (s *Server) trackUptime(now time.Time) {
	u := &s.Uptime
	open := len(u.Runs) > 0 && u.Runs[len(u.Runs)-1].To == nil
	switch running := s.Power == powerRunning; {
	case running && !open:
		from := now
		if len(u.Runs) == 0 && s.PoweredOn != nil && s.PoweredOn.Before(now) {
			from = *s.PoweredOn // a record from before uptime was kept
		}
		u.Runs = append(u.Runs, Run{From: from})
	case !running && open:
		u.Runs[len(u.Runs)-1].To = &now
		u.fold(s.Created)
	}
}

// fold moves the oldest closed runs into per-period seconds once there are too many.
func (u *Uptime) fold(created time.Time) {
	for len(u.Runs) > maxRuns && u.Runs[0].To != nil {
		r := u.Runs[0]
		if u.Folded == nil {
			u.Folded = map[int]float64{}
		}
		for k := periodIndex(created, r.From); k <= periodIndex(created, *r.To); k++ {
			start, next := periodBounds(created, k)
			u.Folded[k] += overlap(r.From, *r.To, start, next).Seconds()
		}
		u.Runs = u.Runs[1:]
	}
}

func overlap(a0, a1, b0, b1 time.Time) time.Duration {
	from, to := a0, a1
	if b0.After(from) {
		from = b0
	}
	if b1.Before(to) {
		to = b1
	}
	if to.After(from) {
		return to.Sub(from)
	}
	return 0
}

// secondsIn is how long the server ran in [start, next) up to now.
func (s *Server) secondsIn(k int, now time.Time) float64 {
	start, next := periodBounds(s.Created, k)
	if now.Before(next) {
		next = now
	}
	secs := s.Uptime.Folded[k]
	runs := s.Uptime.Runs
	if len(runs) == 0 && s.Power == powerRunning {
		// A record from before uptime was kept: running since its last boot.
		from := s.PoweredOn
		if from == nil {
			from = s.Built
		}
		if from != nil {
			runs = []Run{{From: *from}}
		}
	}
	for _, r := range runs {
		to := now
		if r.To != nil {
			to = *r.To
		}
		secs += overlap(r.From, to, start, next).Seconds()
	}
	return secs
}

// trafficRates are the bytes a second a server receives and sends while it runs. They come
// from its id, so every world shows the same figures for the same history.
func trafficRates(id int64) (rx, tx int64) {
	h := fnv.New64a()
	h.Write([]byte(strconv.FormatInt(id, 10)))
	n := h.Sum64()
	rx = 1500 + int64(n%2500)           // 1.5–4 kB/s: about 4–10 GB a month
	tx = rx/30 + int64((n>>16)%150) + 1 // mostly a receiving server, as in the documented example
	return rx, tx
}

// serverUsage is a period's traffic in bytes.
func (s *Server) usage(k int, now time.Time) (rx, tx int64) {
	secs := s.secondsIn(k, now)
	rxRate, txRate := trafficRates(s.ID)
	return int64(secs * float64(rxRate)), int64(secs * float64(txRate))
}

type periodView struct {
	Month int    `json:"month"`
	Start string `json:"start"`
	End   string `json:"end"`
}

func viewPeriod(created time.Time, k, month int) periodView {
	start, next := periodBounds(created, k)
	return periodView{Month: month, Start: fmtTime(start, tsPlain), End: fmtTime(next.Add(-time.Second), tsPlain)}
}

// monthsView is available.months: an object keyed "1" … "25", in numeric order as PHP
// writes it.
type monthsView []periodView

func (m monthsView) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, p := range m {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"` + strconv.Itoa(p.Month) + `":{"month":` + strconv.Itoa(p.Month) +
			`,"start":"` + p.Start + `","end":"` + p.End + `"}`)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

type assignedBlockView struct {
	ID      int64  `json:"id"`
	Current bool   `json:"current"`
	Month   int    `json:"month"`
	Traffic int    `json:"traffic"`
	Start   string `json:"start"`
	End     string `json:"end"`
	Added   string `json:"added"`
}

type trafficBlocksView struct {
	Assigned  []assignedBlockView `json:"assigned"`
	Available struct {
		Total   int        `json:"total"`
		Current periodView `json:"current"`
		Months  monthsView `json:"months"`
	} `json:"available"`
}

func viewTrafficBlocks(s *Server, now time.Time) trafficBlocksView {
	cur := periodIndex(s.Created, now)
	var v trafficBlocksView
	v.Assigned = []assignedBlockView{}
	for _, b := range s.TrafficBlocks {
		p := viewPeriod(s.Created, b.Period, b.Month)
		v.Assigned = append(v.Assigned, assignedBlockView{ID: b.ID, Current: b.Period == cur, Month: b.Month, Traffic: b.Traffic,
			Start: p.Start, End: p.End, Added: fmtTime(b.Added, tsMicro)})
	}
	v.Available.Total = trafficMonths
	v.Available.Current = viewPeriod(s.Created, cur, 1)
	for m := 1; m <= trafficMonths; m++ {
		v.Available.Months = append(v.Available.Months, viewPeriod(s.Created, cur+m-1, m))
	}
	return v
}

func (p *Provider) getServerTrafficBlocks(c echo.Context) error {
	var out trafficBlocksView
	err := provider.World(c).View(func(tx *state.Tx) error {
		s, err := loadServer(tx, provider.PathInt(c, "serverId"))
		if err != nil {
			return err
		}
		out = viewTrafficBlocks(s, tx.Now)
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, data{out})
}

func (p *Provider) addServerTrafficBlock(c echo.Context) error {
	var in struct {
		Month  int `json:"month"`
		Amount int `json:"amount"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	err := updateServer(c, func(tx *state.Tx, s *Server) error {
		id, err := tx.Coll(Name, collTrafficBlocks).NextID()
		if err != nil {
			return err
		}
		cur := periodIndex(s.Created, tx.Now)
		s.TrafficBlocks = append(s.TrafficBlocks, TrafficBlock{ID: int64(id), Month: in.Month, Period: cur + in.Month - 1,
			Traffic: in.Amount, Added: tx.Now})
		s.Updated = tx.Now
		return nil
	})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusCreated)
}

func (p *Provider) removeServerTrafficBlock(c echo.Context) error {
	err := provider.World(c).Update(func(tx *state.Tx) error {
		s, err := loadServer(tx, provider.PathInt(c, "serverId"))
		if err != nil {
			return err
		}
		id := provider.PathInt(c, "trafficBlockId")
		for i, b := range s.TrafficBlocks {
			if b.ID == id {
				s.TrafficBlocks = append(s.TrafficBlocks[:i:i], s.TrafficBlocks[i+1:]...)
				s.Updated = tx.Now
				return saveServer(tx, s)
			}
		}
		return errTrafficBlockNotFound
	})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type blockRef struct {
	ID      int64 `json:"id"`
	Traffic int   `json:"traffic"`
}

type monthlyTrafficView struct {
	Month  int        `json:"month"`
	Start  string     `json:"start"`
	End    string     `json:"end"`
	RX     int64      `json:"rx"`
	TX     int64      `json:"tx"`
	Total  int64      `json:"total"`
	Limit  int        `json:"limit"`
	Blocks []blockRef `json:"blocks"`
}

// viewTrafficStats lists every period from the server's creation to now, newest first;
// month 1 is the period it was created in.
func viewTrafficStats(s *Server, now time.Time) []monthlyTrafficView {
	cur := periodIndex(s.Created, now)
	out := make([]monthlyTrafficView, 0, cur+1)
	for k := cur; k >= 0; k-- {
		p := viewPeriod(s.Created, k, k+1)
		rx, tx := s.usage(k, now)
		m := monthlyTrafficView{Month: p.Month, Start: p.Start, End: p.End, RX: rx, TX: tx, Total: rx + tx,
			Limit: s.Resources.Traffic, Blocks: []blockRef{}}
		for _, b := range s.TrafficBlocks {
			if b.Period == k {
				m.Blocks = append(m.Blocks, blockRef{ID: b.ID, Traffic: b.Traffic})
			}
		}
		sort.Slice(m.Blocks, func(i, j int) bool { return m.Blocks[i].ID < m.Blocks[j].ID })
		out = append(out, m)
	}
	return out
}

func (p *Provider) getServerTraffic(c echo.Context) error {
	var out struct {
		Monthly []monthlyTrafficView `json:"monthly"`
	}
	err := provider.World(c).View(func(tx *state.Tx) error {
		s, err := loadServer(tx, provider.PathInt(c, "serverId"))
		if err != nil {
			return err
		}
		out.Monthly = viewTrafficStats(s, tx.Now)
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, data{out})
}

func (p *Provider) modifyServerTraffic(c echo.Context) error {
	var in struct {
		Traffic int `json:"traffic"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	err := updateServer(c, func(tx *state.Tx, s *Server) error {
		s.Resources.Traffic, s.Updated = in.Traffic, tx.Now
		return nil
	})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusCreated)
}
