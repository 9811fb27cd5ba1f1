// Package provider is the native Pulumi provider for Alibaba Cloud ECS Cloud Assistant.
// New returns the provider; its schema is inferred from the typed Go structs of this package.
package provider

import (
	"context"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// New builds the provider: the whole product surface is this one list.
func New() p.Provider {
	registerComponentTypes()
	prov, err := infer.NewProviderBuilder().
		WithDisplayName("Alibaba Cloud Cloud Assistant").
		WithDescription("Run scripts on Alibaba Cloud ECS instances through Cloud Assistant: "+
			"commands, invocations that wait for every instance and report exit codes and output.").
		WithKeywords("pulumi", "alibaba", "alicloud", "aliyun", "ecs", "cloud-assistant", "category/cloud", "kind/native").
		WithHomepage("https://github.com/cloudassistant/pulumi-cloudassistant").
		WithRepository("https://github.com/cloudassistant/pulumi-cloudassistant").
		WithPublisher("cloudassistant").
		// The engine downloads pulumi-resource-cloudassistant-v<version>-<os>-<arch>.tar.gz from
		// this repository's GitHub release (.goreleaser.yml names them); every SDK carries it.
		WithPluginDownloadURL(PluginDownloadURL).
		WithLicense("Apache-2.0").
		WithLanguageMap(map[string]any{
			"go": map[string]any{
				"importBasePath":                 "github.com/cloudassistant/pulumi-cloudassistant/sdk/go/cloudassistant",
				"generateResourceContainerTypes": true,
				"respectSchemaVersion":           true,
			},
			"nodejs": map[string]any{
				"packageName":          "@cloudassistant/pulumi",
				"respectSchemaVersion": true,
			},
			"python": map[string]any{
				"packageName":          "pulumi_cloudassistant",
				"respectSchemaVersion": true,
				"pyproject":            map[string]any{"enabled": true},
			},
		}).
		WithConfig(infer.Config(&Config{})).
		WithResources(
			infer.Resource(&Command{}),
			infer.Resource(&Invocation{}),
			infer.Resource(&File{}),
		).
		WithComponents(
			infer.ComponentF(NewRunScript),
			infer.ComponentF(NewScheduledScript),
		).
		WithFunctions(
			infer.Function(&GetCommand{}),
			infer.Function(&GetInvocation{}),
			infer.Function(&GetAgentStatus{}),
			infer.Function(&GetInstances{}),
		).
		WithModuleMap(map[tokens.ModuleName]tokens.ModuleName{"provider": "index"}).
		Build()
	if err != nil {
		// Build only fails when the list above is empty: a programming error.
		panic(err)
	}
	prov.DiffConfig = diffConfig
	return reportCauses(withResourceURN(keepSecretsOnRead(prov)))
}

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
