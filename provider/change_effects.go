package provider

import (
	p "github.com/pulumi/pulumi-go-provider"
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

// updatesInPlace reports whether a change of input updates the resource in place.
func updatesInPlace(token, input string) bool {
	_, ok := inPlaceInputs[token][input]
	return ok
}

// inPlaceKind turns a replacing diff kind into its in-place counterpart.
var inPlaceKind = map[p.DiffKind]p.DiffKind{
	p.AddReplace:    p.Add,
	p.DeleteReplace: p.Delete,
	p.UpdateReplace: p.Update,
}

// classify makes the changes of in-place inputs of token updates instead of replacements.
func (d replaceDiff) classify(token string) replaceDiff {
	for key, pd := range d {
		if k, ok := inPlaceKind[pd.Kind]; ok && updatesInPlace(token, topLevel(key)) {
			pd.Kind = k
			d[key] = pd
		}
	}
	return d
}

// topLevel is the input a diff key belongs to: "tags" for "tags.team", "instanceIds" for
// "instanceIds[1]".
func topLevel(key string) string {
	for i, r := range key {
		if r == '.' || r == '[' {
			return key[:i]
		}
	}
	return key
}
