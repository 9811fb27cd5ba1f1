package provider

import (
	"fmt"
	"strings"
)

// What a change of each input does. Replacing a Command gives it a new ID, which replaces the
// Invocations that run it; replacing an Invocation runs the command again; replacing a File
// sends the file again. Inputs listed here change the resource in place instead (same ID,
// nothing runs or is sent again); every other input replaces it. Diff follows this table, and
// cmd/generate appends ChangeEffectSentence to each input's description in the schema (so the
// registry, the SDKs' doc comments and docs/reference.md say it), so they cannot disagree.
var inPlaceInputs = map[string]map[string]string{
	commandToken: {
		"name":            "ModifyCommand",
		"description":     "ModifyCommand",
		"tags":            "TagResources / UntagResources",
		"resourceGroupId": "JoinResourceGroup",
	},
	invocationToken: {
		"tags":              "TagResources / UntagResources",
		"resourceGroupId":   "recorded only: the service cannot move an existing invocation",
		"waitForCompletion": "a provider setting",
		"failurePolicy":     "a provider setting: the recorded run is judged again",
		"secretResults":     "a provider setting",
		// Rollout settings say how the batches not started yet start and how much output
		// is kept, not what runs.
		"maxConcurrency":         "a provider setting: applies to batches not started yet",
		"maxErrors":              "a provider setting: applies to batches not started yet",
		"outputBytesPerInstance": "a provider setting: applies to outputs read from now on",
	},
	fileToken: {
		// The service keeps a sent task's description and tags: only the state changes.
		"description":    "recorded only: the service keeps a sent task's description",
		"tags":           "recorded only: the service keeps a sent task's tags",
		"timeout":        "a provider setting: applies to the next delivery",
		"overwrite":      "a provider setting: applies to the next delivery",
		"failurePolicy":  "a provider setting: the recorded delivery is judged again",
		"removeOnDelete": "a provider setting: applies when the resource is deleted",
	},
}

// replaced says, for the docs, what replacing each resource does beyond a new ID.
var replaced = map[string]string{
	commandToken:    "replaces the command, and with it the Invocations that run it",
	invocationToken: "replaces the invocation, which runs the command again",
	fileToken:       "replaces the resource, which sends the file again",
}

// updatedInPlace says, for the docs, what an in-place update of each resource leaves alone.
var updatedInPlace = map[string]string{
	commandToken:    "updates the command in place; nothing runs again",
	invocationToken: "updates the invocation in place; nothing runs again",
	fileToken:       "updates the resource in place; nothing is sent again",
}

// conditionalEffects document inputs whose effect depends on the change; their Diff decides
// case by case (see convergeDiff and fileConvergeDiff), so they are not in inPlaceInputs.
var conditionalEffects = map[string]map[string]string{
	invocationToken: {
		"instanceIds": "updates the invocation in place when it is the only change of a `Once` run (only the added instances run); otherwise replaces it, which runs the command again",
	},
	fileToken: {
		"instanceIds": "updates the resource in place when it is the only change of a finished delivery (only the added instances get the file); otherwise replaces it, which sends the file again",
	},
}

// ChangeEffect says what changing input of the resource token does: "update in place",
// "replace", or for an input decided case by case its conditionalEffects text; "" for tokens
// this table does not cover (components, functions).
func ChangeEffect(token, input string) string {
	inputs, ok := inPlaceInputs[token]
	if !ok {
		return ""
	}
	if doc, ok := conditionalEffects[token][input]; ok {
		return doc
	}
	if _, ok := inputs[input]; ok {
		return "update in place"
	}
	return "replace"
}

// ChangeEffectSentence is the sentence the schema appends to the description of input of the
// resource or component token, so every property's docs say what changing it does; "" for
// tokens these tables do not cover (functions) and for a component input left out of
// componentInputs (which the generator's test reports).
func ChangeEffectSentence(token, input string) string {
	if sentence, ok := componentChangeSentence(token, input); ok {
		return sentence
	}
	switch effect := ChangeEffect(token, input); effect {
	case "":
		return ""
	case "update in place":
		return "On change: " + updatedInPlace[token] + "."
	case "replace":
		return "On change: " + replaced[token] + "."
	default:
		return "On change: " + effect + "."
	}
}

// What changing a component's input does is what its children do with it. Each input of
// RunScript and ScheduledScript feeds these inputs of its child resources (runscript.go,
// scheduledscript.go, component_children.go); the children's own change effects (the tables
// above) say the rest. An input that feeds no child (the agent wait) changes nothing that runs.
// cmd/generate appends ChangeEffectSentence to each of them too, and its test fails on an
// input this table leaves out.

// childInput is one input of a child resource that a component input feeds.
type childInput struct {
	token, input string
}

var (
	commandContent = childInput{commandToken, "commandContent"}
	fileContent    = childInput{fileToken, "content"}
)

// scriptInputs are what RunScript and ScheduledScript pass on alike.
var scriptInputs = map[string][]childInput{
	"script":       {commandContent},
	"type":         {{commandToken, "type"}},
	"workingDir":   {{commandToken, "workingDir"}},
	"timeout":      {{commandToken, "timeout"}, {invocationToken, "timeout"}},
	"parameters":   {{invocationToken, "parameters"}},
	"username":     {{invocationToken, "username"}},
	"waitForAgent": nil,
	"agentTimeout": nil,
}

var componentInputs = map[string]map[string][]childInput{
	runScriptToken: withScriptInputs(map[string][]childInput{
		"instanceIds":    {{invocationToken, "instanceIds"}, {fileToken, "instanceIds"}},
		"targetTags":     {{invocationToken, "targetTags"}},
		"maxConcurrency": {{invocationToken, "maxConcurrency"}},
		"maxErrors":      {{invocationToken, "maxErrors"}},
		"failurePolicy":  {{invocationToken, "failurePolicy"}},
		"triggers":       {{invocationToken, "triggers"}},
		// A changed file is sent again, and its content joins the Invocation's triggers.
		"files": {fileContent, {invocationToken, "triggers"}},
	}),
	scheduledScriptToken: withScriptInputs(map[string][]childInput{
		"instanceIds": {{invocationToken, "instanceIds"}},
		"schedule":    {{invocationToken, "frequency"}},
	}),
}

func withScriptInputs(own map[string][]childInput) map[string][]childInput {
	for k, v := range scriptInputs {
		own[k] = v
	}
	return own
}

// componentChangeSentence is ChangeEffectSentence for a component's input; ok is false for
// tokens that are no component of this table.
func componentChangeSentence(token, input string) (sentence string, ok bool) {
	inputs, ok := componentInputs[token]
	if !ok {
		return "", false
	}
	children, known := inputs[input]
	if !known {
		return "", true // an input the table leaves out: the generator's test names it
	}
	if len(children) == 0 {
		return "On change: only the component's wait for the agents changes; nothing runs again.", true
	}
	parts := make([]string, 0, len(children))
	for _, c := range children {
		parts = append(parts, fmt.Sprintf("the child %s's `%s` changes, which %s", typeName(c.token), c.input, childEffect(c)))
	}
	return "On change: " + strings.Join(parts, "; ") + ".", true
}

// childEffect is what a change of one child input does, in the words of the resource tables.
func childEffect(c childInput) string {
	switch effect := ChangeEffect(c.token, c.input); effect {
	case "update in place":
		return updatedInPlace[c.token]
	case "replace":
		return replaced[c.token]
	default:
		return effect
	}
}

// typeName is the last part of a type token: "Invocation" for cloudassistant:index:Invocation.
func typeName(token string) string {
	return token[strings.LastIndex(token, ":")+1:]
}
