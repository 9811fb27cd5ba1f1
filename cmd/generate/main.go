// Command generate writes schema.json and the Go, Node.js and Python SDKs from the provider's
// own schema, in-process, so the published surface can never drift from the Go structs.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
)

func main() {
	root := flag.String("root", ".", "repository root to write schema.json and sdk/ into")
	flag.Parse()
	if err := Generate(context.Background(), *root); err != nil {
		fmt.Fprintf(os.Stderr, "generate: %v\n", err)
		os.Exit(1)
	}
}
