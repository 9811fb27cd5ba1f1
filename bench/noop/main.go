// Command noop is the engine floor of `make bench`: a provider built with pulumi-go-provider,
// like the real one, whose resources do nothing. `pulumi up` of N of them is what the engine,
// the CLI and the plugin protocol cost on their own.
//
// Two resources: Thing, with one input echoed as its one output, is the floor of N resources
// of any kind. Replica records what an Invocation records — the same inputs, the same outputs
// — without calling anything: its inputs and outputs are copied from a real Invocation's
// state (the JSON file named by NOOP_REPLICA, written by the bench in the same run), with the
// inputs the program passes laid over them. The engine rewrites the whole checkpoint after
// every step, so its own cost for N resources grows with what each records; Replica makes
// the floor pay that cost too.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// Thing does nothing: Create echoes its input.
type Thing struct{}

// ThingArgs is the one input.
type ThingArgs struct {
	Value string `pulumi:"value"`
}

// ThingState is the recorded state.
type ThingState struct {
	ThingArgs
}

// Create returns at once.
func (Thing) Create(_ context.Context, req infer.CreateRequest[ThingArgs]) (infer.CreateResponse[ThingState], error) {
	return infer.CreateResponse[ThingState]{ID: "noop-" + req.Name, Output: ThingState{req.Inputs}}, nil
}

// replicaType is Replica's token.
const replicaType tokens.Type = "noop:index:Replica"

// recorded is a real resource's state as the stack export shows it.
type recorded struct {
	Inputs  map[string]any `json:"inputs"`
	Outputs map[string]any `json:"outputs"`
}

// withReplica serves Replica beside base's resources.
func withReplica(base p.Provider, rec recorded) p.Provider {
	inputs := resource.FromResourcePropertyMap(resource.NewPropertyMapFromMap(rec.Inputs))
	outputs := resource.FromResourcePropertyMap(resource.NewPropertyMapFromMap(rec.Outputs))
	check, create, del := base.Check, base.Create, base.Delete
	base.Check = func(ctx context.Context, req p.CheckRequest) (p.CheckResponse, error) {
		if req.Urn.Type() != replicaType {
			return check(ctx, req)
		}
		return p.CheckResponse{Inputs: overlay(inputs, req.Inputs)}, nil
	}
	base.Create = func(ctx context.Context, req p.CreateRequest) (p.CreateResponse, error) {
		if req.Urn.Type() != replicaType {
			return create(ctx, req)
		}
		return p.CreateResponse{ID: "replica-" + req.Urn.Name(), Properties: overlay(outputs, req.Properties)}, nil
	}
	base.Delete = func(ctx context.Context, req p.DeleteRequest) error {
		if req.Urn.Type() != replicaType {
			return del(ctx, req)
		}
		return nil
	}
	return base
}

// overlay is base with every value of top set over it.
func overlay(base, top property.Map) property.Map {
	for k, v := range top.All {
		base = base.Set(k, v)
	}
	return base
}

// loadRecorded reads the file NOOP_REPLICA names; without it, Replica records nothing more
// than its inputs.
func loadRecorded() (recorded, error) {
	var rec recorded
	path := os.Getenv("NOOP_REPLICA")
	if path == "" {
		return rec, nil
	}
	b, err := os.ReadFile(path)
	if err == nil {
		err = json.Unmarshal(b, &rec)
	}
	return rec, err
}

func main() {
	rec, err := loadRecorded()
	var prov p.Provider
	if err == nil {
		prov, err = infer.NewProviderBuilder().
			WithResources(infer.Resource(Thing{})).
			WithModuleMap(map[tokens.ModuleName]tokens.ModuleName{"main": "index"}).
			Build()
	}
	if err == nil {
		err = p.RunProvider(context.Background(), "noop", "0.0.1", withReplica(prov, rec))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
