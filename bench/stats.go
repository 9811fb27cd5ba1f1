package main

import (
	"fmt"
	"slices"
	"time"
)

// samples are repeated measurements of one figure; the report shows their median, with the
// spread so a reader can tell a real gap from noise.
type samples []time.Duration

func (s samples) median() time.Duration {
	if len(s) == 0 {
		return 0
	}
	c := slices.Clone(s)
	slices.Sort(c)
	if len(c)%2 == 1 {
		return c[len(c)/2]
	}
	return (c[len(c)/2-1] + c[len(c)/2]) / 2
}

func (s samples) spread() string {
	if len(s) == 0 {
		return "–"
	}
	return fmt.Sprintf("%s–%s", ms(slices.Min(s)), ms(slices.Max(s)))
}

// ms formats a duration in milliseconds, the unit every figure of the report uses.
func ms(d time.Duration) string {
	return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
}

// secs formats a duration that may be long: seconds with one decimal from 1 s up, else ms.
func secs(d time.Duration) string {
	if d < time.Second {
		return ms(d)
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

// ratio is a/b, 0 when b is 0.
func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "MISS"
}

// figure is the median, with the spread beside it.
func (s samples) figure() string { return fmt.Sprintf("%s (%s)", secs(s.median()), s.spread()) }
