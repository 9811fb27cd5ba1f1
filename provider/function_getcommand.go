package provider

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/pulumi/pulumi-go-provider/infer"
)

//go:embed function_getcommand.md
var getCommandDoc string

// GetCommand reads an existing command, by ID or by name, so programs can run or inspect
// commands they do not manage.
type GetCommand struct{}

// GetCommandArgs are the inputs of getCommand: exactly one of the two.
type GetCommandArgs struct {
	CommandID *string `pulumi:"commandId,optional"`
	Name      *string `pulumi:"name,optional"`
}

// GetCommandResult is every property of the command, its content as plain text.
type GetCommandResult struct {
	CommandID       string            `pulumi:"commandId"`
	Name            string            `pulumi:"name"`
	Type            string            `pulumi:"type"`
	CommandContent  string            `pulumi:"commandContent"`
	ContentEncoding string            `pulumi:"contentEncoding"`
	Description     string            `pulumi:"description"`
	WorkingDir      string            `pulumi:"workingDir"`
	Timeout         int               `pulumi:"timeout"`
	EnableParameter bool              `pulumi:"enableParameter"`
	ParameterNames  []string          `pulumi:"parameterNames"`
	Launcher        string            `pulumi:"launcher"`
	ResourceGroupID string            `pulumi:"resourceGroupId"`
	Tags            map[string]string `pulumi:"tags"`
	CreationTime    string            `pulumi:"creationTime"`
	InvokeTimes     int               `pulumi:"invokeTimes"`
}

var (
	_ = (infer.Fn[GetCommandArgs, GetCommandResult])((*GetCommand)(nil))
	_ = (infer.Annotated)((*GetCommand)(nil))
)

// Annotate documents the function.
func (g *GetCommand) Annotate(a infer.Annotator) {
	a.Describe(g, getCommandDoc)
}

// Annotate documents the inputs.
func (a *GetCommandArgs) Annotate(an infer.Annotator) {
	an.Describe(&a.CommandID, "The command ID (`c-…`). Give this or `name`.")
	an.Describe(&a.Name, "The exact command name. Give this or `commandId`; the call fails when no command, "+
		"or more than one, has this name.")
}

// Annotate documents the result.
func (r *GetCommandResult) Annotate(a infer.Annotator) {
	a.Describe(&r.CommandID, "The command ID (`c-…`).")
	a.Describe(&r.Name, "The command name.")
	a.Describe(&r.Type, "The interpreter: `RunShellScript`, `RunBatScript` or `RunPowerShellScript`.")
	a.Describe(&r.CommandContent, "The script as plain text (decoded from the service's Base64). A script "+
		"that is not valid UTF-8 text stays Base64, and `contentEncoding` says so.")
	a.Describe(&r.ContentEncoding, "`PlainText` when `commandContent` is text (the usual case), `Base64` "+
		"when it could not be decoded to text.")
	a.Describe(&r.Description, "The description.")
	a.Describe(&r.WorkingDir, "The directory the script runs in; empty means the service default.")
	a.Describe(&r.Timeout, "The timeout of a run, in seconds.")
	a.Describe(&r.EnableParameter, "Whether `{{name}}` in the content marks a custom parameter.")
	a.Describe(&r.ParameterNames, "The custom parameter names found in the content.")
	a.Describe(&r.Launcher, "The launcher that starts the script, if any.")
	a.Describe(&r.ResourceGroupID, "The resource group the command belongs to.")
	a.Describe(&r.Tags, "The command's tags.")
	a.Describe(&r.CreationTime, "When the command was created (UTC, ISO 8601).")
	a.Describe(&r.InvokeTimes, "How many times the command has been invoked.")
}

// Invoke looks the command up.
func (*GetCommand) Invoke(ctx context.Context, req infer.FunctionRequest[GetCommandArgs]) (
	infer.FunctionResponse[GetCommandResult], error,
) {
	id, name := strings.TrimSpace(deref(req.Input.CommandID)), strings.TrimSpace(deref(req.Input.Name))
	if (id == "") == (name == "") {
		return infer.FunctionResponse[GetCommandResult]{},
			errors.New("getCommand: give exactly one of commandId and name")
	}
	client, err := getClient(ctx)
	if err != nil {
		return infer.FunctionResponse[GetCommandResult]{}, err
	}
	var cmd *ecs.Command
	if id != "" {
		if cmd, err = client.DescribeCommand(ctx, id); err != nil {
			return infer.FunctionResponse[GetCommandResult]{}, fmt.Errorf("getCommand: %w", err)
		}
	} else {
		cmds, err := client.DescribeCommandsByName(ctx, name)
		if err != nil {
			return infer.FunctionResponse[GetCommandResult]{}, fmt.Errorf("getCommand: %w", err)
		}
		switch len(cmds) {
		case 0:
			return infer.FunctionResponse[GetCommandResult]{},
				fmt.Errorf("getCommand: no command is named %q in region %s", name, client.Region())
		case 1:
			cmd = &cmds[0]
		default:
			ids := make([]string, len(cmds))
			for i, c := range cmds {
				ids[i] = c.CommandId
			}
			return infer.FunctionResponse[GetCommandResult]{},
				fmt.Errorf("getCommand: %d commands are named %q (%s); look one up by commandId",
					len(cmds), name, strings.Join(ids, ", "))
		}
	}
	return infer.FunctionResponse[GetCommandResult]{Output: commandResultFrom(cmd)}, nil
}

func commandResultFrom(cmd *ecs.Command) GetCommandResult {
	content, enc := decodeAPIContent(cmd.CommandContent)
	out := GetCommandResult{
		CommandID:       cmd.CommandId,
		Name:            cmd.Name,
		Type:            cmd.Type,
		CommandContent:  content,
		ContentEncoding: string(deref(enc)),
		Description:     cmd.Description,
		WorkingDir:      cmd.WorkingDir,
		Timeout:         int(cmd.Timeout),
		EnableParameter: cmd.EnableParameter,
		ParameterNames:  append([]string{}, cmd.ParameterNames.ParameterName...),
		Launcher:        cmd.Launcher,
		ResourceGroupID: cmd.ResourceGroupId,
		Tags:            map[string]string{},
		CreationTime:    cmd.CreationTime,
		InvokeTimes:     cmd.InvokeTimes,
	}
	for _, t := range cmd.Tags.Tag {
		out.Tags[t.TagKey] = t.TagValue
	}
	return out
}
