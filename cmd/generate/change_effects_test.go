package main

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/provider"
)

// TestEveryResourceInputSaysWhatAChangeDoes: each input of each custom resource in the schema
// (what the registry and the SDKs' docs show) ends with the provider's own sentence on whether a
// change updates in place or replaces. A new input, or a new resource, without an entry in the
// provider's change table fails here.
func TestEveryResourceInputSaysWhatAChangeDoes(t *testing.T) {
	spec, err := Schema(context.Background())
	require.NoError(t, err)
	resources, components := 0, 0
	for token, r := range spec.Resources {
		if r.IsComponent {
			components++ // its children decide: the sentence names them (componentInputs)
		} else {
			resources++
		}
		for name, prop := range r.InputProperties {
			sentence := provider.ChangeEffectSentence(token, name)
			require.NotEmptyf(t, sentence, "%s.%s: the provider's change table (provider/change_effects.go) does not cover %s", token, name, token)
			assert.Truef(t, strings.HasSuffix(prop.Description, " "+sentence),
				"%s.%s's description must end with %q: %q", token, name, sentence, prop.Description)
			assert.Equalf(t, 1, strings.Count(prop.Description, "On change:"), "%s.%s says it once", token, name)
			if out, ok := r.Properties[name]; ok {
				assert.Truef(t, strings.HasSuffix(out.Description, " "+sentence), "%s.%s's output echo says it too", token, name)
			}
		}
	}
	assert.GreaterOrEqual(t, resources, 3, "Command, Invocation and File at least")
	assert.GreaterOrEqual(t, components, 2, "RunScript and ScheduledScript at least")

	runScript := spec.Resources["cloudassistant:index:RunScript"].InputProperties
	assert.Contains(t, runScript["script"].Description, "On change: the child Command's `commandContent` changes, which replaces the command, and with it the Invocations that run it.")
	assert.Contains(t, runScript["maxConcurrency"].Description, "updates the invocation in place; nothing runs again")
	assert.Contains(t, runScript["agentTimeout"].Description, "nothing runs again")
	scheduled := spec.Resources["cloudassistant:index:ScheduledScript"].InputProperties
	assert.Contains(t, scheduled["schedule"].Description, "the child Invocation's `frequency` changes, which replaces the invocation")

	command := spec.Resources["cloudassistant:index:Command"].InputProperties
	assert.Contains(t, command["description"].Description, "On change: updates the command in place; nothing runs again.")
	assert.Contains(t, command["commandContent"].Description, "On change: replaces the command, and with it the Invocations that run it.")
	file := spec.Resources["cloudassistant:index:File"].InputProperties
	assert.Contains(t, file["tags"].Description, "On change: updates the resource in place; nothing is sent again.")
	assert.Contains(t, file["content"].Description, "On change: replaces the resource, which sends the file again.")
}
