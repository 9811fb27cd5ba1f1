// Command e2e-commands gives the TypeScript and Python end-to-end suites, under `make test-live`,
// the Go suites' view of the live service (harness.LiveTarget: the same environment, the same
// ECS SDK client), so every suite checks and cleans up through one client:
//
//	e2e-commands left   ID...   prints the ids of the commands that still exist, one a line
//	e2e-commands delete ID...   deletes those that still exist (the suites' clean-up)
//
// It reads endpoint, region and credentials from the environment and prints none of them.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/harness"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "e2e-commands:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) < 1 || (args[0] != "left" && args[0] != "delete") {
		return errors.New("usage: e2e-commands left|delete COMMAND_ID…")
	}
	target, err := harness.LiveTarget()
	if err != nil {
		return err
	}
	for _, id := range args[1:] {
		target.TrackCommand(id)
	}
	if args[0] == "delete" {
		return target.Close()
	}
	left, err := target.CommandsLeft()
	if err != nil {
		return err
	}
	for _, id := range left {
		fmt.Println(id)
	}
	return nil
}
