package provider

import (
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/cloudassistant/pulumi-cloudassistant/internal/frequency"
)

// checkFiresAgain fails a frequency that has no run after now: an at(…) whose time has
// passed, a cron expression whose years are over (or whose days never occur). The service
// refuses the first at InvokeCommand and accepts the second only to end every instance
// Invalid (BadCronExpression), so preview says so instead, before anything is created. Only
// a new or changed frequency is judged: a deployed schedule that has since run its course
// must not fail every later preview of the same program.
func checkFiresAgain(f *failures, olds property.Map, freq string, now time.Time) {
	freq = strings.TrimSpace(freq)
	if freq == "" {
		return
	}
	if old, ok := olds.GetOk("frequency"); ok && old.IsString() && strings.TrimSpace(old.AsString()) == freq {
		return
	}
	s, err := frequency.Parse(freq)
	if err != nil || !s.Next(now).IsZero() {
		return // checkFrequency reports the syntax; a schedule with a next run is fine
	}
	if at, ok := s.(*frequency.AtSchedule); ok {
		f.add("frequency", "is %s, which is in the past (now %s); give a future time",
			at.When.Format(time.RFC3339), now.In(at.When.Location()).Format(time.RFC3339))
		return
	}
	f.add("frequency", "is %q, which never fires after now (%s): its last run is over; give a schedule with "+
		"a future run", freq, now.UTC().Format(time.RFC3339))
}
