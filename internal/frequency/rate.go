package frequency

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// RateSchedule fires every Every. Parse leaves Start zero: the first fire is then one
// interval after the time Next is asked about, so callers chain Next(previous fire).
// With Start set, fires sit on Start + k*Every.
type RateSchedule struct {
	Every time.Duration
	Start time.Time
	expr  string
}

var rateUnits = map[byte]time.Duration{
	's': time.Second, 'm': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour,
}

func parseRate(s string) (*RateSchedule, error) {
	inner, ok := strings.CutPrefix(s, "rate(")
	if ok {
		inner, ok = strings.CutSuffix(inner, ")")
	}
	inner = strings.TrimSpace(inner)
	if !ok || inner == "" {
		return nil, fmt.Errorf("rate expression %q is malformed; want rate(<number><s|m|h|d>), e.g. rate(5m)", s)
	}
	unit, ok := rateUnits[inner[len(inner)-1]]
	if !ok {
		return nil, fmt.Errorf("rate expression %q has no unit; want one of s, m, h, d, e.g. rate(5m)", s)
	}
	digits := inner[:len(inner)-1]
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || digits == "" || digits[0] < '0' || digits[0] > '9' {
		return nil, fmt.Errorf("rate expression %q: %q is not a whole number", s, digits)
	}
	if n <= 0 {
		return nil, fmt.Errorf("rate expression %q: the interval must be positive", s)
	}
	if n > int64(math.MaxInt64/unit) {
		return nil, fmt.Errorf("rate expression %q: the interval is too large", s)
	}
	return &RateSchedule{Every: time.Duration(n) * unit, expr: s}, nil
}

// Next implements Schedule.
func (r *RateSchedule) Next(after time.Time) time.Time {
	if r.Every <= 0 {
		return time.Time{}
	}
	if r.Start.IsZero() {
		return after.Add(r.Every)
	}
	if after.Before(r.Start) {
		return r.Start
	}
	k := after.Sub(r.Start)/r.Every + 1
	return r.Start.Add(k * r.Every)
}

// Kind implements Schedule.
func (r *RateSchedule) Kind() Kind { return Rate }

// String implements Schedule.
func (r *RateSchedule) String() string { return r.expr }
