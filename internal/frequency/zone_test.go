package frequency

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseZone(t *testing.T) {
	t.Parallel()
	ref := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in     string
		offset int // seconds east of UTC at ref
	}{
		{"Asia/Shanghai", 8 * 3600},
		{"UTC", 0},
		{"Europe/Berlin", 2 * 3600}, // summer time at ref
		{"GMT+8", 8 * 3600},
		{"gmt+8", 8 * 3600},
		{"UTC+08:00", 8 * 3600},
		{"GMT-3", -3 * 3600},
		{"+08:00", 8 * 3600},
		{"+0800", 8 * 3600},
		{"-0530", -(5*3600 + 30*60)},
		{"GMT+5:30", 5*3600 + 30*60},
		{"Etc/GMT+8", -8 * 3600}, // the IANA name keeps its inverted sign
	} {
		loc, err := parseZone(tc.in)
		require.NoError(t, err, tc.in)
		_, off := ref.In(loc).Zone()
		assert.Equal(t, tc.offset, off, tc.in)
	}
	for _, bad := range []string{"", "Local", "GMT+", "+8:3", "+123", "GMT+15", "+08:60", "+-8", "Nowhere/Land", "../etc/passwd", "/etc/localtime"} {
		_, err := parseZone(bad)
		assert.Error(t, err, bad)
	}
}

func TestCronTrailingZoneOrYear(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		zone string
		year int // first fire's year from 2026-11-27
	}{
		{"0 0 10 * * ? 2027", "UTC", 2027},
		{"0 0 10 * * ? Asia/Shanghai", "Asia/Shanghai", 2026},
		{"0 0 10 * * ? 2027 Asia/Shanghai", "Asia/Shanghai", 2027},
		{"0 0 10 * * ? 2027-2030/2 GMT+8", "GMT+8", 2027},
		{"0 0 10 * * ? * -0530", "-0530", 2026},
	} {
		s, err := Parse(tc.in)
		require.NoError(t, err, tc.in)
		c := s.(*CronSchedule)
		assert.Equal(t, tc.zone, c.Location().String(), tc.in)
		assert.Equal(t, tc.year, c.Next(utc(2026, 11, 27, 0, 0, 0)).Year(), tc.in)
	}
}
