package harness

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// commandType is the Command resource's type token; its resource id is the service's command id.
const commandType = "cloudassistant:index:Command"

// TrackStackCommands records every Command in the stack's state (components' children too), so
// Close deletes them if destroy did not, and returns their ids. Call it after each `up`: a
// replacement leaves a new command id in the state.
func (t *Target) TrackStackCommands(ctx context.Context, stack auto.Stack) ([]string, error) {
	dep, err := stack.Export(ctx)
	if err != nil {
		return nil, fmt.Errorf("exporting stack %s: %w", stack.Name(), err)
	}
	ids, err := CommandIDsInDeployment(dep.Deployment)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		t.TrackCommand(id)
	}
	return ids, nil
}

// CommandIDsInDeployment lists the ids of the Command resources in an exported deployment.
func CommandIDsInDeployment(deployment json.RawMessage) ([]string, error) {
	commands, err := ResourcesOfType(deployment, commandType)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, r := range commands {
		if r.ID != "" {
			ids = append(ids, r.ID)
		}
	}
	return ids, nil
}

// CommandsLeft asks the ECS API which of the tracked commands still exist: after `destroy`,
// none should, on the emulator and on the live service alike.
func (t *Target) CommandsLeft() ([]string, error) {
	var left []string
	for _, id := range t.trackedCommands() {
		exists, err := t.CommandExists(id)
		if err != nil {
			return nil, err
		}
		if exists {
			left = append(left, id)
		}
	}
	return left, nil
}
