package reliability

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/harness"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/rig"
)

// secretOutput is what the script prints without the text appearing in the script: it is
// secret only because the results are.
const secretOutput = "res-219359-ult"

// TestEngineSecrets: after an `up` and after a failing `up`, the access key secret, every
// parameter value and the scripts' output appear nowhere in plain text — not in the exported
// state, not in any file of the backend or the workspace, not in the engine's events, its
// progress output or the provider's logs (flowed to the plugin, sent to stderr), nor in the
// error of the failed deployment.
//
// It runs live too (`make test-live`): there the access key secret is the real one, which the
// test itself never prints either — a leak is reported by name with the value masked.
func TestEngineSecrets(t *testing.T) {
	useEngineEitherTarget(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	target, emu := secretsTarget(t, unique("ak-secret"))
	param, param2 := unique("param"), unique("other")
	secrets := map[string]string{
		"the access key secret": target.AccessKeySecret, "parameter token": param,
		"parameter user": param2, "the scripts' output": secretOutput,
	}
	spec := rig.Spec{
		Script:      "echo token={{token}} user={{ user }}; echo res-$((31337*7))-ult",
		Invocations: 2, Instances: target.InstanceIDs, PerInvocation: 2,
		Parameters: map[string]string{"token": param, "user": param2},
	}
	stack, stateDir := newTargetStack(ctx, t, target, spec)

	logs := newLogCapture()
	res, err := stack.Up(ctx, logs.options()...)
	logs.wait()
	_, trackErr := target.TrackStackCommands(ctx, stack)
	require.NoError(t, trackErr)
	require.NoError(t, err, "up:\n%s", masked(logs.text(), secrets))
	assert.Len(t, stringMap(t, res.Outputs, "invokeIds"), 2)
	// The scan only means something if the secrets reached the scripts (live, the output in the
	// decrypted state, which assertNowhere requires, shows they ran).
	if emu != nil {
		require.EqualValues(t, 4, emu.Stats().Executions)
	}
	assertNowhere(ctx, t, stack, stateDir, logs, "", secrets)

	// A failing script that prints its parameter: the error says what failed, never the value.
	spec.Script = "echo token={{token}} user={{user}}; echo token={{token}} >&2; exit 3"
	stack.Workspace().SetProgram(rig.Program(spec))
	logs = newLogCapture()
	_, err = stack.Up(ctx, logs.options()...)
	logs.wait()
	_, trackErr = target.TrackStackCommands(ctx, stack)
	require.NoError(t, trackErr)
	require.Error(t, err, "the failing script must fail the up")
	assert.Contains(t, masked(err.Error(), secrets), "exit code 3", "the error should say what failed")
	assertNowhere(ctx, t, stack, stateDir, logs, err.Error(), secrets)
}

// secretsTarget is an in-process emulator whose access key secret is akSecret (a unique value
// the scan looks for), or, under `make test-live`, the live service with its own secret.
func secretsTarget(t *testing.T, akSecret string) (*harness.Target, *emulator.Server) {
	t.Helper()
	var target *harness.Target
	var emu *emulator.Server
	var err error
	if harness.Live() {
		target, err = harness.LiveTarget()
	} else {
		emu, err = emulator.New(emulator.Options{Listen: "127.0.0.1:0", InstanceCount: 2, AccessKeySecret: akSecret})
		require.NoError(t, err)
		t.Cleanup(func() { _ = emu.Close() })
		target, err = harness.EmulatorTarget(rig.HarnessEmulator(emu))
	}
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, target.Close()) })
	return target, emu
}

// masked is text with every secret replaced by its name, so a failure message never shows one.
func masked(text string, secrets map[string]string) string {
	for name, value := range secrets {
		text = strings.ReplaceAll(text, value, "["+name+"]")
	}
	return text
}

// assertNowhere scans every place a secret could leak to; secrets maps a name to its value,
// and only names are printed.
func assertNowhere(ctx context.Context, t *testing.T, stack auto.Stack, stateDir string, logs *logCapture,
	errText string, secrets map[string]string,
) {
	t.Helper()
	dep, err := stack.Export(ctx)
	require.NoError(t, err)
	// (True, not Contains: a failure must not print the decrypted export.)
	require.True(t, strings.Contains(string(dep.Deployment), rig.InvocationToken), "the export holds the invocations")
	// Decrypted, the export does hold every secret: they reached the state, as secrets.
	for name, s := range secrets {
		assert.Truef(t, strings.Contains(string(dep.Deployment), s),
			"%s never reached the state: the scan proves nothing", name)
	}
	places := map[string]string{
		// Export is `stack export --show-secrets`: secrets come back decrypted inside their
		// secret envelopes, so what must be free of them is everything outside those.
		"exported state outside secret envelopes": outsideSecrets(t, dep.Deployment),
		"progress output":                         logs.progressText(),
		"stderr and provider log":                 logs.stderrText(),
		"engine events":                           logs.eventsText(),
		"error":                                   errText,
	}
	// The backend's files hold the state as stored: ciphertext only.
	for _, dir := range []string{stateDir, stack.Workspace().WorkDir()} {
		for _, f := range stateFiles(t, dir) {
			if strings.Contains(f, string(filepath.Separator)+"plugins"+string(filepath.Separator)) {
				continue // installed plugin binaries
			}
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			places["file "+f] = string(b)
		}
	}
	for where, text := range places {
		for name, s := range secrets {
			if i := strings.Index(text, s); i >= 0 {
				t.Errorf("%s holds %s in plain text: …%s…", where, name, masked(excerpt(text, i), secrets))
			}
		}
	}
	// The logs did capture something, or their check proves nothing.
	assert.NotEmpty(t, logs.stderrText(), "no log output was captured")
	assert.Contains(t, logs.eventsText(), "resOutputsEvent", "no engine events were captured")
}

func excerpt(s string, i int) string {
	from, to := max(i-80, 0), min(i+80, len(s))
	return s[from:to]
}

// secretSig marks a secret value in a deployment: {"4dabf18193072939515e22adb298388d":
// "1b47061264138c4ac30d75fd1eb44270", "plaintext" or "ciphertext": …}.
const secretSig = "4dabf18193072939515e22adb298388d"

// outsideSecrets renders a deployment with every secret envelope's content removed.
func outsideSecrets(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(raw, &v))
	return mustJSON(stripSecrets(v))
}

func stripSecrets(v any) any {
	switch v := v.(type) {
	case map[string]any:
		if _, ok := v[secretSig]; ok {
			return "[secret]"
		}
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = stripSecrets(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = stripSecrets(e)
		}
		return out
	}
	return v
}

// mustJSON renders engine events for scanning.
func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
