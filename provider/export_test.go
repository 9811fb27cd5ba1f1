package provider

import (
	"time"

	"github.com/cloudassistant/pulumi-cloudassistant/internal/frequency"
)

// SetMinScheduleInterval lowers the frequency limits for tests against an emulator that
// fires schedules every second; it returns a function restoring them.
func SetMinScheduleInterval(d time.Duration) func() {
	old := scheduleRules
	scheduleRules = frequency.Rules{MinInterval: d, MinRate: d, MaxRate: frequency.DefaultMaxRate}
	return func() { scheduleRules = old }
}

// The adoption tags' keys (adopt.go), and userTags, which drops them.
const (
	TagResource = tagResource
	TagAttempt  = tagAttempt
)

var UserTags = userTags
