package virtfusion

import (
	"testing"
	"time"
)

func TestTrafficPeriods(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateTime, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	// Created on the 31st: the period starts on the month's last day when it has no 31st,
	// and periods follow each other without gaps.
	created := day("2027-12-31 15:04:05")
	want := []string{"2027-12-31", "2028-01-31", "2028-02-29", "2028-03-31", "2028-04-30", "2028-05-31"}
	for k, w := range want {
		if got := periodStart(created, k).Format(time.DateOnly); got != w {
			t.Errorf("period %d starts %s, want %s", k, got, w)
		}
	}
	for _, tt := range []struct {
		at   string
		want int
	}{
		{"2027-12-31 15:04:05", 0}, {"2028-01-30 23:59:59", 0}, {"2028-01-31 00:00:00", 1}, {"2028-02-28 23:59:59", 1},
		{"2028-02-29 00:00:00", 2}, {"2028-03-30 12:00:00", 2}, {"2030-01-01 00:00:00", 24},
	} {
		if got := periodIndex(created, day(tt.at)); got != tt.want {
			t.Errorf("periodIndex(%s) = %d, want %d", tt.at, got, tt.want)
		}
	}
	start, end := trafficPeriod(created, day("2028-02-29 08:00:00"))
	if start != day("2028-02-29 00:00:00") || end != day("2028-03-31 00:00:00").Add(-time.Microsecond) {
		t.Errorf("trafficPeriod: %s – %s", start, end)
	}
}

// TestUptimeFold: folding old runs into seconds per period keeps every period's figure.
func TestUptimeFold(t *testing.T) {
	created := time.Date(2025, 1, 20, 12, 0, 0, 0, time.UTC)
	s := &Server{Created: created}
	unfolded := &Server{Created: created} // the same history, every run kept
	now := created
	for i := 0; i < 3*maxRuns; i++ { // runs of 19 h every 23 h, over about three periods
		now = now.Add(4 * time.Hour)
		s.Power = powerRunning
		s.trackUptime(now)
		from := now
		now = now.Add(19 * time.Hour)
		s.Power = powerStopped
		s.trackUptime(now)
		to := now
		unfolded.Uptime.Runs = append(unfolded.Uptime.Runs, Run{From: from, To: &to})
	}
	s.Power = powerRunning
	s.trackUptime(now.Add(time.Hour))
	unfolded.Uptime.Runs = append(unfolded.Uptime.Runs, Run{From: now.Add(time.Hour)})
	now = now.Add(5 * time.Hour)
	if len(s.Uptime.Runs) > maxRuns+1 || len(s.Uptime.Folded) == 0 {
		t.Fatalf("%d runs kept, %d periods folded", len(s.Uptime.Runs), len(s.Uptime.Folded))
	}
	var total float64
	for k := 0; k <= periodIndex(created, now); k++ {
		got, want := s.secondsIn(k, now), unfolded.secondsIn(k, now)
		if got != want {
			t.Errorf("period %d: %v seconds, want %v", k, got, want)
		}
		total += got
	}
	if want := float64(3*maxRuns*19*3600 + 4*3600); total != want {
		t.Fatalf("%v seconds of running, want %v", total, want)
	}
}
