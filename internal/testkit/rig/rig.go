// Package rig drives the provider in-process (pulumi-go-provider's integration server) against
// an in-process emulator, for the fault suite and the benchmarks: no engine, no binaries.
package rig

import (
	"context"
	"errors"
	"fmt"

	"github.com/blang/semver"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/integration"
	presource "github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/provider"
)

// Tokens of the two resources.
const (
	CommandToken    = "cloudassistant:index:Command"
	InvocationToken = "cloudassistant:index:Invocation"
)

// Provider is a configured in-process provider.
type Provider struct {
	integration.Server
}

// NewProvider serves provider.New() in-process, configured for emu. The server lives as
// long as ctx.
func NewProvider(ctx context.Context, emu *emulator.Server) (*Provider, error) {
	return NewProviderWithKey(ctx, emu, emu.AccessKeyID(), emu.AccessKeySecret())
}

// NewProviderAt is NewProvider reaching emu at endpoint (a proxy in front of it).
func NewProviderAt(ctx context.Context, emu *emulator.Server, endpoint string) (*Provider, error) {
	return newProvider(ctx, emu, endpoint, emu.AccessKeyID(), emu.AccessKeySecret())
}

// NewProviderWithKey is NewProvider with other credentials, e.g. wrong ones.
func NewProviderWithKey(ctx context.Context, emu *emulator.Server, keyID, secret string) (*Provider, error) {
	return newProvider(ctx, emu, emu.URL(), keyID, secret)
}

func newProvider(ctx context.Context, emu *emulator.Server, endpoint, keyID, secret string) (*Provider, error) {
	s, err := integration.NewServer(ctx, provider.Name, semver.MustParse("0.1.0"),
		integration.WithProvider(provider.New()))
	if err != nil {
		return nil, err
	}
	err = s.Configure(p.ConfigureRequest{Args: property.NewMap(map[string]property.Value{
		"region":          property.New(emu.Region()),
		"endpoint":        property.New(endpoint),
		"accessKeyId":     property.New(keyID),
		"accessKeySecret": property.New(secret).WithSecret(true),
	})})
	if err != nil {
		return nil, fmt.Errorf("configuring the provider: %w", err)
	}
	return &Provider{s}, nil
}

// URN names a resource of this rig's imaginary stack.
func URN(token, name string) presource.URN {
	return presource.CreateURN(name, token, "", "rig", "rig")
}

// Resource is what Create returned: the ID and the outputs (a partial-init failure has both,
// beside its error).
type Resource struct {
	ID      string
	Outputs property.Map
}

// Create runs Check then Create the way the engine does, and fails on check failures.
func (pr *Provider) Create(token, name string, inputs map[string]property.Value, timeoutSec float64) (Resource, error) {
	checked, err := pr.CheckInputs(token, name, inputs)
	if err != nil {
		return Resource{}, err
	}
	return pr.CreateChecked(token, name, checked, timeoutSec)
}

// CheckInputs runs Check and turns check failures into an error.
func (pr *Provider) CheckInputs(token, name string, inputs map[string]property.Value) (property.Map, error) {
	chk, err := pr.Check(p.CheckRequest{Urn: URN(token, name), Inputs: property.NewMap(inputs)})
	if err != nil {
		return property.Map{}, fmt.Errorf("check %s: %w", name, err)
	}
	if len(chk.Failures) > 0 {
		return property.Map{}, fmt.Errorf("check %s: %v", name, chk.Failures)
	}
	return chk.Inputs, nil
}

// CreateChecked runs Create on inputs Check returned. A partial-init failure returns the
// resource and an error.
func (pr *Provider) CreateChecked(token, name string, checked property.Map, timeoutSec float64) (Resource, error) {
	resp, err := pr.Server.Create(p.CreateRequest{Urn: URN(token, name), Properties: checked, Timeout: timeoutSec})
	if resp.PartialState != nil && err == nil {
		err = errors.New(fmt.Sprint(resp.PartialState.Reasons))
	}
	return Resource{ID: resp.ID, Outputs: resp.Properties}, err
}

// Delete deletes a resource created by Create.
func (pr *Provider) Delete(token, name string, r Resource) error {
	return pr.Server.Delete(p.DeleteRequest{ID: r.ID, Urn: URN(token, name), Properties: r.Outputs})
}

// CommandInputs are the inputs of a shell Command running script.
func CommandInputs(script string) map[string]property.Value {
	return map[string]property.Value{
		"type":           property.New("RunShellScript"),
		"commandContent": property.New(script),
		"timeout":        property.New(60.0),
	}
}

// InvocationInputs are the inputs of an Invocation of commandID on instances.
func InvocationInputs(commandID string, instances []string) map[string]property.Value {
	ids := make([]property.Value, len(instances))
	for i, id := range instances {
		ids[i] = property.New(id)
	}
	return map[string]property.Value{
		"commandId":   property.New(commandID),
		"instanceIds": property.New(ids),
	}
}

// String reads a string output ("" when absent or not a string).
func String(m property.Map, key string) string {
	v, ok := m.GetOk(key)
	if !ok {
		return ""
	}
	if v.Secret() {
		v = v.WithSecret(false)
	}
	if !v.IsString() {
		return ""
	}
	return v.AsString()
}
