// Command pulumi-resource-cloudassistant is the provider plugin binary the Pulumi engine runs.
// It only serves provider.New() over gRPC; all behaviour lives in the provider package.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/cloudassistant/pulumi-cloudassistant/provider"
)

func main() {
	if err := provider.New().Run(context.Background(), provider.Name, provider.Version); err != nil {
		fmt.Fprintf(os.Stderr, "%s\n", err)
		os.Exit(1)
	}
}
