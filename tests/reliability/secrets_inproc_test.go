package reliability

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/rig"
)

// unique returns a value that cannot appear anywhere by accident, so finding it means a leak.
func unique(prefix string) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return prefix + "-" + hex.EncodeToString(b[:])
}

// TestSecretsOutOfProviderErrors: a script that prints its secret parameter and fails, and
// a call the service rejects for its parameters, produce errors that never quote the value,
// whether results are secret or not.
func TestSecretsOutOfProviderErrors(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t, emulator.Options{InstanceCount: 2})
	prov := newProvider(t, emu)
	secret := unique("param")

	withParams := rig.CommandInputs("echo token={{token}}; echo token={{token}} >&2; exit 3")
	withParams["enableParameter"] = property.New(true)
	cmd, err := prov.Create(rig.CommandToken, "cmd", withParams, 60)
	require.NoError(t, err)
	plainCmd, err := prov.Create(rig.CommandToken, "plain", rig.CommandInputs("echo hi"), 60)
	require.NoError(t, err)

	for _, tc := range []struct {
		name      string
		commandID string
		secretRes *bool
	}{
		{"failing script, results secret by default", rig.String(cmd.Outputs, "commandId"), nil},
		{"failing script, results not secret", rig.String(cmd.Outputs, "commandId"), ptr(false)},
		{"parameters rejected by the service", rig.String(plainCmd.Outputs, "commandId"), ptr(false)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := rig.InvocationInputs(tc.commandID, emu.InstanceIDs())
			in["parameters"] = property.New(map[string]property.Value{"token": property.New(secret)}).WithSecret(true)
			if tc.secretRes != nil {
				in["secretResults"] = property.New(*tc.secretRes)
			}
			res, err := prov.Create(rig.InvocationToken, "inv", in, 60)
			require.Error(t, err, "the invocation should fail")
			assert.NotContains(t, err.Error(), secret, "the error quotes the secret parameter")
			if tc.secretRes == nil {
				// With secretResults false the user chose to see the output in plain text;
				// by default, parameters make results secret.
				assertNoPlain(t, res.Outputs, secret)
			}
		})
	}
}

// TestSecretsOutOfAuthErrors: calls signed with a wrong secret, or with an unknown key, fail
// with errors that name the problem but never the secret.
func TestSecretsOutOfAuthErrors(t *testing.T) {
	t.Parallel()
	emu := startEmulator(t, emulator.Options{InstanceCount: 1})
	for _, tc := range []struct{ name, keyID string }{
		{"wrong secret", emu.AccessKeyID()},
		{"unknown key", "UNKNOWNKEYID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			secret := unique("wrong-secret")
			ctx, cancel := context.WithCancel(context.Background())
			t.Cleanup(cancel)
			prov, err := rig.NewProviderWithKey(ctx, emu, tc.keyID, secret)
			require.NoError(t, err)
			_, err = prov.Create(rig.CommandToken, "cmd", rig.CommandInputs("echo hi"), 30)
			require.Error(t, err)
			assert.NotContains(t, err.Error(), secret, "the error quotes the access key secret")
		})
	}
}

// assertNoPlain fails when secret appears in a non-secret value of m.
func assertNoPlain(t *testing.T, m property.Map, secret string) {
	t.Helper()
	for k, v := range m.All {
		if v.Secret() {
			continue
		}
		assert.NotContains(t, v.GoString(), secret, "output %q holds the secret in plain text", k)
	}
}

func ptr[T any](v T) *T { return &v }
