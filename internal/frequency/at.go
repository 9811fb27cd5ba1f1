package frequency

import (
	"fmt"
	"strings"
	"time"
)

// AtSchedule fires once, at When.
type AtSchedule struct {
	When time.Time
	expr string
}

const atLayout = "2006-01-02 15:04:05"

func parseAt(s string, loc *time.Location) (*AtSchedule, error) {
	inner, ok := strings.CutPrefix(s, "at(")
	if ok {
		inner, ok = strings.CutSuffix(inner, ")")
	}
	parts := strings.Fields(inner)
	if !ok || len(parts) < 2 || len(parts) > 3 {
		return nil, fmt.Errorf("at expression %q is malformed; want at(YYYY-MM-DD hh:mm:ss [time zone]), e.g. at(2030-06-01 10:00:00 Asia/Shanghai)", s)
	}
	if len(parts) == 3 {
		z, err := parseZone(parts[2])
		if err != nil {
			return nil, fmt.Errorf("at expression %q: %w", s, err)
		}
		loc = z
	}
	when, err := time.ParseInLocation(atLayout, parts[0]+" "+parts[1], loc)
	if err != nil {
		return nil, fmt.Errorf("at expression %q: %q is not a date and time of the form YYYY-MM-DD hh:mm:ss", s, parts[0]+" "+parts[1])
	}
	return &AtSchedule{When: when, expr: s}, nil
}

// Next implements Schedule.
func (a *AtSchedule) Next(after time.Time) time.Time {
	if a.When.After(after) {
		return a.When
	}
	return time.Time{}
}

// Kind implements Schedule.
func (a *AtSchedule) Kind() Kind { return At }

// String implements Schedule.
func (a *AtSchedule) String() string { return a.expr }
