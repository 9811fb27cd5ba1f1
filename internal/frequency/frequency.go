// Package frequency parses and evaluates Cloud Assistant Frequency values (rate(…), at(…) and
// cron expressions of 6 or 7 fields, seconds first), shared by the emulator and the provider.
package frequency

import (
	"fmt"
	"strings"
	"time"
)

// Kind says which of the three Frequency forms a Schedule came from.
type Kind int

// The Frequency forms.
const (
	Rate Kind = iota + 1 // rate(5m): a fixed interval
	At                   // at(2030-06-01 10:00:00 Asia/Shanghai): once
	Cron                 // 0 */20 * * * ? [Asia/Shanghai]: cron, seconds first
)

func (k Kind) String() string {
	switch k {
	case Rate:
		return "rate"
	case At:
		return "at"
	case Cron:
		return "cron"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Schedule is a parsed Frequency.
type Schedule interface {
	// Next returns the first fire strictly after after, or the zero time when there is none.
	Next(after time.Time) time.Time
	Kind() Kind
	// String returns the expression as given (trimmed).
	String() string
}

// Parse parses a Frequency value. Times without a time zone are UTC.
func Parse(s string) (Schedule, error) {
	return ParseInLocation(s, time.UTC)
}

// ParseInLocation parses a Frequency value; loc applies when the value names no time zone
// (the real service uses the instance's system time zone there).
func ParseInLocation(s string, loc *time.Location) (Schedule, error) {
	if loc == nil {
		loc = time.UTC
	}
	t := strings.TrimSpace(s)
	switch {
	case t == "":
		return nil, fmt.Errorf("frequency is empty; want rate(…), at(…) or a cron expression")
	case strings.HasPrefix(t, "rate(") || strings.HasPrefix(t, "rate "):
		return parseRate(t)
	case strings.HasPrefix(t, "at(") || strings.HasPrefix(t, "at "):
		return parseAt(t, loc)
	}
	return parseCron(t, loc)
}

// NextN returns up to n fires after from, in order; fewer when the schedule runs out.
func NextN(s Schedule, from time.Time, n int) []time.Time {
	var out []time.Time
	t := from
	for range n {
		next := s.Next(t)
		if next.IsZero() {
			break
		}
		out = append(out, next)
		t = next
	}
	return out
}

// MinGap returns the smallest gap between consecutive fires among the next samples fires
// after from, or 0 when fewer than two fires exist.
func MinGap(s Schedule, from time.Time, samples int) time.Duration {
	fires := NextN(s, from, samples)
	var gap time.Duration
	for i := 1; i < len(fires); i++ {
		d := fires[i].Sub(fires[i-1])
		if gap == 0 || d < gap {
			gap = d
		}
	}
	return gap
}
