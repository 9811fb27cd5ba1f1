package provider_test

// Helpers of the component and function tests: an emulator with chosen instances, and a
// provider whose Construct registers children through a mock monitor that hands them back to
// the same provider, so the children really are created in the emulator.

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/blang/semver"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/integration"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/provider"
)

// child is a resource a component registered, as the mock monitor saw and created it.
type child struct {
	Type   string
	Name   string
	Parent string
	URN    resource.URN
	ID     string
	Inputs property.Map
	State  property.Map
}

// children records what components registered, in order.
type children struct {
	mu   sync.Mutex
	list []child
	// dryRun makes the monitor create children as a preview does.
	dryRun bool
}

func (c *children) add(ch child) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.list = append(c.list, ch)
}

// of returns the recorded children of one type.
func (c *children) of(typ string) []child {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []child
	for _, ch := range c.list {
		if ch.Type == typ {
			out = append(out, ch)
		}
	}
	return out
}

// newComponentHarness starts an emulator with opts and a provider configured for it, whose
// component children are checked and created by that same provider.
func newComponentHarness(t *testing.T, opts emulator.Options) (*harness, *children) {
	t.Helper()
	opts.Listen = "127.0.0.1:0"
	srv, err := emulator.New(opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })

	kids := &children{}
	var s integration.Server
	mocks := &integration.MockResourceMonitor{
		NewResourceF: func(args integration.MockResourceArgs) (string, property.Map, error) {
			if !args.Custom {
				return "", property.Map{}, nil // the component itself
			}
			u := resource.NewURN("test", "provider", "", args.TypeToken, args.Name)
			chk, err := s.Check(p.CheckRequest{Urn: u, Inputs: args.Inputs})
			if err != nil {
				return "", property.Map{}, err
			}
			if len(chk.Failures) > 0 {
				return "", property.Map{}, fmt.Errorf("check of %s failed: %v", u, chk.Failures)
			}
			kids.mu.Lock()
			dry := kids.dryRun
			kids.mu.Unlock()
			resp, err := s.Create(p.CreateRequest{Urn: u, Properties: chk.Inputs, DryRun: dry})
			if err != nil {
				// The engine shows a partial failure's reasons; so does the mock.
				if resp.PartialState != nil {
					return "", property.Map{}, fmt.Errorf("%w: %s", err, strings.Join(resp.PartialState.Reasons, "; "))
				}
				return "", property.Map{}, err
			}
			parent := ""
			if args.RegisterRPC != nil {
				parent = args.RegisterRPC.GetParent()
			}
			kids.add(child{Type: string(args.TypeToken), Name: args.Name, Parent: parent, URN: u,
				ID: resp.ID, Inputs: chk.Inputs, State: resp.Properties})
			return resp.ID, resp.Properties, nil
		},
	}
	s, err = integration.NewServer(context.Background(), provider.Name, semver.MustParse("0.1.0"),
		integration.WithProvider(provider.New()), integration.WithMocks(mocks))
	require.NoError(t, err)
	require.NoError(t, s.Configure(p.ConfigureRequest{Args: emulatorConfig(srv)}))
	return &harness{t: t, srv: srv, s: s}, kids
}

// construct builds a component of this provider, as in an update, and returns its outputs.
func (h *harness) construct(typ, name string, inputs property.Map) (p.ConstructResponse, error) {
	return h.s.Construct(p.ConstructRequest{
		Urn:    resource.NewURN("test", "provider", "", tokens.Type("cloudassistant:index:"+typ), name),
		Inputs: inputs,
	})
}

// preview builds a component as a preview does: children are created with DryRun.
func (h *harness) preview(kids *children, typ, name string, inputs property.Map) (p.ConstructResponse, error) {
	kids.mu.Lock()
	kids.dryRun = true
	kids.mu.Unlock()
	defer func() {
		kids.mu.Lock()
		kids.dryRun = false
		kids.mu.Unlock()
	}()
	return h.s.Construct(p.ConstructRequest{
		Urn:    resource.NewURN("test", "provider", "", tokens.Type("cloudassistant:index:"+typ), name),
		Inputs: inputs,
		DryRun: true,
	})
}

// invoke calls a function and fails the test on errors or check failures.
func (h *harness) invoke(fn string, args property.Map) property.Map {
	h.t.Helper()
	resp, err := h.s.Invoke(p.InvokeRequest{Token: tokens.Type("cloudassistant:index:" + fn), Args: args})
	require.NoError(h.t, err)
	require.Empty(h.t, resp.Failures)
	return resp.Return
}

// objects turns an array of objects into maps, secrets unwrapped.
func objects(t *testing.T, v property.Value) []property.Map {
	t.Helper()
	v = v.WithSecret(false)
	require.True(t, v.IsArray(), "want an array, got %v", v)
	var out []property.Map
	for _, e := range v.AsArray().All {
		e = e.WithSecret(false)
		require.True(t, e.IsMap(), "want an object, got %v", e)
		out = append(out, e.AsMap())
	}
	return out
}

// stringMap turns an object of strings into a Go map, secrets unwrapped.
func stringMap(t *testing.T, v property.Value) map[string]string {
	t.Helper()
	v = v.WithSecret(false)
	require.True(t, v.IsMap(), "want an object, got %v", v)
	out := map[string]string{}
	for k, e := range v.AsMap().All {
		out[k] = e.WithSecret(false).AsString()
	}
	return out
}

func boolPtr(b bool) *bool { return &b }
