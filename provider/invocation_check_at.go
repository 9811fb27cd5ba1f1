package provider

import (
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/cloudassistant/pulumi-cloudassistant/internal/frequency"
)

// checkAtNotPast fails an at(…) frequency whose time has passed, so preview says so instead
// of the service refusing it at up. Only a new or changed frequency is judged: a deployed
// at(…) that has since fired must not fail every later preview of the same program.
func checkAtNotPast(f *failures, olds property.Map, freq string, now time.Time) {
	freq = strings.TrimSpace(freq)
	if !strings.HasPrefix(freq, "at(") {
		return
	}
	if old, ok := olds.GetOk("frequency"); ok && old.IsString() && strings.TrimSpace(old.AsString()) == freq {
		return
	}
	s, err := frequency.Parse(freq)
	if err != nil {
		return // checkFrequency reports the syntax
	}
	at, ok := s.(*frequency.AtSchedule)
	if !ok || at.When.After(now) {
		return
	}
	f.add("frequency", "is %s, which is in the past (now %s); give a future time",
		at.When.Format(time.RFC3339), now.In(at.When.Location()).Format(time.RFC3339))
}
