package provider

import (
	"encoding/json"
	"slices"
	"strings"
)

// Access says when an action is needed: Read actions serve `preview` and `refresh` (and the
// waits of `up`); Write actions change the cloud and serve only `up` and `destroy`.
type Access string

// The two halves of the policy.
const (
	Read  Access = "read"
	Write Access = "write"
)

// Permission is one RAM action the provider calls, the resources it acts on, and which
// resources, components and functions need it for which operation. The list is the single
// source of the policy's descriptions: `go run ./cmd/generate` scans the provider's code for
// every ECS request it builds (cmd/generate/policy.go), takes each action's row from here,
// and writes docs/policy.json, docs/policy-readonly.json and the table of
// docs/installation-configuration.md. An action the code calls without a row here still
// enters the policy (read-only when its name starts with Describe, List or Get, on every
// resource) and is flagged in the docs until a row describes it.
type Permission struct {
	Action string
	Access Access
	// Resources are RAM resource patterns (acs:ecs:<region>:<account>:<type>/<id>).
	Resources []string
	// UsedBy says which resource, component or function calls it, and when.
	UsedBy string
}

// RAM resource patterns of the ECS Cloud Assistant objects the provider touches.
const (
	resCommands    = "acs:ecs:*:*:command/*"
	resInvocations = "acs:ecs:*:*:invocation/*"
	resInstances   = "acs:ecs:*:*:instance/*"
)

// Permissions lists every ECS action the provider calls.
func Permissions() []Permission {
	return []Permission{
		{"ecs:DescribeCommands", Read, []string{resCommands}, "Command: refresh, import; Invocation: the preview check of the command's parameters, the command's timeout bounds the wait; getCommand"},
		{"ecs:DescribeInvocations", Read, []string{resInvocations}, "Invocation, RunScript, ScheduledScript: the adoption look-up before a create or converge, wait, refresh, import; getInvocation"},
		{"ecs:DescribeInvocationResults", Read, []string{resInvocations}, "Invocation, RunScript, ScheduledScript: results once settled, refresh; getInvocation"},
		{"ecs:DescribeCloudAssistantStatus", Read, []string{resInstances}, "RunScript, ScheduledScript: the agent wait; File: removeOnDelete; getAgentStatus"},
		{"ecs:DescribeInstances", Read, []string{resInstances}, "Invocation, File, RunScript, ScheduledScript: the preview check that instance IDs exist; Invocation: targetTags; getInstances"},
		{"ecs:DescribeSendFileResults", Read, []string{resInvocations}, "File: the adoption look-up before a create, wait, refresh, import"},
		{"ecs:CreateCommand", Write, []string{resCommands}, "Command, RunScript, ScheduledScript: create, replace"},
		{"ecs:ModifyCommand", Write, []string{resCommands}, "Command: name and description updated in place"},
		{"ecs:DeleteCommand", Write, []string{resCommands}, "Command, RunScript, ScheduledScript: destroy, replace"},
		{"ecs:JoinResourceGroup", Write, []string{resCommands}, "Command: resourceGroupId updated in place"},
		{"ecs:TagResources", Write, []string{resCommands, resInvocations}, "Command, Invocation: tags updated in place"},
		{"ecs:UntagResources", Write, []string{resCommands, resInvocations}, "Command, Invocation: tags removed in place; Invocation, File, RunScript, ScheduledScript: destroy and replace retire the adoption tags"},
		{"ecs:InvokeCommand", Write, []string{resCommands, resInstances}, "Invocation, RunScript, ScheduledScript: create, replace, instances added"},
		{"ecs:StopInvocation", Write, []string{resInvocations, resInstances}, "Invocation, ScheduledScript: destroy or replace of a schedule; a run cut by its timeout"},
		{"ecs:SendFile", Write, []string{resInstances}, "File, RunScript files: create, replace"},
		{"ecs:RunCommand", Write, []string{resCommands, resInstances}, "File: destroy with removeOnDelete"},
	}
}

// PolicyDocument renders the RAM policy of perms up to access: Read gives the read-only half
// (preview, refresh), Write the whole policy (up, destroy). Actions that share their
// resources share a statement.
func PolicyDocument(perms []Permission, access Access) []byte {
	type statement struct {
		Effect   string
		Action   []string
		Resource []string
	}
	var statements []statement
	for _, perm := range perms {
		if access == Read && perm.Access != Read {
			continue
		}
		i := slices.IndexFunc(statements, func(s statement) bool { return slices.Equal(s.Resource, perm.Resources) })
		if i < 0 {
			statements = append(statements, statement{Effect: "Allow", Resource: perm.Resources})
			i = len(statements) - 1
		}
		statements[i].Action = append(statements[i].Action, perm.Action)
	}
	doc := struct {
		Version   string
		Statement []statement
	}{"1", statements}
	out, _ := json.MarshalIndent(doc, "", "  ")
	return append(out, '\n')
}

// AccessOf classifies an action by its name, as RAM's read-only system policies do.
func AccessOf(action string) Access {
	_, name, _ := strings.Cut(action, ":")
	for _, prefix := range []string{"Describe", "List", "Get"} {
		if strings.HasPrefix(name, prefix) {
			return Read
		}
	}
	return Write
}
