package provider_test

import (
	"fmt"
	"strings"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInvocationCheckRules(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	manyParams := map[string]string{}
	for i := 0; i < 21; i++ {
		manyParams[fmt.Sprintf("p%d", i)] = "v"
	}
	cases := []struct {
		name   string
		set    []any
		path   string
		reason string
	}{
		{"no instances", []any{"instanceIds", strs()}, "instanceIds", "has 0 instance IDs; it must have at least 1 (or set targetTags)"},
		{"both targets", []any{"targetTags", strMap(map[string]string{"role": "web"})}, "targetTags", "is set together with instanceIds"},
		{"bad maxConcurrency", []any{"maxConcurrency", str("ten")}, "maxConcurrency", `it must be a count such as "10"`},
		{"zero maxConcurrency", []any{"maxConcurrency", str("0%")}, "maxConcurrency", "at least one instance"},
		{"bad maxErrors", []any{"maxErrors", str("120%")}, "maxErrors", "from 0% to 100%"},
		{"limits without waiting", []any{"maxErrors", str("1"), "waitForCompletion", boolean(false)}, "waitForCompletion", "need the provider to wait"},
		{"output budget", []any{"outputBytesPerInstance", num(30000)}, "outputBytesPerInstance", "between 0 and 24576"},
		{"duplicate instance", []any{"instanceIds", strs("i-a", "i-b", "i-a")}, "instanceIds[2]", "instance IDs must be unique"},
		{"empty instance", []any{"instanceIds", strs("i-a", "")}, "instanceIds[1]", "must not be empty"},
		{"empty command", []any{"commandId", str("")}, "commandId", "must not be empty"},
		{"repeat mode", []any{"repeatMode", str("Daily")}, "repeatMode", "must be one of Once, Period"},
		{"period without frequency", []any{"repeatMode", str("Period")}, "frequency", "is required when repeatMode is Period"},
		{"timed without frequency", []any{"timed", boolean(true)}, "frequency", "is required when timed is true"},
		{"frequency syntax", []any{"repeatMode", str("Period"), "frequency", str("every day")}, "frequency", "cron"},
		{"past at", []any{"repeatMode", str("Period"), "frequency", str("at(2020-01-01 10:00:00 Asia/Shanghai)")}, "frequency", "is 2020-01-01T10:00:00+08:00, which is in the past"},
		{"duplicate instance names the id", []any{"instanceIds", strs("i-a", "i-b", "i-a")}, "instanceIds[2]", `repeats "i-a" (also at instanceIds[0])`},
		{"frequency interval", []any{"repeatMode", str("Period"), "frequency", str("*/5 * * * * ?")}, "frequency", "at least 10s"},
		{"rate too short", []any{"repeatMode", str("Period"), "frequency", str("rate(30s)")}, "frequency", "shorter than the minimum 1m0s"},
		{"frequency without period", []any{"frequency", str("rate(5m)")}, "frequency", "only used when repeatMode is Period"},
		{"parameter count", []any{"parameters", strMap(manyParams)}, "parameters", "has 21 keys; the limit is 20"},
		{"parameter key length", []any{"parameters", strMap(map[string]string{strings.Repeat("k", 65): "v"})}, "parameters." + strings.Repeat("k", 65), "key is 65 characters; the limit is 64"},
		{"empty parameter key", []any{"parameters", strMap(map[string]string{"": "v"})}, "parameters", "has an empty key"},
		{"windows password without user", []any{"windowsPasswordName", str("axtSecretPassword")}, "windowsPasswordName", "without username"},
		{"username length", []any{"username", str(strings.Repeat("u", 256))}, "username", "the limit is 255"},
		{"timeout", []any{"timeout", num(5)}, "timeout", "between 10 and 86400"},
		{"termination mode", []any{"terminationMode", str("Kill")}, "terminationMode", "Process or ProcessTree"},
		{"failure policy", []any{"failurePolicy", str("Sometimes")}, "failurePolicy", "FailIfAny"},
		{"tag count", []any{"tags", strMap(manyParams)}, "tags", "has 21 tags; the limit is 20"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := props("commandId", str("c-123"), "instanceIds", strs("i-a"))
			for i := 0; i < len(c.set); i += 2 {
				in = in.Set(c.set[i].(string), c.set[i+1].(property.Value))
			}
			resp, err := h.s.Check(p.CheckRequest{Urn: urn(invocationToken, "i"), Inputs: in})
			require.NoError(t, err)
			require.NotEmpty(t, resp.Failures, "expected a failure")
			assert.Equal(t, c.path, failurePath(resp.Failures[0]), "%v", resp.Failures)
			assert.Contains(t, resp.Failures[0].Reason, c.reason)
		})
	}
	t.Run("valid schedule and defaults", func(t *testing.T) {
		cmd, _ := h.command("valid", "echo hi")
		in := props("commandId", str(cmd), "instanceIds", strs(h.srv.InstanceIDs()[0]), "timed", boolean(true),
			"frequency", str("0 */20 * * * ? Asia/Shanghai"))
		out := h.check(invocationToken, "i", property.Map{}, in)
		assert.Equal(t, "Period", out.Get("repeatMode").AsString(), "timed with a frequency is Period")
		assert.True(t, out.Get("waitForCompletion").AsBool())
		assert.Equal(t, "FailIfAny", out.Get("failurePolicy").AsString())
	})
	t.Run("deployed past at passes", func(t *testing.T) {
		// An at(…) that has fired since it was deployed must not fail later previews.
		in := props("commandId", str("c-123"), "instanceIds", strs("i-a"), "repeatMode", str("Period"),
			"frequency", str("at(2020-01-01 10:00:00 Asia/Shanghai)"))
		h.check(invocationToken, "i", in, in)
	})
	t.Run("unknown values pass", func(t *testing.T) {
		in := props("commandId", property.New(property.Computed), "instanceIds", property.New(property.Computed))
		resp, err := h.s.Check(p.CheckRequest{Urn: urn(invocationToken, "i"), Inputs: in})
		require.NoError(t, err)
		assert.Empty(t, resp.Failures)
	})
}
