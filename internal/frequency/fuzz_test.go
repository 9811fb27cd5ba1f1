package frequency

import (
	"testing"
	"time"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"rate(5m)", "rate(30s)", "rate(7d)", "rate(0h)", "rate(", "rate(9999999999999999999d)",
		"at(2026-12-01 10:00:00 Asia/Shanghai)", "at(2026-12-01 10:00:00)", "at(2026-12-01 10:00:00 GMT+8)",
		"0 */20 * * * ?", "0 */20 * * * ? Asia/Shanghai", "0 15 10 ? * MON-FRI 2027 +08:00",
		"0 15 10 L * ?", "0 0 0 LW * ?", "0 0 0 15W * ?", "0 15 10 ? * 5L", "0 15 10 ? * 5#3",
		"0 0 0 31 2 ?", "* * * * * * *", "0 0 2 * * ? Europe/Berlin", "1-5/2,7 0/7 3-4 ? JAN-MAR 1,7",
		"0 0 0 1 1 ? 2099", "", " ", "? ? ? ? ? ?", "0 0 0 ? * L", "0 0 0 ? * -1 -0530",
	} {
		f.Add(s, int64(1795791490))
	}
	f.Fuzz(func(t *testing.T, s string, unix int64) {
		sch, err := Parse(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("empty error for %q", s)
			}
			return
		}
		_ = sch.Kind().String()
		from := time.Unix(unix%(1<<33), 0) // within 1697-2242
		prev := from
		for range 5 {
			next := sch.Next(prev)
			if next.IsZero() {
				break
			}
			if !next.After(prev) {
				t.Fatalf("%q: Next(%v) = %v does not move forward", s, prev, next)
			}
			prev = next
		}
	})
}
