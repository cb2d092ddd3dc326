package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/panelsim/panelsim/internal/clock"
	"github.com/panelsim/panelsim/internal/config"
	"github.com/panelsim/panelsim/internal/control"
	"github.com/panelsim/panelsim/internal/sim"
	"github.com/panelsim/panelsim/internal/state"
)

// openData opens the data file of place as a simulator that does not listen, on a manual
// clock: time does not pass in a world while it is read or written from the file.
func openData(place *config.Place) (*sim.Simulator, error) {
	s, err := sim.New(sim.Options{DataPath: place.Data, FixturesDir: place.Fixtures, Clock: clock.Manual,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("%s is in use (is a simulator running on it? then use --url)", place.Data)
	}
	return s, err
}

// controlCall sends a control API call to the simulator --url names and returns the answer's
// body; an answer other than 200 is an error saying what the simulator said.
func controlCall(place *config.Place, method, path, token string, body []byte) ([]byte, error) {
	url, err := place.ControlURL(path)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set(control.TokenHeader, token)
	req.Header.Set("Content-Type", "application/json")
	res, err := httpClient(5*time.Minute, place.Insecure).Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	answer, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		var p struct {
			Error    string   `json:"error"`
			Problems []string `json:"problems"`
		}
		if json.Unmarshal(answer, &p) == nil && p.Error != "" {
			if len(p.Problems) > 0 {
				return nil, fmt.Errorf("%s %s: %s:\n  %s", method, path, p.Error, strings.Join(p.Problems, "\n  "))
			}
			return nil, fmt.Errorf("%s %s: %s: %s", method, path, res.Status, p.Error)
		}
		return nil, fmt.Errorf("%s %s: %s", method, path, res.Status)
	}
	return answer, nil
}

// exportWorld writes the world of the token as a JSON document to out.
func exportWorld(flags *config.WorldExport, out io.Writer) error {
	var raw []byte
	if flags.URL != "" {
		var err error
		if raw, err = controlCall(&flags.Place, http.MethodGet, "/_sim/world", flags.Token, nil); err != nil {
			return err
		}
	} else {
		s, err := openData(&flags.Place)
		if err != nil {
			return err
		}
		defer s.Close()
		doc, err := s.ExportWorld(flags.Token)
		if err != nil {
			return err
		}
		if raw, err = control.EncodeWorld(doc); err != nil {
			return err
		}
	}
	_, err := out.Write(raw)
	return err
}

// importWorld replaces the world of the token with the document in the file (or in).
func importWorld(flags *config.WorldImport, in io.Reader, out io.Writer) error {
	var raw []byte
	var err error
	if flags.File == "-" {
		raw, err = io.ReadAll(in)
	} else {
		raw, err = os.ReadFile(flags.File)
	}
	if err != nil {
		return err
	}
	doc, err := control.DecodeWorld(raw)
	if err != nil {
		return fmt.Errorf("%s is not a world document: %w", flags.File, err)
	}
	if flags.URL != "" {
		_, err = controlCall(&flags.Place, http.MethodPut, "/_sim/world", flags.Token, raw)
	} else {
		var s *sim.Simulator
		if s, err = openData(&flags.Place); err != nil {
			return err
		}
		defer s.Close()
		err = s.ImportWorld(flags.Token, doc)
	}
	var problems *state.DocProblems
	if errors.As(err, &problems) {
		return fmt.Errorf("%s does not fit:\n  %s", flags.File, strings.Join(problems.Problems, "\n  "))
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(out, "world of the token replaced: clock %s, %d pending tasks\n", doc.World.Clock.Format(time.RFC3339), len(doc.Tasks))
	return err
}

// listWorlds prints every world with its record counts.
func listWorlds(flags *config.Worlds, out io.Writer) error {
	var items []control.WorldItem
	if flags.URL != "" {
		raw, err := controlCall(&flags.Place, http.MethodGet, "/_sim/worlds", flags.AdminToken, nil)
		if err != nil {
			return err
		}
		var answer struct {
			Worlds []control.WorldItem `json:"worlds"`
		}
		if err := json.Unmarshal(raw, &answer); err != nil {
			return err
		}
		items = answer.Worlds
	} else {
		s, err := openData(&flags.Place)
		if err != nil {
			return err
		}
		defer s.Close()
		if items, err = s.Worlds(); err != nil {
			return err
		}
	}
	if flags.JSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"worlds": items})
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "WORLD\tTOKEN\tCLOCK\tRECORDS")
	for _, w := range items {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", w.ID, w.Token, w.Now.UTC().Format(time.RFC3339), countsLine(w.Counts))
	}
	return tw.Flush()
}

// countsLine shows counts as "virtfusion: 2 servers, 1 users; tenantos: …", kinds without
// records left out.
func countsLine(counts map[string]map[string]int) string {
	var parts []string
	for _, p := range sortedNames(counts) {
		var kinds []string
		for _, k := range sortedNames(counts[p]) {
			if n := counts[p][k]; n > 0 {
				kinds = append(kinds, fmt.Sprintf("%d %s", n, k))
			}
		}
		if len(kinds) > 0 {
			parts = append(parts, p+": "+strings.Join(kinds, ", "))
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, "; ")
}

func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
