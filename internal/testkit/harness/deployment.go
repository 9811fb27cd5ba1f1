package harness

import (
	"encoding/json"
	"fmt"
)

// StateResource is one resource of an exported deployment (`pulumi stack export`), with its
// inputs and outputs as the state records them.
type StateResource struct {
	Type    string          `json:"type"`
	ID      string          `json:"id"`
	Inputs  json.RawMessage `json:"inputs"`
	Outputs json.RawMessage `json:"outputs"`
}

// ResourcesOfType lists the resources of the type token typ in an exported deployment, in
// the state's order.
func ResourcesOfType(deployment json.RawMessage, typ string) ([]StateResource, error) {
	var dep struct {
		Resources []StateResource `json:"resources"`
	}
	if err := json.Unmarshal(deployment, &dep); err != nil {
		return nil, fmt.Errorf("reading the exported deployment: %w", err)
	}
	var out []StateResource
	for _, r := range dep.Resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out, nil
}
