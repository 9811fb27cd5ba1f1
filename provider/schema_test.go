package provider_test

import (
	"encoding/json"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every property of Command, Invocation and the config carries a description: the schema's
// descriptions are the SDKs' documentation.
func TestSchemaDocumentsEveryProperty(t *testing.T) {
	t.Parallel()
	spec := providerSchema(t)

	undocumented := func(where string, props map[string]schema.PropertySpec) {
		for name, prop := range props {
			assert.NotEmpty(t, prop.Description, "%s.%s has no description", where, name)
		}
	}
	for _, tok := range []string{string(commandToken), string(invocationToken)} {
		r, ok := spec.Resources[tok]
		require.True(t, ok, tok)
		assert.NotEmpty(t, r.Description, tok)
		undocumented(tok+" input", r.InputProperties)
		undocumented(tok, r.Properties)
	}
	undocumented("config", spec.Config.Variables)
	undocumented("InvocationResult", spec.Types["cloudassistant:index:InvocationResult"].Properties)
	for _, enum := range []string{"CommandType", "ContentEncoding", "RepeatMode", "TerminationMode", "FailurePolicy"} {
		e, ok := spec.Types["cloudassistant:index:"+enum]
		require.True(t, ok, enum)
		for _, v := range e.Enum {
			assert.NotEmpty(t, v.Description, "%s value %v", enum, v.Value)
		}
	}
	assert.True(t, spec.Resources[string(invocationToken)].InputProperties["parameters"].Secret)
	assert.True(t, spec.Config.Variables["accessKeySecret"].Secret)
	assert.True(t, spec.Config.Variables["securityToken"].Secret)
}

// The components take the same enum types as Command and Invocation, so an SDK or YAML
// program names a bad `type` or `failurePolicy` at the value, before anything runs.
func TestSchemaComponentsUseTheEnums(t *testing.T) {
	t.Parallel()
	spec := providerSchema(t)
	for _, c := range []struct{ component, input, enum string }{
		{"RunScript", "type", "CommandType"},
		{"RunScript", "failurePolicy", "FailurePolicy"},
		{"ScheduledScript", "type", "CommandType"},
	} {
		prop := spec.Resources["cloudassistant:index:"+c.component].InputProperties[c.input]
		assert.Equal(t, "#/types/cloudassistant:index:"+c.enum, prop.Ref, "%s.%s", c.component, c.input)
		assert.Empty(t, prop.Type, "%s.%s", c.component, c.input)
	}
	for tok := range spec.Types {
		assert.NotContains(t, tok, "Output", "the components' enum inputs add no type of their own")
	}
}

// providerSchema is the schema the provider serves.
func providerSchema(t *testing.T) schema.PackageSpec {
	t.Helper()
	resp, err := newHarness(t).s.GetSchema(p.GetSchemaRequest{})
	require.NoError(t, err)
	var spec schema.PackageSpec
	require.NoError(t, json.Unmarshal([]byte(resp.Schema), &spec))
	return spec
}
