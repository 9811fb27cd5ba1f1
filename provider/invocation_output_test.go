package provider_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestInvocationOutputIsText runs scripts whose output the service returns as Base64 and checks
// results[].output is readable UTF-8 text: 30 KB of two-byte characters (longer than the 24 KB
// the service keeps, so the middle is dropped), and a Latin-1 byte, which becomes U+FFFD.
func TestInvocationOutputIsText(t *testing.T) {
	t.Parallel()
	h := newHarness(t)

	t.Run("long multibyte output", func(t *testing.T) {
		cmdID, _ := h.command("accents", `i=0; while [ $i -lt 15000 ]; do printf 'é'; i=$((i+1)); done`)
		resp, err := h.tryInvoke("accents", h.invokeInputs(cmdID), 0)
		require.NoError(t, err)
		rs := results(t, resp.Properties)
		require.NotEmpty(t, rs)
		for _, r := range rs {
			out := r.Get("output").AsString()
			require.True(t, utf8.ValidString(out), "output is not UTF-8")
			assert.NotContains(t, out, "w6nDqc", "output is Base64, not text")
			assert.Positive(t, r.Get("dropped").AsNumber(), "30 KB is over the 24 KB the service keeps")
			// Everything kept is é, except at most one cut character at each edge of the gap.
			rest := strings.ReplaceAll(out, "é", "")
			assert.LessOrEqual(t, utf8.RuneCountInString(rest), 2, "unexpected text: %q", rest)
			assert.Equal(t, strings.Count(rest, "\uFFFD"), utf8.RuneCountInString(rest))
			assert.Greater(t, strings.Count(out, "é"), 12000)
		}
	})

	t.Run("Latin-1 byte", func(t *testing.T) {
		cmdID, _ := h.command("latin1", `printf 'caf\351\n'`)
		resp, err := h.tryInvoke("latin1", h.invokeInputs(cmdID), 0)
		require.NoError(t, err)
		rs := results(t, resp.Properties)
		require.NotEmpty(t, rs)
		for _, r := range rs {
			assert.Equal(t, "caf\uFFFD\n", r.Get("output").AsString())
		}
	})
}
