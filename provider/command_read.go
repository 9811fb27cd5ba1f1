package provider

import (
	"encoding/base64"
	"unicode/utf8"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
)

// encodeContent turns the (normalized, plain) content into the API's Base64.
func encodeContent(in CommandArgs) string {
	if in.ContentEncoding != nil && *in.ContentEncoding == ContentEncodingBase64 {
		return in.CommandContent
	}
	return base64.StdEncoding.EncodeToString([]byte(in.CommandContent))
}

// plainContent is the script text used for comparisons.
func plainContent(in CommandArgs) string {
	if in.ContentEncoding != nil && *in.ContentEncoding == ContentEncodingBase64 {
		if raw, err := base64.StdEncoding.DecodeString(in.CommandContent); err == nil {
			return string(raw)
		}
	}
	return in.CommandContent
}

func decodeAPIContent(s string) (string, *ContentEncoding) {
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil || !utf8.Valid(raw) {
		enc := ContentEncodingBase64
		if err != nil {
			enc = ContentEncodingPlainText
		}
		return s, &enc
	}
	enc := ContentEncodingPlainText
	return string(raw), &enc
}

func commandArgsFrom(cmd *ecs.Command) CommandArgs {
	content, enc := decodeAPIContent(cmd.CommandContent)
	args := CommandArgs{
		Name:            nilIfEmpty(cmd.Name),
		Type:            CommandType(cmd.Type),
		CommandContent:  content,
		ContentEncoding: enc,
		Description:     nilIfEmpty(cmd.Description),
		WorkingDir:      nilIfEmpty(cmd.WorkingDir),
		Launcher:        nilIfEmpty(cmd.Launcher),
		ResourceGroupID: nilIfEmpty(cmd.ResourceGroupId),
		Tags:            commandTags(cmd),
	}
	if cmd.Timeout > 0 {
		t := int(cmd.Timeout)
		args.Timeout = &t
	}
	if cmd.EnableParameter {
		args.EnableParameter = &cmd.EnableParameter
	}
	return args
}

// reflectCommandDrift copies out-of-band changes (ModifyCommand) into the recorded inputs,
// so the next up replaces the command back to what the program says.
func reflectCommandDrift(args *CommandArgs, cmd *ecs.Command) {
	if cmd.Name != "" && cmd.Name != deref(args.Name) {
		args.Name = &cmd.Name
	}
	if content, enc := decodeAPIContent(cmd.CommandContent); content != plainContent(*args) {
		args.CommandContent, args.ContentEncoding = content, enc
	}
	if cmd.Description != deref(args.Description) {
		args.Description = nilIfEmpty(cmd.Description)
	}
	if args.Timeout != nil && cmd.Timeout > 0 && int(cmd.Timeout) != *args.Timeout {
		t := int(cmd.Timeout)
		args.Timeout = &t
	}
	if args.WorkingDir != nil && cmd.WorkingDir != *args.WorkingDir {
		args.WorkingDir = &cmd.WorkingDir
	}
}

func fillCommandOutputs(state *CommandState, cmd *ecs.Command) {
	state.ParameterNames = append([]string{}, cmd.ParameterNames.ParameterName...)
	state.CreationTime = cmd.CreationTime
}

func commandTags(cmd *ecs.Command) map[string]string {
	if len(cmd.Tags.Tag) == 0 {
		return nil
	}
	m := make(map[string]string, len(cmd.Tags.Tag))
	for _, t := range cmd.Tags.Tag {
		m[t.TagKey] = t.TagValue
	}
	return m
}

// commandFactsKey → commandFact
