package poll

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// The read schedule: at most four reads for a run under a second, capped afterwards.
func TestPollSchedule(t *testing.T) {
	t.Parallel()
	assert.Equal(t, 50*time.Millisecond, Runs.cumulative(0))
	assert.Greater(t, Runs.cumulative(3), time.Second)
	for n := 0; n < 200; n++ {
		gap := Runs.cumulative(n+1) - Runs.cumulative(n)
		assert.LessOrEqual(t, gap, Runs.Max)
		if n >= 4 {
			// A script is seen at most a tenth of its run time late (until the cap).
			assert.LessOrEqual(t, gap, max(Runs.cumulative(n)/10, 50*time.Millisecond)+time.Millisecond)
		}
	}
	assert.Equal(t, Runs.Max, Runs.cumulative(200)-Runs.cumulative(199))
}
