package frequency

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var shanghai = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

func utc(y int, m time.Month, d, h, mi, s int) time.Time {
	return time.Date(y, m, d, h, mi, s, 0, time.UTC)
}

func TestParseKinds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		kind Kind
	}{
		{"rate(5m)", Rate},
		{"  rate(30s) ", Rate},
		{"at(2026-12-01 10:00:00 Asia/Shanghai)", At},
		{"at(2026-12-01 10:00:00)", At},
		{"0 */20 * * * ?", Cron},
		{"0 */20 * * * *", Cron},
		{"0 0-5 14 * * ?", Cron},
		{"0 15 10 ? * * 2027", Cron},
		{"0 */20 * * * ? Asia/Shanghai", Cron},
		{"0 15 10 ? * MON-FRI 2027 GMT+8", Cron},
	} {
		s, err := Parse(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.kind, s.Kind(), tc.in)
		assert.Equal(t, strings.TrimSpace(tc.in), s.String())
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"", "frequency is empty"},
		{"*/5 * * * *", `has 5 fields; want 6 or 7 (seconds first`},
		{"0 */20 * * * Asia/Shanghai", `has 5 fields; want 6 or 7`},
		{"0 0 0 0 0 0 0 0", `has 8 fields`},
		{"60 * * * * ?", `second field "60": 60 is out of range 0-59`},
		{"0 * 24 * * ?", `hour field "24": 24 is out of range 0-23`},
		{"0 * * 32 * ?", `day-of-month field "32": 32 is out of range 1-31`},
		{"0 * * ? * 0", `day-of-week field "0": 0 is out of range 1-7`},
		{"0 * * ? FOO *", `month field "FOO": "FOO" is not a number`},
		{"? * * * * *", `? is only allowed in the day-of-month and day-of-week fields`},
		{"0 10-5 * * * ?", `the range goes backwards (10 > 5)`},
		{"0 */0 * * * ?", `step`},
		{"0 008 * * * ?", `more than one leading zero`},
		{"0 0 0 * * ? 1969", `1969 is out of range 1970-2099`},
		{"0 0 0 * * ? Mars/Olympus", `unknown time zone "Mars/Olympus"`},
		{"0 0 0 ? * 5#6", `after # must be 1-5`},
		{"rate(5)", "has no unit"},
		{"rate(5w)", "has no unit"},
		{"rate(m)", `"" is not a whole number`},
		{"rate(-5m)", "not a whole number"},
		{"rate(0m)", "must be positive"},
		{"rate(5m", "malformed"},
		{"rate(99999999999999d)", "too large"},
		{"at(2026-12-01)", "malformed"},
		{"at(2026-13-01 10:00:00)", "is not a date and time"},
		{"at(2026-12-01 10:00:00 Nowhere/Land)", "unknown time zone"},
		{"at(2026-12-01 10:00:00 GMT+15)", "out of range"},
	} {
		_, err := Parse(tc.in)
		require.Error(t, err, tc.in)
		assert.Contains(t, err.Error(), tc.want, tc.in)
	}
}

