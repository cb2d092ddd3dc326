package verify

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// Totals counts the matching exchanges of results.
func Totals(results []*Result) (match, all int) {
	for _, r := range results {
		match += r.Matches()
		all += len(r.Exchanges)
	}
	return match, all
}

// WriteText writes one line per exchange ("match", or one line per difference with its
// path and both values) and the closing "verify: N of M exchanges match".
func WriteText(w io.Writer, results []*Result) error {
	for _, r := range results {
		fmt.Fprintf(w, "%s (%s)\n", r.File, r.Provider)
		for _, o := range r.Exchanges {
			problems := o.problems()
			if len(problems) == 0 {
				fmt.Fprintf(w, "%s: match\n", o.head())
			}
			for _, p := range problems {
				fmt.Fprintf(w, "%s: %s\n", o.head(), p)
			}
		}
	}
	match, all := Totals(results)
	_, err := fmt.Fprintf(w, "verify: %d of %d exchanges match\n", match, all)
	return err
}

// head is how the text report names an exchange: its index, method and recorded path.
func (o *Outcome) head() string { return fmt.Sprintf("%3d %s %s", o.Index, o.Method, o.Path) }

// problems lists what went wrong with an exchange, one line each: the error that kept it
// from being replayed, then its differences. None for a match.
func (o *Outcome) problems() []string {
	var lines []string
	if o.Error != "" {
		lines = append(lines, "error: "+o.Error)
	}
	for _, d := range o.Differences {
		lines = append(lines, d.String())
	}
	return lines
}

// Problems lists a line for each difference of a replayed recording, and for each exchange
// that could not be replayed: the recording's file, the exchange and what went wrong.
func Problems(r *Result) []string {
	var lines []string
	for _, o := range r.Exchanges {
		for _, p := range o.problems() {
			lines = append(lines, r.File+": "+o.head()+": "+p)
		}
	}
	return lines
}

// jsonReport is what --json writes.
type jsonReport struct {
	Match      int       `json:"match"`
	Exchanges  int       `json:"exchanges"`
	Recordings []*Result `json:"recordings"`
}

// WriteJSON writes the results as one JSON document: the totals and every exchange with
// its differences.
func WriteJSON(w io.Writer, results []*Result) error {
	match, all := Totals(results)
	for _, r := range results {
		for i := range r.Exchanges {
			if r.Exchanges[i].Differences == nil {
				r.Exchanges[i].Differences = []Difference{}
			}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(jsonReport{Match: match, Exchanges: all, Recordings: results})
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes the results as a JUnit XML report: a test suite per recording, a test
// case per exchange, failing with its differences.
func WriteJUnit(w io.Writer, results []*Result) error {
	match, all := Totals(results)
	doc := junitSuites{Name: "panelsim verify", Tests: all, Failures: all - match}
	for _, r := range results {
		s := junitSuite{Name: r.File, Tests: len(r.Exchanges), Failures: len(r.Exchanges) - r.Matches()}
		for _, o := range r.Exchanges {
			c := junitCase{Name: fmt.Sprintf("%03d %s %s", o.Index, o.Method, o.Path), ClassName: "verify." + r.Provider}
			if lines := o.problems(); len(lines) > 0 {
				c.Failure = &junitFailure{Message: fmt.Sprintf("%d differences", len(lines)), Text: strings.Join(lines, "\n")}
			}
			s.Cases = append(s.Cases, c)
		}
		doc.Suites = append(doc.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
