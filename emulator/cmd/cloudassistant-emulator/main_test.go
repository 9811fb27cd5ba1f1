package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
)

func TestParseFlags(t *testing.T) {
	file := filepath.Join(t.TempDir(), "instances.json")
	require.NoError(t, os.WriteFile(file, []byte(`[{"id":"i-x","osType":"windows","status":"Stopped","agentInstalled":false,"tags":{"a":"b"}},{"id":"i-y","agentOnline":false}]`), 0o600))
	t.Setenv(envAccessKeySecret, "from-env")
	o, cf, err := parseFlags([]string{"--listen", "127.0.0.1:0", "--instances-file", file, "--throttle-rate", "0.5",
		"--latency", "10ms", "--min-schedule-interval", "1s", "--verbose", "--role", "deployer", "--role", "reader",
		"--credential-lifetime", "30s", "--oidc-token-file", "/tmp/t"}, io.Discard)
	require.NoError(t, err)
	assert.True(t, cf.verbose)
	assert.Equal(t, "/tmp/t", cf.oidcTokenFile)
	assert.Equal(t, []string{"deployer", "reader"}, o.Roles)
	assert.Equal(t, 30*time.Second, o.CredentialLifetime)
	assert.Equal(t, "127.0.0.1:0", o.Listen)
	assert.Equal(t, emulator.DefaultAccessKeyID, o.AccessKeyID)
	assert.Equal(t, "from-env", o.AccessKeySecret)
	assert.Equal(t, 0.5, o.Faults.ThrottleRate)
	require.Len(t, o.Instances, 2)
	assert.Equal(t, "windows", o.Instances[0].OSType)
	require.NotNil(t, o.Instances[0].AgentInstalled)
	assert.False(t, *o.Instances[0].AgentInstalled)
	assert.Nil(t, o.Instances[0].AgentOnline, "online unless said otherwise")
	require.NotNil(t, o.Instances[1].AgentOnline)
	assert.False(t, *o.Instances[1].AgentOnline)

	policy := filepath.Join(t.TempDir(), "policy.json")
	require.NoError(t, os.WriteFile(policy, []byte(`{"Statement":[]}`), 0o600))
	o, _, err = parseFlags([]string{"--ram-policy", "acs:ram::1:role/deployer=" + policy, "--ram-policy", "AK=" + policy}, io.Discard)
	require.NoError(t, err)
	assert.Len(t, o.RAMPolicies, 2)
	assert.Equal(t, `{"Statement":[]}`, string(o.RAMPolicies["acs:ram::1:role/deployer"]))
	_, _, err = parseFlags([]string{"--ram-policy", "no-file"}, io.Discard)
	assert.Error(t, err)

	_, _, err = parseFlags([]string{"--drop-rate", "2"}, io.Discard)
	assert.Error(t, err)
	_, _, err = parseFlags([]string{"extra"}, io.Discard)
	assert.Error(t, err)
}

func TestRunPrintsEndpointFirstAndStops(t *testing.T) {
	pr, pw := io.Pipe()
	stop := make(chan os.Signal, 1)
	done := make(chan error, 1)
	go func() {
		done <- run([]string{"--listen", "127.0.0.1:0", "--instances", "2"}, pw, io.Discard, stop)
		_ = pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	require.True(t, lines.Scan())
	endpoint, ok := strings.CutPrefix(lines.Text(), "endpoint: ")
	require.True(t, ok, lines.Text())
	var rest []string
	for range 4 {
		require.True(t, lines.Scan())
		rest = append(rest, lines.Text())
	}
	assert.Equal(t, "region: cn-hangzhou", rest[0])
	assert.Equal(t, "access-key-id: "+emulator.DefaultAccessKeyID, rest[1])
	assert.Contains(t, rest[3], "i-emu00000000000002")

	req, err := http.NewRequest(http.MethodGet, endpoint+"/_emulator/stats", nil)
	require.NoError(t, err)
	emulator.SignControl(req, emulator.DefaultAccessKeySecret)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)

	stop <- syscall.SIGTERM
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	require.NoError(t, <-done)

	err = run([]string{"--listen", "0.0.0.0:0"}, io.Discard, io.Discard, stop)
	assert.ErrorContains(t, err, "refusing")
}

// --isolation and --instance-network reach the options, and a wrong value stops the start with
// a message naming the flag's values.
func TestIsolationFlags(t *testing.T) {
	o, _, err := parseFlags([]string{"--isolation", "none"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, emulator.IsolationNone, o.Isolation)
	o, _, err = parseFlags(nil, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, emulator.IsolationMachine, o.Isolation, "isolation is on by default")
	assert.Equal(t, emulator.NetworkHost, o.InstanceNetwork)

	stop := make(chan os.Signal, 1)
	err = run([]string{"--listen", "127.0.0.1:0", "--isolation", "chroot"}, io.Discard, io.Discard, stop)
	assert.ErrorContains(t, err, `--isolation "chroot" is not machine or none`)
	err = run([]string{"--listen", "127.0.0.1:0", "--isolation", "none", "--instance-network", "none"}, io.Discard, io.Discard, stop)
	assert.ErrorContains(t, err, "--instance-network none needs --isolation machine")
	err = run([]string{"--listen", "127.0.0.1:0", "--instance-network", "bridge"}, io.Discard, io.Discard, stop)
	assert.ErrorContains(t, err, `--instance-network "bridge" is not host or none`)
	assert.NotContains(t, err.Error(), "--isolation none", "a wrong value is not a missing kernel feature")
}
