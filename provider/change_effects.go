package provider

import (
	p "github.com/pulumi/pulumi-go-provider"
)

// What a change of each input does. Replacing a Command gives it a new ID, which replaces the
// Invocations that run it; replacing an Invocation runs the command again. Inputs listed here
// change the resource in place instead (same ID, nothing runs again); every other input
// replaces it. Diff follows this table and the README's reference tables print it, so the
// two cannot disagree. Issue 11's instanceIds converge slots in as one more entry.
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
}

// conditionalEffects document inputs whose effect depends on the change; their Diff decides
// case by case (see convergeDiff), so they are not in inPlaceInputs.
var conditionalEffects = map[string]map[string]string{
	invocationToken: {
		"instanceIds": "update in place when it is the only change of a `Once` run (only added instances run); else replace",
	},
}

// ChangeEffect says what changing input of the resource token does, for the docs: "update in
// place" or "replace"; "" for tokens this table does not cover (components, functions).
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
