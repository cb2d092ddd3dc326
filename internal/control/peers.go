package control

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// InstanceHeader is the header in which every answer names the instance that gave it (the
// simulator sets it on each listener).
const InstanceHeader = "Panelsim-Instance"

// defaultPeerTimeout bounds each peer's answer to GET /_sim/worlds when Deps.PeerTimeout is
// unset.
const defaultPeerTimeout = 5 * time.Second

// maxPeerAnswer is the largest /_sim/worlds answer read from a peer.
const maxPeerAnswer = 64 << 20

// worldsAnswer is GET /_sim/worlds: every world, and on an instance with peers what each peer
// answered.
type worldsAnswer struct {
	Worlds []WorldItem  `json:"worlds"`
	Peers  []PeerStatus `json:"peers,omitempty"`
}

// PeerStatus is what one peer answered to GET /_sim/worlds: its instance name and how many
// worlds it listed, or why it could not be asked.
type PeerStatus struct {
	URL      string `json:"url"`
	Instance string `json:"instance,omitempty"`
	Worlds   int    `json:"worlds"`
	Error    string `json:"error,omitempty"`
}

// answerWorlds answers GET /_sim/worlds: this instance's worlds, each named with the
// instance, followed by every peer's (asked in parallel with the same admin token, unless the
// request is itself a peer's: ?local=true). A peer that fails is listed with its error.
func (a *api) answerWorlds(c echo.Context, local []WorldItem) error {
	for i := range local {
		local[i].Instance = a.InstanceName
	}
	localOnly, err := queryBool(c, "local")
	if err != nil {
		return fail(c, http.StatusBadRequest, err.Error())
	}
	if len(a.Peers) == 0 || localOnly {
		return c.JSON(http.StatusOK, worldsAnswer{Worlds: local})
	}
	return c.JSON(http.StatusOK, a.gatherWorlds(c, local))
}

// queryBool reads a query parameter that is true, false or absent (false).
func queryBool(c echo.Context, name string) (bool, error) {
	switch v := c.QueryParam(name); v {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	default:
		return false, fmt.Errorf("%s must be true or false, not %q", name, v)
	}
}

// gatherWorlds asks every peer for its worlds and adds them to this instance's.
func (a *api) gatherWorlds(c echo.Context, local []WorldItem) worldsAnswer {
	out := worldsAnswer{Worlds: local}
	timeout := a.PeerTimeout
	if timeout <= 0 {
		timeout = defaultPeerTimeout
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), timeout)
	defer cancel()
	token := c.Request().Header.Get(TokenHeader)
	statuses := make([]PeerStatus, len(a.Peers))
	lists := make([][]WorldItem, len(a.Peers))
	var wg sync.WaitGroup
	for i, peer := range a.Peers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i], lists[i] = askPeer(ctx, peer, token)
		}()
	}
	wg.Wait()
	for i, st := range statuses {
		if st.Instance == a.InstanceName && st.Error == "" {
			continue // --peers may list every instance, this one included
		}
		out.Worlds = append(out.Worlds, lists[i]...)
		out.Peers = append(out.Peers, st)
	}
	return out
}

// askPeer GETs a peer's own worlds (?local=true) with the admin token. Each world keeps the
// instance the peer named; a peer that names none gets the name its answer's header gives.
func askPeer(ctx context.Context, peer, token string) (PeerStatus, []WorldItem) {
	st := PeerStatus{URL: peer}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(peer, "/")+"/_sim/worlds?local=true", nil)
	if err != nil {
		st.Error = err.Error()
		return st, nil
	}
	req.Header.Set(TokenHeader, token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		st.Error = err.Error()
		return st, nil
	}
	defer res.Body.Close()
	st.Instance = res.Header.Get(InstanceHeader)
	body, err := io.ReadAll(io.LimitReader(res.Body, maxPeerAnswer))
	if err != nil {
		st.Error = err.Error()
		return st, nil
	}
	if res.StatusCode != http.StatusOK {
		var p problem
		_ = json.Unmarshal(body, &p)
		st.Error = fmt.Sprintf("%s answered %d %s", peer, res.StatusCode, p.Error)
		return st, nil
	}
	var answer struct {
		Worlds []WorldItem `json:"worlds"`
	}
	if err := json.Unmarshal(body, &answer); err != nil {
		st.Error = fmt.Sprintf("%s answered what is not a world list: %v", peer, err)
		return st, nil
	}
	for i := range answer.Worlds {
		if answer.Worlds[i].Instance == "" {
			answer.Worlds[i].Instance = st.Instance
		}
	}
	st.Worlds = len(answer.Worlds)
	return st, answer.Worlds
}
