package frequency

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// domSpec is the day-of-month field: plain days plus the L and W forms of the docs.
type domSpec struct {
	days        bitset
	last        bool  // L: the last day of the month
	lastWeekday bool  // LW: the last weekday (Mon-Fri) of the month
	nearest     []int // 15W: the weekday nearest the 15th, within the month
}

// dowSpec is the day-of-week field, indexed by time.Weekday (Sunday = 0).
type dowSpec struct {
	days bitset
	last bitset // 5L: the last Friday of the month
	nth  []nthWeekday
}

// nthWeekday is 5#3: the third Friday of the month.
type nthWeekday struct {
	day time.Weekday
	n   int
}

func isAny(expr string) bool { return expr == "*" || expr == "?" }

func parseDom(expr string) (domSpec, bool, error) {
	var d domSpec
	if expr == "" {
		return d, false, fmt.Errorf("day-of-month field is empty")
	}
	for item := range strings.SplitSeq(expr, ",") {
		up := strings.ToUpper(item)
		switch {
		case up == "L":
			d.last = true
		case up == "LW":
			d.lastWeekday = true
		case strings.HasSuffix(up, "W") && !strings.ContainsAny(up, "*?-/,"):
			n, err := parseNumber(up[:len(up)-1], domField)
			if err != nil {
				return d, false, fmt.Errorf("day-of-month field %q: %w", item, err)
			}
			d.nearest = append(d.nearest, n)
		default:
			b, err := parseField(item, domField, 0)
			if err != nil {
				return d, false, err
			}
			for i := range d.days {
				d.days[i] |= b[i]
			}
		}
	}
	return d, isAny(expr), nil
}

func parseDow(expr string) (dowSpec, bool, error) {
	var d dowSpec
	if expr == "" {
		return d, false, fmt.Errorf("day-of-week field is empty")
	}
	for item := range strings.SplitSeq(expr, ",") {
		up := strings.ToUpper(item)
		switch {
		case up == "L": // L alone is the last day of the week: 7, Sunday
			d.days.set(int(time.Sunday))
		case strings.HasSuffix(up, "L") && !strings.ContainsAny(up, "*?-/#"):
			n, err := parseNumber(up[:len(up)-1], dowField)
			if err != nil {
				return d, false, fmt.Errorf("day-of-week field %q: %w", item, err)
			}
			d.last.set(n % 7)
		case strings.Contains(up, "#"):
			a, b, _ := strings.Cut(up, "#")
			day, err := parseNumber(a, dowField)
			if err != nil {
				return d, false, fmt.Errorf("day-of-week field %q: %w", item, err)
			}
			k, err := strconv.Atoi(b)
			if err != nil || k < 1 || k > 5 || len(b) != 1 {
				return d, false, fmt.Errorf("day-of-week field %q: %q after # must be 1-5", item, b)
			}
			d.nth = append(d.nth, nthWeekday{day: time.Weekday(day % 7), n: k})
		default:
			lo, hi, step, err := parseItem(item, dowField)
			if err != nil {
				return d, false, err
			}
			for v := lo; v <= hi; v += step {
				d.days.set(v % 7) // 7 (SUN) is time.Sunday, 0
			}
		}
	}
	return d, isAny(expr), nil
}

func daysIn(y int, m time.Month) int { return time.Date(y, m+1, 0, 12, 0, 0, 0, time.UTC).Day() }

func weekday(y int, m time.Month, d int) time.Weekday {
	return time.Date(y, m, d, 12, 0, 0, 0, time.UTC).Weekday()
}

func (d *domSpec) matches(y int, m time.Month, day int) bool {
	if d.days.has(day) {
		return true
	}
	n := daysIn(y, m)
	if d.last && day == n {
		return true
	}
	if d.lastWeekday && day == nearestWeekday(y, m, n) {
		return true
	}
	for _, want := range d.nearest {
		if want <= n && day == nearestWeekday(y, m, want) {
			return true
		}
	}
	return false
}

// nearestWeekday is the Monday-Friday day closest to day without leaving the month.
func nearestWeekday(y int, m time.Month, day int) int {
	n := daysIn(y, m)
	switch weekday(y, m, day) {
	case time.Saturday:
		if day == 1 {
			return 3
		}
		return day - 1
	case time.Sunday:
		if day == n {
			return day - 2
		}
		return day + 1
	}
	return day
}

func (d *dowSpec) matches(y int, m time.Month, day int) bool {
	wd := weekday(y, m, day)
	if d.days.has(int(wd)) {
		return true
	}
	if d.last.has(int(wd)) && day+7 > daysIn(y, m) {
		return true
	}
	for _, x := range d.nth {
		if x.day == wd && (day-1)/7+1 == x.n {
			return true
		}
	}
	return false
}

func (c *CronSchedule) dayMatches(y int, m time.Month, day int) bool {
	dom, dow := c.dom.matches(y, m, day), c.dow.matches(y, m, day)
	if c.domAny || c.dowAny {
		return dom && dow
	}
	return dom || dow
}
