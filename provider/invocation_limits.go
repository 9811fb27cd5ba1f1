package provider

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Rollout limits and output budget of a fleet Invocation. maxConcurrency and maxErrors take
// a count ("10") or a share of the instances ("25%"), as AWS SSM's do.

// maxBatch is how many instances one InvokeCommand names (the API's limit per call).
const maxBatch = 100

// Output kept per instance in state when outputBytesPerInstance is not set: the whole 24 KB
// the service keeps for small invocations, and a share of 1 MiB for large ones, so that a
// 1,000-instance Invocation's state stays under 2 MB (the engine rewrites all of it after
// every step).
const (
	serviceOutputLimit   = 24 * 1024
	fleetOutputBudget    = 1 << 20
	minOutputPerInstance = 1024
)

// limit is a parsed maxConcurrency or maxErrors.
type limit struct {
	n       int
	percent bool
}

func parseLimit(s string) (limit, error) {
	s = strings.TrimSpace(s)
	if v, ok := strings.CutSuffix(s, "%"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 100 {
			return limit{}, fmt.Errorf("is %q; a percentage must be a whole number from 0%% to 100%%", s)
		}
		return limit{n: n, percent: true}, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return limit{}, fmt.Errorf(`is %q; it must be a count such as "10" or a percentage such as "25%%"`, s)
	}
	return limit{n: n}, nil
}

// concurrencyOf is how many instances may run at once out of total; 0 means no limit.
// A percentage rounds up and is at least 1, so "1%" of 10 instances still runs.
func concurrencyOf(s *string, total int) int {
	if s == nil || strings.TrimSpace(*s) == "" {
		return 0
	}
	l, err := parseLimit(*s)
	if err != nil {
		return 0 // Check rejects it first
	}
	if l.percent {
		return max(1, int(math.Ceil(float64(total)*float64(l.n)/100)))
	}
	return max(1, l.n)
}

// errorBudgetOf is how many instances may fail before no further batch starts; -1 means
// no limit. A percentage rounds down: "10%" of 5 instances tolerates none.
func errorBudgetOf(s *string, total int) int {
	if s == nil || strings.TrimSpace(*s) == "" {
		return -1
	}
	l, err := parseLimit(*s)
	if err != nil {
		return -1
	}
	if l.percent {
		return total * l.n / 100
	}
	return l.n
}

// outputLimitOf is the number of output bytes kept per instance in state.
func outputLimitOf(a InvocationArgs, total int) int {
	if a.OutputBytesPerInstance != nil {
		return *a.OutputBytesPerInstance
	}
	if total <= 0 {
		return serviceOutputLimit
	}
	return min(serviceOutputLimit, max(minOutputPerInstance, fleetOutputBudget/total))
}

// limitOutputs keeps the last n bytes of each instance's output (cut on a character
// boundary) and counts what it drops in Dropped, beside what the service dropped.
func limitOutputs(results []InvocationResult, n int) {
	for i := range results {
		out := results[i].Output
		if len(out) <= n {
			continue
		}
		cut := len(out) - n
		for cut < len(out) && !isRuneStart(out[cut]) {
			cut++
		}
		results[i].Output = out[cut:]
		results[i].Dropped += cut
	}
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// checkRolloutLimits validates maxConcurrency, maxErrors and outputBytesPerInstance.
func checkRolloutLimits(f *failures, a InvocationArgs) {
	for _, l := range []struct {
		path string
		v    *string
	}{{"maxConcurrency", a.MaxConcurrency}, {"maxErrors", a.MaxErrors}} {
		if l.v == nil {
			continue
		}
		parsed, err := parseLimit(*l.v)
		switch {
		case err != nil:
			f.add(l.path, "%v", err)
		case l.path == "maxConcurrency" && parsed.n == 0:
			f.add(l.path, "is %q; at least one instance must be allowed to run", *l.v)
		}
	}
	limited := a.MaxConcurrency != nil || a.MaxErrors != nil
	if limited && effectiveMode(a) != RepeatOnce {
		f.add("maxConcurrency", "maxConcurrency and maxErrors only apply to repeatMode Once; repeatMode is %s", effectiveMode(a))
	}
	if limited && a.WaitForCompletion != nil && !*a.WaitForCompletion {
		f.add("waitForCompletion", "is false, but maxConcurrency and maxErrors need the provider to wait: "+
			"it starts each batch as earlier ones finish")
	}
	if n := a.OutputBytesPerInstance; n != nil && (*n < 0 || *n > serviceOutputLimit) {
		f.add("outputBytesPerInstance", "is %d; it must be between 0 and %d (the service keeps 24 KB)", *n, serviceOutputLimit)
	}
}
