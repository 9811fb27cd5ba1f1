package provider

import (
	"context"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// keepSecretsOnRead marks an Invocation's secrets in what Read returns. infer re-applies
// secretness on Read only from the maps it was given, and an import gives none: without
// this, an imported invocation would write its parameters and output to state in the clear.
func keepSecretsOnRead(prov p.Provider) p.Provider {
	read := prov.Read
	prov.Read = func(ctx context.Context, req p.ReadRequest) (p.ReadResponse, error) {
		resp, err := read(ctx, req)
		if req.Urn.Type() == invocationToken {
			resp.Properties = markInvocationSecrets(resp.Properties, resp.Inputs)
			resp.Inputs = markInvocationSecrets(resp.Inputs, resp.Inputs)
		}
		if req.Urn.Type() == fileToken && req.Inputs.Len() == 0 && req.Properties.Len() == 0 {
			resp.Properties, resp.Inputs = markImportedFileContent(resp.Properties), markImportedFileContent(resp.Inputs)
		}
		return resp, err
	}
	return prov
}

// markInvocationSecrets makes parameters always secret, and results secret by the same rule
// as WireDependencies (resultsSecret): secretResults, else whether parameters are given.
func markInvocationSecrets(m, inputs property.Map) property.Map {
	if v, ok := m.GetOk("parameters"); ok && !v.IsNull() {
		m = m.Set("parameters", v.WithSecret(true))
	}
	v, ok := m.GetOk("results")
	if !ok || v.IsNull() {
		return m
	}
	secret := false
	if s, ok := inputs.GetOk("secretResults"); ok && s.IsBool() {
		secret = s.AsBool()
	} else if ps, ok := inputs.GetOk("parameters"); ok && ps.IsMap() && ps.AsMap().Len() > 0 {
		secret = true
	}
	if secret {
		m = m.Set("results", v.WithSecret(true))
	}
	return m
}
