package provider

import (
	_ "embed"

	"github.com/pulumi/pulumi-go-provider/infer"
)

//go:embed command.md
var commandDoc string

// Command is a Cloud Assistant command: a stored script that invocations run on instances.
type Command struct{}

// ContentEncoding says how commandContent is written in the program.
type ContentEncoding string

// The content encodings.
const (
	ContentEncodingPlainText ContentEncoding = "PlainText"
	ContentEncodingBase64    ContentEncoding = "Base64"
)

// Values lists the enum for the schema.
func (ContentEncoding) Values() []infer.EnumValue[ContentEncoding] {
	return []infer.EnumValue[ContentEncoding]{
		{Name: "PlainText", Value: ContentEncodingPlainText, Description: "The script as plain text (the default)."},
		{Name: "Base64", Value: ContentEncodingBase64, Description: "The script Base64-encoded, as `alicloud_ecs_command` expects it."},
	}
}

// CommandArgs are the inputs of a Command.
type CommandArgs struct {
	Name            *string           `pulumi:"name,optional"`
	Type            CommandType       `pulumi:"type"`
	CommandContent  string            `pulumi:"commandContent"`
	ContentEncoding *ContentEncoding  `pulumi:"contentEncoding,optional"`
	Description     *string           `pulumi:"description,optional"`
	WorkingDir      *string           `pulumi:"workingDir,optional"`
	Timeout         *int              `pulumi:"timeout,optional"`
	EnableParameter *bool             `pulumi:"enableParameter,optional"`
	Launcher        *string           `pulumi:"launcher,optional"`
	Tags            map[string]string `pulumi:"tags,optional"`
	ResourceGroupID *string           `pulumi:"resourceGroupId,optional"`
}

// CommandState is the recorded state of a Command: its inputs (a custom Diff gets no old
// inputs, so they live here) and what the service assigned.
type CommandState struct {
	CommandArgs
	CommandID      string   `pulumi:"commandId"`
	ParameterNames []string `pulumi:"parameterNames"`
	CreationTime   string   `pulumi:"creationTime"`
}

// Annotate documents the resource.
func (c *Command) Annotate(a infer.Annotator) {
	a.Describe(c, commandDoc)
}

// Annotate documents the inputs; the texts become the SDKs' docs.
func (a *CommandArgs) Annotate(an infer.Annotator) {
	an.Describe(&a.Name, "The command name, at most 128 characters. Defaults to the resource name "+
		"followed by a random suffix.")
	an.Describe(&a.Type, "The interpreter: `RunShellScript` (Linux), `RunBatScript` or `RunPowerShellScript` (Windows).")
	an.Describe(&a.CommandContent, "The script. Write it as plain text; the provider encodes it for the API "+
		"(at most 18 KB once Base64-encoded). Set `contentEncoding` to `Base64` to paste an already encoded "+
		"script; diffs always show the decoded text. With `enableParameter`, `{{name}}` marks a parameter.")
	an.Describe(&a.ContentEncoding, "How `commandContent` is written: `PlainText` (the default) or `Base64`.")
	an.Describe(&a.Description, "A description, at most 512 characters.")
	an.Describe(&a.WorkingDir, "The directory the script runs in, at most 200 characters. The service "+
		"defaults to `/root` on Linux and `C:\\Windows\\system32` on Windows.")
	an.Describe(&a.Timeout, "The time in seconds after which a run is stopped and reported as `Timeout`: "+
		"10 to 86400. The service defaults to 60.")
	an.Describe(&a.EnableParameter, "Whether `{{name}}` in the content is a custom parameter, filled by an "+
		"invocation's `parameters`. Defaults to false.")
	an.Describe(&a.Launcher, "A launcher that starts the script, for example `python3 -u {{ACS::ScriptFileName|Ext(\".py\")}}`.")
	an.Describe(&a.Tags, "Tags for the command (at most 20).")
	an.Describe(&a.ResourceGroupID, "The resource group the command belongs to.")
}

// Annotate documents the outputs.
func (s *CommandState) Annotate(a infer.Annotator) {
	a.Describe(&s.CommandID, "The command ID (`c-…`), also the resource ID.")
	a.Describe(&s.ParameterNames, "The custom parameter names the service found in the content.")
	a.Describe(&s.CreationTime, "When the command was created (UTC, ISO 8601).")
}

// CommandType is the interpreter of a command.
type CommandType string

// The command types the service knows.
const (
	CommandTypeShell      CommandType = "RunShellScript"
	CommandTypeBat        CommandType = "RunBatScript"
	CommandTypePowerShell CommandType = "RunPowerShellScript"
)

// Values lists the enum for the schema.
func (CommandType) Values() []infer.EnumValue[CommandType] {
	return []infer.EnumValue[CommandType]{
		{Name: "RunShellScript", Value: CommandTypeShell, Description: "A shell script, for Linux instances."},
		{Name: "RunBatScript", Value: CommandTypeBat, Description: "A Bat script, for Windows instances."},
		{Name: "RunPowerShellScript", Value: CommandTypePowerShell, Description: "A PowerShell script, for Windows instances."},
	}
}
