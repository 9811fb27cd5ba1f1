package main

import (
	"context"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	presource "github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

func replicaURN(name string) presource.URN {
	return presource.NewURN("s", "p", "", "noop:index:Replica", name)
}

// A Replica records the recorded inputs and outputs with the program's inputs over them, and
// other resources still reach the wrapped provider.
func TestReplicaRecordsWhatTheInvocationRecorded(t *testing.T) {
	rec := recorded{
		Inputs:  map[string]any{"commandId": "c-recorded", "repeatMode": "Once"},
		Outputs: map[string]any{"commandId": "c-recorded", "repeatMode": "Once", "invokeId": "t-1", "summary": map[string]any{"Success": 1.0}},
	}
	var delegated []string
	base := p.Provider{
		Check: func(context.Context, p.CheckRequest) (p.CheckResponse, error) {
			delegated = append(delegated, "Check")
			return p.CheckResponse{}, nil
		},
		Create: func(context.Context, p.CreateRequest) (p.CreateResponse, error) {
			delegated = append(delegated, "Create")
			return p.CreateResponse{}, nil
		},
		Delete: func(context.Context, p.DeleteRequest) error {
			delegated = append(delegated, "Delete")
			return nil
		},
	}
	prov := withReplica(base, rec)
	ctx := context.Background()
	given := property.NewMap(map[string]property.Value{"commandId": property.New("c-mine")})

	checked, err := prov.Check(ctx, p.CheckRequest{Urn: replicaURN("a"), Inputs: given})
	if err != nil {
		t.Fatal(err)
	}
	if got := checked.Inputs.Get("commandId").AsString(); got != "c-mine" {
		t.Errorf("checked commandId = %q, want the program's", got)
	}
	if got := checked.Inputs.Get("repeatMode").AsString(); got != "Once" {
		t.Errorf("checked repeatMode = %q, want the recorded default", got)
	}

	created, err := prov.Create(ctx, p.CreateRequest{Urn: replicaURN("a"), Properties: checked.Inputs})
	if err != nil {
		t.Fatal(err)
	}
	if got := created.Properties.Get("commandId").AsString(); got != "c-mine" {
		t.Errorf("created commandId = %q, want the program's", got)
	}
	if got := created.Properties.Get("invokeId").AsString(); got != "t-1" {
		t.Errorf("created invokeId = %q, want the recorded output", got)
	}
	if got := created.Properties.Get("summary").AsMap().Get("Success").AsNumber(); got != 1 {
		t.Errorf("created summary.Success = %v, want the recorded 1", got)
	}
	if created.ID == "" {
		t.Error("a Replica needs an ID")
	}
	// The recorded maps are shared by every Replica: one Create must not change them.
	again, _ := prov.Create(ctx, p.CreateRequest{Urn: replicaURN("b"), Properties: property.Map{}})
	if got := again.Properties.Get("commandId").AsString(); got != "c-recorded" {
		t.Errorf("a later Replica's commandId = %q, want the recorded one", got)
	}
	if err := prov.Delete(ctx, p.DeleteRequest{Urn: replicaURN("a")}); err != nil {
		t.Fatal(err)
	}
	if len(delegated) != 0 {
		t.Errorf("a Replica reached the wrapped provider: %v", delegated)
	}

	thing := presource.NewURN("s", "p", "", "noop:index:Thing", "t")
	_, _ = prov.Check(ctx, p.CheckRequest{Urn: thing})
	_, _ = prov.Create(ctx, p.CreateRequest{Urn: thing})
	_ = prov.Delete(ctx, p.DeleteRequest{Urn: thing})
	if want := []string{"Check", "Create", "Delete"}; len(delegated) != 3 || delegated[0] != want[0] || delegated[1] != want[1] || delegated[2] != want[2] {
		t.Errorf("a Thing reached %v of the wrapped provider, want %v", delegated, want)
	}
}
