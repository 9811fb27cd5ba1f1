// Command noop is the engine floor of `make bench`: a provider built with pulumi-go-provider,
// like the real one, whose only resource does nothing. `pulumi up` of N of them is what the
// engine, the CLI and the plugin protocol cost on their own.
package main

import (
	"context"
	"fmt"
	"os"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
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

func main() {
	prov, err := infer.NewProviderBuilder().
		WithResources(infer.Resource(Thing{})).
		WithModuleMap(map[tokens.ModuleName]tokens.ModuleName{"main": "index"}).
		Build()
	if err == nil {
		err = p.RunProvider(context.Background(), "noop", "0.0.1", prov)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
