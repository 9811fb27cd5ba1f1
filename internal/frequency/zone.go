package frequency

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	// Embedded so that zone names resolve the same way in minimal containers and CI.
	_ "time/tzdata"
)

// parseZone accepts IANA names (Asia/Shanghai, UTC) and fixed offsets: GMT+8, UTC+08:00,
// +08:00, -0530. Offsets are spelled by hand because the IANA "Etc/GMT+8" names have the
// opposite sign of what people mean by GMT+8.
func parseZone(name string) (*time.Location, error) {
	if off, ok, err := parseOffset(name); ok {
		if err != nil {
			return nil, err
		}
		return time.FixedZone(name, off), nil
	}
	if name == "" || name == "Local" || strings.ContainsAny(name, "\\\x00") {
		return nil, fmt.Errorf("unknown time zone %q", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q; want an IANA name such as Asia/Shanghai or an offset such as GMT+8", name)
	}
	return loc, nil
}

// parseOffset reports ok when name has the shape of an offset, and err when that offset
// is out of range.
func parseOffset(name string) (seconds int, ok bool, err error) {
	rest := name
	for _, p := range []string{"GMT", "UTC"} {
		if r, found := strings.CutPrefix(strings.ToUpper(rest), p); found && r != "" {
			rest = r
			break
		}
	}
	if rest == "" || (rest[0] != '+' && rest[0] != '-') {
		return 0, false, nil
	}
	sign := 1
	if rest[0] == '-' {
		sign = -1
	}
	hh, mm, colon := strings.Cut(rest[1:], ":")
	if !colon && len(hh) == 4 {
		hh, mm = hh[:2], hh[2:]
	}
	h, err1 := strconv.Atoi(hh)
	m := 0
	var err2 error
	if mm != "" || colon {
		m, err2 = strconv.Atoi(mm)
	}
	if err1 != nil || err2 != nil || hh == "" || len(hh) > 2 || hh[0] == '+' || hh[0] == '-' ||
		(mm != "" && (len(mm) != 2 || mm[0] == '+' || mm[0] == '-')) {
		return 0, true, fmt.Errorf("time zone offset %q is malformed; want e.g. GMT+8, +08:00 or -0530", name)
	}
	if h > 14 || m > 59 {
		return 0, true, fmt.Errorf("time zone offset %q is out of range (-14:00 to +14:00)", name)
	}
	return sign * (h*3600 + m*60), true, nil
}