func TestCronNext(t *testing.T) {
	t.Parallel()
	from := utc(2026, 11, 27, 17, 18, 10) // a Friday
	for _, tc := range []struct {
		expr string
		want []time.Time
	}{
		{"0 */20 * * * ?", []time.Time{utc(2026, 11, 27, 17, 20, 0), utc(2026, 11, 27, 17, 40, 0), utc(2026, 11, 27, 18, 0, 0)}},
		{"*/15 * * * * *", []time.Time{utc(2026, 11, 27, 17, 18, 15), utc(2026, 11, 27, 17, 18, 30)}},
		{"0 0-5 14 * * ?", []time.Time{utc(2026, 11, 28, 14, 0, 0), utc(2026, 11, 28, 14, 1, 0)}},
		{"0 15 10 ? * *", []time.Time{utc(2026, 11, 28, 10, 15, 0), utc(2026, 11, 29, 10, 15, 0)}},
		{"0 0 12 ? * WED", []time.Time{utc(2026, 12, 2, 12, 0, 0), utc(2026, 12, 9, 12, 0, 0)}},
		// 1 is Monday in the current docs.
		{"0 0 12 ? * 1", []time.Time{utc(2026, 11, 30, 12, 0, 0)}},
		{"0 0 12 ? * 7", []time.Time{utc(2026, 11, 29, 12, 0, 0)}},
		{"0 0 12 ? * 6-7", []time.Time{utc(2026, 11, 28, 12, 0, 0), utc(2026, 11, 29, 12, 0, 0), utc(2026, 12, 5, 12, 0, 0)}},
		{"0 15 10 L * ?", []time.Time{utc(2026, 11, 30, 10, 15, 0), utc(2026, 12, 31, 10, 15, 0), utc(2027, 1, 31, 10, 15, 0)}},
		// January 2027: the 31st is a Sunday, so LW is Friday the 29th.
		{"0 0 0 LW * ?", []time.Time{utc(2026, 11, 30, 0, 0, 0), utc(2026, 12, 31, 0, 0, 0), utc(2027, 1, 29, 0, 0, 0)}},
		// 2027-02-01 is a Monday; 2027-05-01 is a Saturday, so 1W is Monday the 3rd.
		{"0 0 0 1W 2,5 ? 2027", []time.Time{utc(2027, 2, 1, 0, 0, 0), utc(2027, 5, 3, 0, 0, 0)}},
		{"0 15 10 ? * 5L", []time.Time{utc(2026, 11, 27, 10, 15, 0).AddDate(0, 0, 28), utc(2027, 1, 29, 10, 15, 0)}},
		{"0 15 10 ? * 5#3", []time.Time{utc(2026, 12, 18, 10, 15, 0), utc(2027, 1, 15, 10, 15, 0)}},
		{"0 0 0 29 2 ?", []time.Time{utc(2028, 2, 29, 0, 0, 0), utc(2032, 2, 29, 0, 0, 0)}},
		{"0 0 0 1 1 ? 2027,2030", []time.Time{utc(2027, 1, 1, 0, 0, 0), utc(2030, 1, 1, 0, 0, 0)}},
		{"0 0 0 1 1 ? 2020", nil},
		{"0 0 0 31 2 ?", nil},
		// Both day fields restricted: either matches (the 1st, or any Monday).
		{"0 0 0 1 * MON", []time.Time{utc(2026, 11, 30, 0, 0, 0), utc(2026, 12, 1, 0, 0, 0), utc(2026, 12, 7, 0, 0, 0)}},
		{"0 0 10 * * ? Asia/Shanghai", []time.Time{utc(2026, 11, 28, 2, 0, 0)}},
		{"0 0 10 * * ? GMT+8", []time.Time{utc(2026, 11, 28, 2, 0, 0)}},
		{"0 0 10 * * ? +08:00", []time.Time{utc(2026, 11, 28, 2, 0, 0)}},
		{"0 0 10 * * ? 2027 -0530", []time.Time{utc(2027, 1, 1, 15, 30, 0)}},
		{"0 0 10 * * ? UTC", []time.Time{utc(2026, 11, 28, 10, 0, 0)}},
	} {
		got := NextN(mustParse(t, tc.expr), from, len(tc.want)+boolInt(tc.want == nil))
		for i := range got {
			got[i] = got[i].UTC()
		}
		assert.Equal(t, tc.want, got, tc.expr)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func mustParse(t *testing.T, s string) Schedule {
	t.Helper()
	sch, err := Parse(s)
	require.NoError(t, err, s)
	return sch
}

func TestCronDST(t *testing.T) {
	t.Parallel()
	// Europe/Berlin leaves summer time on 2026-10-25: 02:00-02:59 happens twice.
	s := mustParse(t, "0 */30 * * * ? Europe/Berlin")
	fires := NextN(s, time.Date(2026, 10, 25, 0, 0, 0, 0, mustZone("Europe/Berlin")), 10)
	require.Len(t, fires, 10)
	for i := 1; i < len(fires); i++ {
		assert.True(t, fires[i].After(fires[i-1]), "fires must increase: %v", fires)
	}
	// It enters summer time on 2026-03-29: 02:30 does not exist that day.
	s = mustParse(t, "0 30 2 * * ? Europe/Berlin")
	fires = NextN(s, time.Date(2026, 3, 28, 12, 0, 0, 0, time.UTC), 2)
	require.Len(t, fires, 2)
	assert.Equal(t, 30, fires[0].Day())
}

func TestRateAndAt(t *testing.T) {
	t.Parallel()
	from := utc(2026, 11, 27, 17, 0, 0)
	r := mustParse(t, "rate(5m)").(*RateSchedule)
	assert.Equal(t, 5*time.Minute, r.Every)
	assert.Equal(t, []time.Time{from.Add(5 * time.Minute), from.Add(10 * time.Minute)}, NextN(r, from, 2))
	anchored := &RateSchedule{Every: time.Hour, Start: from}
	assert.Equal(t, from, anchored.Next(from.Add(-time.Second)))
	assert.Equal(t, from.Add(2*time.Hour), anchored.Next(from.Add(time.Hour)))
	assert.Equal(t, 2*24*time.Hour, mustParse(t, "rate(2d)").(*RateSchedule).Every)

	a := mustParse(t, "at(2026-12-01 10:00:00 Asia/Shanghai)")
	want := time.Date(2026, 12, 1, 10, 0, 0, 0, shanghai)
	assert.True(t, want.Equal(a.Next(from)))
	assert.True(t, a.Next(want).IsZero(), "fires once")
	assert.Len(t, NextN(a, from, 5), 1)
	assert.True(t, utc(2026, 12, 1, 10, 0, 0).Equal(mustParse(t, "at(2026-12-01 10:00:00)").Next(from)))
	assert.True(t, utc(2026, 12, 1, 2, 0, 0).Equal(mustParse(t, "at(2026-12-01 10:00:00 GMT+8)").Next(from)))
	assert.True(t, utc(2026, 12, 1, 2, 0, 0).Equal(mustParse(t, "at(2026-12-01 10:00:00 +08:00)").Next(from)))

	loc, err := ParseInLocation("at(2026-12-01 10:00:00)", shanghai)
	require.NoError(t, err)
	assert.True(t, want.Equal(loc.Next(from)))
}

func TestMinGap(t *testing.T) {
	t.Parallel()
	from := utc(2026, 11, 27, 17, 0, 0)
	for _, tc := range []struct {
		expr string
		want time.Duration
	}{
		{"0 */20 * * * ?", 20 * time.Minute},
		{"*/5 * * * * ?", 5 * time.Second},
		{"0,55 * * * * ?", 5 * time.Second},
		{"rate(2h)", 2 * time.Hour},
		{"at(2027-01-01 00:00:00)", 0},
		{"0 0 0 31 2 ?", 0},
	} {
		assert.Equal(t, tc.want, MinGap(mustParse(t, tc.expr), from, 200), tc.expr)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in      string
		min     time.Duration
		wantErr string
	}{
		{"rate(1m)", DefaultMinInterval, ""},
		{"rate(7d)", DefaultMinInterval, ""},
		{"rate(168h)", DefaultMinInterval, ""},
		{"rate(59s)", DefaultMinInterval, "shorter than the minimum 1m0s"},
		{"rate(8d)", DefaultMinInterval, "longer than the maximum 168h0m0s"},
		{"*/10 * * * * ?", DefaultMinInterval, ""},
		{"*/5 * * * * ?", DefaultMinInterval, "fires 5s apart; the interval between runs must be at least 10s"},
		{"0,55 * * * * ?", DefaultMinInterval, "fires 5s apart"},
		{"*/5 * * * * ?", time.Second, ""},
		{"at(2020-01-01 00:00:00)", DefaultMinInterval, ""}, // past: valid, never fires
		{"0 0 0 1 1 ? 2020", DefaultMinInterval, ""},
		{"0 0 0 1 1", DefaultMinInterval, "has 5 fields"},
	} {
		err := Validate(tc.in, tc.min)
		if tc.wantErr == "" {
			assert.NoError(t, err, tc.in)
		} else if assert.Error(t, err, tc.in) {
			assert.Contains(t, err.Error(), tc.wantErr, tc.in)
		}
	}

	fast := Rules{MinInterval: time.Second, MinRate: time.Second, MaxRate: time.Hour}
	s, err := fast.Parse("rate(2s)")
	require.NoError(t, err)
	assert.Equal(t, Rate, s.Kind())
	_, err = fast.Parse("rate(2h)")
	assert.ErrorContains(t, err, "longer than the maximum 1h0m0s")
}

func TestKindString(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "rate", Rate.String())
	assert.Equal(t, "at", At.String())
	assert.Equal(t, "cron", Cron.String())
	assert.Equal(t, "Kind(0)", Kind(0).String())
}
