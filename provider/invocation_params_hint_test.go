package provider_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// `parameters` for a command created without enableParameter: the service starts nothing, and
// the error says which setting to change on which command, without the values.
func TestInvocationParametersNeedEnableParameter(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cmdID, _ := h.command("plain", "echo {{greeting}}")
	params := property.New(map[string]property.Value{"greeting": str("hunter2-secret")})
	for _, c := range []struct {
		name  string
		extra []any
	}{
		{"single batch", nil},
		{"rollout", []any{"maxConcurrency", str("1")}},
	} {
		_, err := h.tryInvoke("params-"+strings.ReplaceAll(c.name, " ", "-"),
			h.invokeInputs(cmdID, append([]any{"parameters", params}, c.extra...)...), 60)
		require.Error(t, err, c.name)
		msg := err.Error()
		assert.True(t, strings.HasPrefix(msg, "parameters: command "+cmdID+" was created without enableParameter; "+
			"set enableParameter: true on the Command"), "%s: %s", c.name, msg)
		assert.Contains(t, msg, "Parameter.Disabled", "%s: the service's answer follows", c.name)
		assert.NotContains(t, msg, "hunter2-secret", c.name)
	}
	assert.Zero(t, h.srv.Stats().Executions, "nothing ran")
}
