package e24cloud

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// signingDate is an X-Date as read: the instant it names for each offset its zone may stand
// for (one, unless the zone name is ambiguous), and what panelsim read leniently.
type signingDate struct {
	times []time.Time
	// form names the date's form when it is not RFC 1123 ("ISO 8601", …): e24cloud documents
	// RFC 1123 only.
	form string
	// unknownZone is a zone name panelsim does not know and read as UTC.
	unknownZone string
}

var errDateUnreadable = errors.New("unreadable X-Date")

// rfc1123Date is RFC 1123 (and RFC 2822) as clients print it: an optional weekday, a one- or
// two-digit day, the seconds optional, and any zone after the time; the documentation's own
// example has a comma after the year ("Mon, 04 Jul 2015, 14:01:02 EST").
var rfc1123Date = regexp.MustCompile(`^(?:[A-Za-z]{3},?\s+)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s+(.+)$`)

// jsDate is what JavaScript's Date.prototype.toString prints:
// "Mon Jul 04 2015 14:01:02 GMT+0200 (Central European Summer Time)".
var jsDate = regexp.MustCompile(`^([A-Za-z]{3} [A-Za-z]{3} \d{2} \d{4} \d{2}:\d{2}:\d{2} GMT[+-]\d{4})(?:\s+\(.*\))?$`)

// otherForms are the dates panelsim also reads, though e24cloud documents only RFC 1123.
var otherForms = []struct{ name, layout string }{
	{"ISO 8601", time.RFC3339Nano},
	{"ISO 8601", "2006-01-02T15:04:05Z0700"},
	{"ISO 8601", "2006-01-02 15:04:05Z07:00"},
	{"RFC 850", "Monday, 02-Jan-06 15:04:05 GMT"},
	{"asctime", time.ANSIC},
}

var months = map[string]time.Month{
	"JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12,
}

// parseSigningDate reads an X-Date: RFC 1123 with any zone name or offset a date library
// prints, or (leniently) ISO 8601, RFC 850, asctime and JavaScript's Date.toString.
func parseSigningDate(s string) (*signingDate, error) {
	s = strings.TrimSpace(s)
	if m := rfc1123Date.FindStringSubmatch(s); m != nil {
		t, ok := dateOf(m[1:7])
		if !ok {
			return nil, errDateUnreadable
		}
		offsets, known, ok := parseZone(m[7])
		if !ok {
			return nil, errDateUnreadable
		}
		d := &signingDate{}
		if !known {
			d.unknownZone = strings.TrimSpace(m[7])
		}
		for _, off := range offsets {
			d.times = append(d.times, t.Add(-time.Duration(off)*time.Minute))
		}
		return d, nil
	}
	if m := jsDate.FindStringSubmatch(s); m != nil {
		if t, err := time.Parse("Mon Jan 02 2006 15:04:05 GMT-0700", m[1]); err == nil {
			return &signingDate{times: []time.Time{t}, form: "JavaScript Date.toString"}, nil
		}
	}
	for _, f := range otherForms {
		if t, err := time.Parse(f.layout, s); err == nil {
			return &signingDate{times: []time.Time{t}, form: f.name}, nil
		}
	}
	return nil, errDateUnreadable
}

// dateOf builds the wall time of day, month, year, hour, minute and second (maybe ""),
// refusing what does not exist (31 Feb, 25:00).
func dateOf(f []string) (time.Time, bool) {
	day, _ := strconv.Atoi(f[0])
	month, ok := months[strings.ToUpper(f[1])]
	year, _ := strconv.Atoi(f[2])
	hour, _ := strconv.Atoi(f[3])
	minute, _ := strconv.Atoi(f[4])
	sec := 0
	if f[5] != "" {
		sec, _ = strconv.Atoi(f[5])
	}
	if !ok || hour > 23 || minute > 59 || sec > 60 {
		return time.Time{}, false
	}
	t := time.Date(year, month, day, hour, minute, sec, 0, time.UTC)
	return t, t.Day() == day && t.Month() == month
}

var (
	numericZone = regexp.MustCompile(`^([+-])(\d{2})(?::?(\d{2}))?$`)                 // +0530, -03, +05:30
	gmtZone     = regexp.MustCompile(`^(?:GMT|UTC|UT)([+-])(\d{1,2})(?::?(\d{2}))?$`) // GMT+2, UTC-03:30
	zoneComment = regexp.MustCompile(`\s*\([^)]*\)$`)                                 // "+0200 (CEST)"
)

// parseZone reads the zone of an RFC 1123 date: an offset (+0530, -03, GMT+2) or a name.
// known is false for a name panelsim does not know, which it reads as UTC; ok is false for
// something that is no zone at all.
func parseZone(z string) (offsets []int, known, ok bool) {
	z = strings.TrimSpace(zoneComment.ReplaceAllString(strings.TrimSpace(z), ""))
	if m := numericZone.FindStringSubmatch(z); m != nil {
		return offsetOf(m[1], m[2], m[3])
	}
	if m := gmtZone.FindStringSubmatch(strings.ToUpper(z)); m != nil {
		return offsetOf(m[1], m[2], m[3])
	}
	if offs, found := zoneNames[strings.ToUpper(z)]; found {
		return offs, true, true
	}
	// Any other name (Windows' "Central European Standard Time" included): unknown.
	if z == "" || len(z) > 64 {
		return nil, false, false
	}
	for _, r := range z {
		if (r < 'A' || r > 'Z') && (r < 'a' || r > 'z') && r != ' ' {
			return nil, false, false
		}
	}
	return []int{0}, false, true
}

func offsetOf(sign, hours, minutes string) ([]int, bool, bool) {
	h, _ := strconv.Atoi(hours)
	m := 0
	if minutes != "" {
		m, _ = strconv.Atoi(minutes)
	}
	if h > 14 || m > 59 {
		return nil, false, false
	}
	off := h*60 + m
	if sign == "-" {
		off = -off
	}
	return []int{off}, true, true
}

// nearest is the reading of the date closest to now, and how far it is from now (positive
// when the date is in the past).
func (d *signingDate) nearest(now time.Time) (time.Time, time.Duration) {
	best, bestDiff := d.times[0], now.Sub(d.times[0])
	for _, t := range d.times[1:] {
		if diff := now.Sub(t); diff.Abs() < bestDiff.Abs() {
			best, bestDiff = t, diff
		}
	}
	return best, bestDiff
}
