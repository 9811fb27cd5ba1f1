package provider_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/blang/semver"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/integration"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/emulator/clock"
	"github.com/cloudassistant/pulumi-cloudassistant/provider"
)

const (
	commandToken    = tokens.Type("cloudassistant:index:Command")
	invocationToken = tokens.Type("cloudassistant:index:Invocation")
)

// harness is one emulator and one configured provider, both in-process.
type harness struct {
	t   *testing.T
	srv *emulator.Server
	s   integration.Server
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	return newHarnessWith(t, emulator.Options{})
}

// newHarnessWith is newHarness with emulator options (instances, delivery timeout, …).
func newHarnessWith(t *testing.T, opts emulator.Options) *harness {
	t.Helper()
	opts.Listen, opts.MinScheduleInterval = "127.0.0.1:0", time.Second
	srv, err := emulator.New(opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	s, err := integration.NewServer(context.Background(), provider.Name, semver.MustParse("0.1.0"),
		integration.WithProvider(provider.New()))
	require.NoError(t, err)
	require.NoError(t, s.Configure(p.ConfigureRequest{Args: emulatorConfig(srv)}))
	return &harness{t: t, srv: srv, s: s}
}

// emulatorConfig is the provider configuration that points it at srv.
func emulatorConfig(srv *emulator.Server) property.Map {
	return property.NewMap(map[string]property.Value{
		"region":          property.New(srv.Region()),
		"accessKeyId":     property.New(srv.AccessKeyID()),
		"accessKeySecret": property.New(srv.AccessKeySecret()).WithSecret(true),
		"endpoint":        property.New(srv.URL()),
	})
}

func urn(tok tokens.Type, name string) resource.URN {
	return resource.NewURN("test", "provider", "", tok, name)
}

func str(s string) property.Value { return property.New(s) }
func num(n int) property.Value    { return property.New(float64(n)) }
func boolean(b bool) property.Value {
	return property.New(b)
}

func strs(ss ...string) property.Value {
	vs := make([]property.Value, len(ss))
	for i, s := range ss {
		vs[i] = property.New(s)
	}
	return property.New(vs)
}

func strMap(m map[string]string) property.Value {
	vs := map[string]property.Value{}
	for k, v := range m {
		vs[k] = property.New(v)
	}
	return property.New(vs)
}

func props(kv ...any) property.Map {
	m := map[string]property.Value{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1].(property.Value)
	}
	return property.NewMap(m)
}

// check runs Check and fails the test on failures.
// diff asks the provider for the diff of inputs against a resource's state.
func (h *harness) diff(t *testing.T, tok tokens.Type, name, id string, state, inputs property.Map) p.DiffResponse {
	t.Helper()
	d, err := h.s.Diff(p.DiffRequest{ID: id, Urn: urn(tok, name), State: state, Inputs: inputs})
	require.NoError(t, err)
	return d
}

func (h *harness) check(tok tokens.Type, name string, olds, news property.Map) property.Map {
	h.t.Helper()
	resp, err := h.s.Check(p.CheckRequest{Urn: urn(tok, name), State: olds, Inputs: news})
	require.NoError(h.t, err)
	require.Empty(h.t, resp.Failures)
	return resp.Inputs
}

// create checks and creates a resource for real, failing the test on errors.
func (h *harness) create(tok tokens.Type, name string, inputs property.Map) (string, property.Map) {
	h.t.Helper()
	checked := h.check(tok, name, property.Map{}, inputs)
	resp, err := h.s.Create(p.CreateRequest{Urn: urn(tok, name), Properties: checked})
	require.NoError(h.t, err)
	require.NotEmpty(h.t, resp.ID)
	return resp.ID, resp.Properties
}

// command creates a shell command with content and returns its ID and state.
func (h *harness) command(name, content string, extra ...any) (string, property.Map) {
	h.t.Helper()
	kv := append([]any{"type", str("RunShellScript"), "commandContent", str(content)}, extra...)
	return h.create(commandToken, name, props(kv...))
}

func (h *harness) mutatingCalls() int64 {
	var n int64
	for action, c := range h.srv.Stats().Actions {
		if !strings.HasPrefix(action, "Describe") {
			n += c
		}
	}
	return n
}

// setFastSchedules lets the provider accept the 1 s schedules the test emulator fires.
func setFastSchedules() func() { return provider.SetMinScheduleInterval(time.Second) }

// advanceUntilExecutions moves the emulator's fake clock a second at a time until the
// schedules have run at least n times, failing after within. The clock moves only once the
// last run has ended, as on the real clock.
func advanceUntilExecutions(t *testing.T, srv *emulator.Server, fake *clock.Fake, n int64, within time.Duration) {
	t.Helper()
	require.Eventually(t, func() bool {
		st := srv.Stats()
		if st.Running > 0 {
			return false
		}
		if st.Executions >= n {
			return true
		}
		fake.Advance(time.Second)
		return false
	}, within, 10*time.Millisecond)
}

// failurePath is the property a Check failure names, in its Property or, for values the
// engine must not print, at the start of its Reason.
func failurePath(f p.CheckFailure) string {
	if f.Property != "" {
		return f.Property
	}
	path, _, _ := strings.Cut(f.Reason, ": ")
	return path
}
