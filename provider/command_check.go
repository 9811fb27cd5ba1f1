package provider

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"unicode/utf8"

	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// Check validates a Command's inputs against the service's limits and normalizes them, so
// the state after create, refresh and import has the same shape as the inputs.
func (*Command) Check(ctx context.Context, req infer.CheckRequest) (infer.CheckResponse[CommandArgs], error) {
	args, fails, err := infer.DefaultCheck[CommandArgs](ctx, req.NewInputs)
	if err != nil || len(fails) > 0 {
		return infer.CheckResponse[CommandArgs]{Inputs: args, Failures: fails}, err
	}
	var f failures
	in := req.NewInputs

	if args.Name == nil && known(in, "name") {
		name := autoName(req.Name, req.OldInputs)
		args.Name = &name
	}
	if args.Name != nil && known(in, "name") {
		if strings.TrimSpace(*args.Name) == "" {
			f.add("name", "must not be empty")
		}
		f.maxLen("name", args.Name, maxCommandNameLen)
	}
	if known(in, "type") && !validEnum(args.Type, CommandType("").Values()) {
		f.add("type", "is %q; it must be one of RunShellScript, RunBatScript, RunPowerShellScript", args.Type)
	}
	if known(in, "contentEncoding") && args.ContentEncoding != nil &&
		!validEnum(*args.ContentEncoding, ContentEncoding("").Values()) {
		f.add("contentEncoding", "is %q; it must be PlainText or Base64", *args.ContentEncoding)
	}
	if known(in, "commandContent") && known(in, "contentEncoding") {
		normalizeContent(&args, &f)
	}
	f.maxLen("description", args.Description, maxDescriptionLen)
	f.maxLen("workingDir", args.WorkingDir, maxWorkingDirLen)
	f.timeout("timeout", args.Timeout)
	f.tags("tags", args.Tags)
	return infer.CheckResponse[CommandArgs]{Inputs: args, Failures: f}, nil
}

// normalizeContent stores the script as plain text whatever the program's encoding, so
// diffs show text and an imported command (read back as text) matches the program.
func normalizeContent(args *CommandArgs, f *failures) {
	if args.ContentEncoding != nil && *args.ContentEncoding == ContentEncodingBase64 {
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(args.CommandContent))
		if err != nil {
			f.addQuiet("commandContent", "is not valid Base64 (contentEncoding is Base64): %v", err)
			return
		}
		if utf8.Valid(raw) {
			args.CommandContent = string(raw)
			enc := ContentEncodingPlainText
			args.ContentEncoding = &enc
		}
	} else {
		enc := ContentEncodingPlainText
		args.ContentEncoding = &enc
	}
	if strings.TrimSpace(args.CommandContent) == "" {
		f.add("commandContent", "must not be empty")
		return
	}
	size := base64Len(args.CommandContent)
	if *args.ContentEncoding == ContentEncodingBase64 {
		size = len(args.CommandContent)
	}
	if size > maxContentBase64 {
		f.addQuiet("commandContent", "is %d bytes after Base64; the limit is %d", size, maxContentBase64)
	}
}

// autoName keeps the name generated on an earlier Check, so previews and updates are stable.
func autoName(resource string, old property.Map) string {
	if v, ok := old.GetOk("name"); ok && v.IsString() {
		s := v.AsString()
		if strings.HasPrefix(s, resource+"-") && len(s) == len(resource)+8 {
			return s
		}
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	return resource + "-" + hex.EncodeToString(b[:])[:7]
}

func validEnum[T comparable](v T, values []infer.EnumValue[T]) bool {
	for _, e := range values {
		if e.Value == v {
			return true
		}
	}
	return false
}
