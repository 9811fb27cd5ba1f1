package frequency

import (
	"fmt"
	"time"
)

// The documented limits: rate(…) between one minute and seven days, and at least 10 s
// between two runs of a cron expression.
const (
	DefaultMinInterval = 10 * time.Second
	DefaultMinRate     = time.Minute
	DefaultMaxRate     = 7 * 24 * time.Hour
)

// gapSamples is how many upcoming fires Validate inspects for the minimum interval.
const gapSamples = 1000

// Rules are the limits Validate applies. Tests of the emulator lower them to fire fast.
type Rules struct {
	MinInterval time.Duration // smallest gap between two cron fires
	MinRate     time.Duration // bounds of rate(…)
	MaxRate     time.Duration
}

// DefaultRules returns the documented limits.
func DefaultRules() Rules {
	return Rules{MinInterval: DefaultMinInterval, MinRate: DefaultMinRate, MaxRate: DefaultMaxRate}
}

// Validate parses s and applies the documented rules, with minInterval as the smallest gap
// between cron fires; rate bounds stay the documented ones (use Rules to change them).
func Validate(s string, minInterval time.Duration) error {
	r := DefaultRules()
	r.MinInterval = minInterval
	_, err := r.Parse(s)
	return err
}

// Parse parses s and checks it against r. For cron, the gap is the smallest among the next
// 1000 fires from now: every gap pattern of a cron expression repeats well within that.
// It does not look at the clock otherwise: an at(…) in the past, or a cron expression whose years are over,
// is valid here (a resource declared last year must not fail validation today); callers
// that schedule work should treat s.Next(now).IsZero() as "never fires".
func (r Rules) Parse(s string) (Schedule, error) {
	sch, err := Parse(s)
	if err != nil {
		return nil, err
	}
	switch x := sch.(type) {
	case *RateSchedule:
		if r.MinRate > 0 && x.Every < r.MinRate {
			return nil, fmt.Errorf("rate expression %q: the interval %s is shorter than the minimum %s", s, x.Every, r.MinRate)
		}
		if r.MaxRate > 0 && x.Every > r.MaxRate {
			return nil, fmt.Errorf("rate expression %q: the interval %s is longer than the maximum %s", s, x.Every, r.MaxRate)
		}
	case *CronSchedule:
		if r.MinInterval > 0 {
			if gap := MinGap(x, time.Now(), gapSamples); gap > 0 && gap < r.MinInterval {
				return nil, fmt.Errorf("cron expression %q fires %s apart; the interval between runs must be at least %s", s, gap, r.MinInterval)
			}
		}
	}
	return sch, nil
}
