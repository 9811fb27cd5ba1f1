package frequency

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// CronSchedule is a cron expression as the current Cloud Assistant docs define it:
// sec min hour day-of-month month day-of-week [year] [time zone], where day-of-week runs
// 1 (MON) to 7 (SUN). When both day fields are restricted (neither is * nor ?), a day
// matches either of them, as in Vixie cron.
type CronSchedule struct {
	sec, min, hour, month bitset
	years                 bitset // index = year - minYear
	dom                   domSpec
	dow                   dowSpec
	domAny, dowAny        bool
	loc                   *time.Location
	expr                  string
}

// The year range the docs allow; 6-field expressions stop firing after maxYear too.
const (
	minYear = 1970
	maxYear = 2099
)

type bitset [3]uint64

func (b *bitset) set(i int)     { b[i/64] |= 1 << (i % 64) }
func (b bitset) has(i int) bool { return i >= 0 && i < 192 && b[i/64]&(1<<(i%64)) != 0 }

type field struct {
	name     string
	min, max int
	names    map[string]int
}

var (
	secField   = field{name: "second", min: 0, max: 59}
	minField   = field{name: "minute", min: 0, max: 59}
	hourField  = field{name: "hour", min: 0, max: 23}
	domField   = field{name: "day-of-month", min: 1, max: 31}
	monthField = field{name: "month", min: 1, max: 12, names: map[string]int{
		"JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6,
		"JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12}}
	// 1 is Monday and 7 Sunday, per the current Cloud Assistant docs (not Quartz's 1 = SUN).
	dowField = field{name: "day-of-week", min: 1, max: 7, names: map[string]int{
		"MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6, "SUN": 7}}
	yearField = field{name: "year", min: minYear, max: maxYear}
)

func parseCron(s string, loc *time.Location) (*CronSchedule, error) {
	toks := strings.Fields(s)
	// A trailing time zone is recognised by its spelling: a year field holds only digits and
	// * , - /, and no field has ':' or '+' or a letter next to '/'.
	if n := len(toks); n >= 7 && looksLikeZone(toks[n-1]) || n == 6 && surelyZone(toks[n-1]) {
		z, err := parseZone(toks[n-1])
		if err != nil {
			return nil, fmt.Errorf("cron expression %q: %w", s, err)
		}
		loc, toks = z, toks[:n-1]
	}
	if len(toks) != 6 && len(toks) != 7 {
		return nil, fmt.Errorf("cron expression %q has %d fields; want 6 or 7 (seconds first: sec min hour day month weekday [year]) and an optional time zone", s, len(toks))
	}
	c := &CronSchedule{loc: loc, expr: s}
	var err error
	wrap := func(e error) error { return fmt.Errorf("cron expression %q: %w", s, e) }
	if c.sec, err = parseField(toks[0], secField, 0); err != nil {
		return nil, wrap(err)
	}
	if c.min, err = parseField(toks[1], minField, 0); err != nil {
		return nil, wrap(err)
	}
	if c.hour, err = parseField(toks[2], hourField, 0); err != nil {
		return nil, wrap(err)
	}
	if c.dom, c.domAny, err = parseDom(toks[3]); err != nil {
		return nil, wrap(err)
	}
	if c.month, err = parseField(toks[4], monthField, 0); err != nil {
		return nil, wrap(err)
	}
	if c.dow, c.dowAny, err = parseDow(toks[5]); err != nil {
		return nil, wrap(err)
	}
	year := "*"
	if len(toks) == 7 {
		year = toks[6]
	}
	if c.years, err = parseField(year, yearField, minYear); err != nil {
		return nil, wrap(err)
	}
	return c, nil
}

func looksLikeZone(tok string) bool {
	return strings.Trim(tok, "0123456789*,/-") != "" || strings.HasPrefix(tok, "-")
}

func surelyZone(tok string) bool {
	up := strings.ToUpper(tok)
	return strings.ContainsAny(tok, ":+") || strings.HasPrefix(up, "GMT") || strings.HasPrefix(up, "UTC") ||
		strings.Contains(tok, "/") && strings.Trim(up, "0123456789*,/-?LW#") != "" && !strings.ContainsAny(up, "0123456789")
}

// parseField parses the comma list of one plain field into a bitset indexed by value-offset.
func parseField(expr string, f field, offset int) (bitset, error) {
	var b bitset
	if expr == "" {
		return b, fmt.Errorf("%s field is empty", f.name)
	}
	for item := range strings.SplitSeq(expr, ",") {
		lo, hi, step, err := parseItem(item, f)
		if err != nil {
			return b, err
		}
		for v := lo; v <= hi; v += step {
			b.set(v - offset)
		}
	}
	return b, nil
}

// parseItem parses *, ?, N, N-M, and any of those with /STEP.
func parseItem(item string, f field) (lo, hi, step int, err error) {
	base, stepStr, hasStep := strings.Cut(item, "/")
	step = 1
	if hasStep {
		n, err := parseNumber(stepStr, field{min: 1, max: f.max - f.min + 1})
		if err != nil {
			return 0, 0, 0, fmt.Errorf("%s field %q: the step: %w", f.name, item, err)
		}
		step = n
	}
	switch {
	case base == "*" || base == "?":
		if base == "?" && f.name != domField.name && f.name != dowField.name {
			return 0, 0, 0, fmt.Errorf("%s field %q: ? is only allowed in the day-of-month and day-of-week fields", f.name, item)
		}
		return f.min, f.max, step, nil
	case strings.Contains(base, "-"):
		a, b, _ := strings.Cut(base, "-")
		if lo, err = parseNumber(a, f); err == nil {
			hi, err = parseNumber(b, f)
		}
		if err != nil {
			return 0, 0, 0, fmt.Errorf("%s field %q: %w", f.name, item, err)
		}
		if lo > hi {
			return 0, 0, 0, fmt.Errorf("%s field %q: the range goes backwards (%d > %d)", f.name, item, lo, hi)
		}
		return lo, hi, step, nil
	}
	lo, err = parseNumber(base, f)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("%s field %q: %w", f.name, item, err)
	}
	if hasStep { // "5/15" means from 5 to the end, every 15
		return lo, f.max, step, nil
	}
	return lo, lo, 1, nil
}

func parseNumber(s string, f field) (int, error) {
	if v, ok := f.names[strings.ToUpper(s)]; ok {
		return v, nil
	}
	if s == "" || len(s) > 5 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	// The docs allow at most one leading zero ("08" but not "008").
	if len(s) > 2 && strings.HasPrefix(s, "00") {
		return 0, fmt.Errorf("%q has more than one leading zero", s)
	}
	n, _ := strconv.Atoi(s)
	if n < f.min || n > f.max {
		return 0, fmt.Errorf("%d is out of range %d-%d", n, f.min, f.max)
	}
	return n, nil
}
