package provider

import (
	"strconv"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// fileArgsFrom rebuilds the inputs of imported file tasks in the shape Check gives: the first
// task says what was sent, every task says where. The service does not report the timeout.
func fileArgsFrom(tasks []*ecs.Invocation) FileArgs {
	first := tasks[0]
	overwrite, _ := strconv.ParseBool(first.Overwrite)
	policy := FailIfAny
	args := FileArgs{
		TargetDir:     first.TargetDir,
		Name:          first.Name,
		FileMode:      nilIfEmpty(first.FileMode),
		FileOwner:     nilIfEmpty(first.FileOwner),
		FileGroup:     nilIfEmpty(first.FileGroup),
		Overwrite:     &overwrite,
		Description:   nilIfEmpty(first.Description),
		FailurePolicy: &policy,
	}
	content := first.Content
	if first.ContentType == "Base64" {
		args.ContentBase64 = &content
	} else {
		args.Content = &content
	}
	for _, task := range tasks {
		for _, i := range task.InvokeInstances.InvokeInstance {
			args.InstanceIDs = append(args.InstanceIDs, i.InstanceId)
		}
	}
	if len(first.Tags.Tag) > 0 {
		args.Tags = map[string]string{}
		for _, t := range first.Tags.Tag {
			args.Tags[t.TagKey] = t.TagValue
		}
		args.Tags = userTags(args.Tags) // the adoption tags are the provider's, not inputs
	}
	return args
}

// markImportedFileContent makes an imported file's content secret: the program may hold it
// as a secret (a key, a certificate), and import cannot know, so it errs on the safe side.
// A refresh keeps whatever secretness the state had.
func markImportedFileContent(m property.Map) property.Map {
	for _, key := range []string{"content", "contentBase64"} {
		if v, ok := m.GetOk(key); ok && !v.IsNull() {
			m = m.Set(key, v.WithSecret(true))
		}
	}
	return m
}
