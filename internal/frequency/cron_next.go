package frequency

import "time"

// Next implements Schedule. It walks the calendar from the largest field down, jumping to
// the start of the next year, month, day, hour or minute when a field does not match; the
// walk ends after maxYear, so a schedule that can never fire costs a bounded search.
func (c *CronSchedule) Next(after time.Time) time.Time {
	loc := c.loc
	t := after.In(loc).Truncate(time.Second).Add(time.Second)
	if t.Year() < minYear {
		t = time.Date(minYear, 1, 1, 0, 0, 0, 0, loc)
	}
	for {
		y, m, d := t.Date()
		if y > maxYear {
			return time.Time{}
		}
		var next time.Time
		switch {
		case !c.years.has(y - minYear):
			ny := y + 1
			for ny <= maxYear && !c.years.has(ny-minYear) {
				ny++
			}
			if ny > maxYear {
				return time.Time{}
			}
			next = time.Date(ny, 1, 1, 0, 0, 0, 0, loc)
		case !c.month.has(int(m)):
			next = time.Date(y, m+1, 1, 0, 0, 0, 0, loc)
		case !c.dayMatches(y, m, d):
			next = time.Date(y, m, d+1, 0, 0, 0, 0, loc)
		case !c.hour.has(t.Hour()):
			// Absolute arithmetic, not time.Date, so a repeated DST hour cannot send us back.
			next = t.Add(-time.Duration(t.Minute())*time.Minute - time.Duration(t.Second())*time.Second + time.Hour)
		case !c.min.has(t.Minute()):
			next = t.Add(-time.Duration(t.Second())*time.Second + time.Minute)
		case !c.sec.has(t.Second()):
			next = t.Add(time.Second)
		default:
			return t
		}
		if !next.After(t) { // a zone transition at midnight; keep moving forward
			next = t.Add(time.Second)
		}
		t = next
	}
}

// Kind implements Schedule.
func (c *CronSchedule) Kind() Kind { return Cron }

// String implements Schedule.
func (c *CronSchedule) String() string { return c.expr }

// Location is the time zone the expression is evaluated in.
func (c *CronSchedule) Location() *time.Location { return c.loc }
