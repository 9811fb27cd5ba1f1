package enter

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEntryRoundTrip(t *testing.T) {
	t.Parallel()
	e := Entry{
		Root: "/data/sandbox/i-1", Masks: []string{"/data", "/tmp/x:y"}, Hostname: "iZ1Z", OwnNet: true,
		UID: 1001, GID: 1002, Groups: []int{1002, 7}, Dir: "/root",
		Argv:  []string{"/bin/bash", "-c", "echo 12:ab; printf '%s\\n' \"$x\"\n\x1f\xff"},
		Layer: "/data/sandbox/.layers/i-1",
	}
	got, bad := Decode(e.Encode())
	assert.Empty(t, bad)
	assert.Equal(t, e, got)

	hold := Entry{Root: "/r", Layer: "/l", Hold: true}
	got, bad = Decode(hold.Encode())
	assert.Empty(t, bad)
	assert.Equal(t, hold, got, "a holder needs no program")

	for _, s := range []string{"", "5:ab", "x:", "3:abc", e.Encode()[:20]} {
		_, bad := Decode(s)
		assert.NotEmpty(t, bad, "%q", s)
	}
}
