package provider

import (
	"fmt"
	"strings"
)

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
