package emulator

// handlers maps each supported Action to its handler; the whole API surface is this list.
var handlers = map[string]handler{
	"CreateCommand":                createCommand,
	"DescribeCommands":             describeCommands,
	"ModifyCommand":                modifyCommand,
	"DeleteCommand":                deleteCommand,
	"InvokeCommand":                invokeCommand,
	"RunCommand":                   runCommand,
	"DescribeInvocations":          describeInvocations,
	"DescribeInvocationResults":    describeInvocationResults,
	"StopInvocation":               stopInvocation,
	"DescribeCloudAssistantStatus": describeCloudAssistantStatus,
	"InstallCloudAssistant":        installCloudAssistant,
	"ModifyInvocationAttribute":    modifyInvocationAttribute,
	"DescribeInstances":            describeInstances,
	"StartInstance":                startInstance,
	"StopInstance":                 stopInstance,
	"RebootInstance":               rebootInstance,
	"TagResources":                 tagResources,
	"UntagResources":               untagResources,
	"ListTagResources":             listTagResources,
	"JoinResourceGroup":            joinResourceGroup,
	"SendFile":                     sendFile,
	"DescribeSendFileResults":      describeSendFileResults,
}
