package harness

import (
	"encoding/json"
	"testing"
)

// ResourcesOfType keeps the resources of one type in state order, with their recorded inputs
// and outputs; CommandIDsInDeployment skips a Command not created yet (no id).
func TestResourcesOfType(t *testing.T) {
	dep := json.RawMessage(`{"resources": [
		{"type": "pulumi:pulumi:Stack", "id": ""},
		{"type": "cloudassistant:index:Command", "id": "c-1", "inputs": {"name": "a"}, "outputs": {"commandId": "c-1"}},
		{"type": "cloudassistant:index:Invocation", "id": "t-1"},
		{"type": "cloudassistant:index:Command", "id": ""},
		{"type": "cloudassistant:index:Command", "id": "c-2"}]}`)
	got, err := ResourcesOfType(dep, commandType)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].ID != "c-1" || got[2].ID != "c-2" {
		t.Fatalf("commands %+v, want c-1, (none), c-2", got)
	}
	if string(got[0].Inputs) != `{"name": "a"}` || string(got[0].Outputs) != `{"commandId": "c-1"}` {
		t.Errorf("c-1 recorded inputs %s, outputs %s", got[0].Inputs, got[0].Outputs)
	}
	ids, err := CommandIDsInDeployment(dep)
	if err != nil || len(ids) != 2 || ids[0] != "c-1" || ids[1] != "c-2" {
		t.Errorf("command ids %q (%v), want [c-1 c-2]", ids, err)
	}
	if _, err := ResourcesOfType(json.RawMessage(`{`), commandType); err == nil {
		t.Error("a broken export reads without error")
	}
}
