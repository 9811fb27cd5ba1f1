package provider

// RunScript's `files`: files delivered (as child File resources) before the script runs.

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// RunScriptFile is one file a RunScript delivers before its script runs.
type RunScriptFile struct {
	Path    string  `pulumi:"path"`
	Content string  `pulumi:"content"`
	Mode    *string `pulumi:"mode,optional"`
}

// Annotate documents the fields; the texts become the SDKs' docs.
func (f *RunScriptFile) Annotate(a infer.Annotator) {
	a.Describe(&f.Path, "The file's absolute path on the instances, such as `/etc/myapp/app.conf`.")
	a.Describe(&f.Content, "The file's content as text, at most 24,576 bytes (32 KB after Base64). Secret when "+
		"the program makes it one.")
	a.Describe(&f.Mode, "The file's permissions as 3 or 4 octal digits, such as `0644` (the default) or `0755`.")
}

// fileChild receives a File's outputs.
type fileChild struct {
	pulumi.CustomResourceState
	InvokeIDs pulumi.StringArrayOutput `pulumi:"invokeIds"`
}

// registerScriptFiles registers one child File per entry of files, sent to instanceIDs.
// Each content keeps its own secretness. The list itself must be known when the program
// runs (its entries may hold unknown values), since each entry is a resource.
func registerScriptFiles(ctx *pulumi.Context, comp pulumi.Resource, name string, files RunScriptFileArrayInput,
	instanceIDs pulumi.Input, agents pulumi.StringOutput,
) ([]*fileChild, error) {
	if files == nil {
		return nil, nil
	}
	list, ok := files.(RunScriptFileArray)
	if !ok {
		return nil, errors.New("RunScript: files must be a list the program knows (its entries' values may be " +
			"outputs, and a content may be secret, but not the whole list)")
	}
	children := make([]*fileChild, 0, len(list))
	for i, entry := range list {
		f, ok := entry.(RunScriptFileArgs)
		if !ok || f.Path == nil || f.Content == nil {
			return nil, fmt.Errorf("RunScript: files[%d] needs a path and a content", i)
		}
		p := f.Path.ToStringOutput()
		m := pulumi.Map{
			"instanceIds": instanceIDs,
			"targetDir":   p.ApplyT(func(s string) string { return path.Dir(s) }).(pulumi.StringOutput),
			"name":        p.ApplyT(func(s string) string { return path.Base(s) }).(pulumi.StringOutput),
			"content":     f.Content,
			"overwrite":   pulumi.Bool(true),
		}
		optional(m, "fileMode", f.Mode)
		gateOn(m, agents) // a file waits for the agents too, and fails with their verdict
		child := &fileChild{}
		if err := ctx.RegisterResource(fileToken, fileChildName(name, i, f.Path), m, child, childOptions(comp)...); err != nil {
			return nil, err
		}
		children = append(children, child)
	}
	return children, nil
}

// fileChildName names a child File after its path when the program gives it as a plain
// string (so reordering the list replaces nothing), else after its position.
func fileChildName(name string, i int, p pulumi.StringInput) string {
	if s, ok := p.(pulumi.String); ok && s != "" {
		return name + "-file-" + strings.Trim(string(s), "/")
	}
	return fmt.Sprintf("%s-file-%d", name, i)
}

// fileTriggers are values that change whenever a file is sent again: a RunScript with
// files runs its script again after a file changes.
func fileTriggers(user pulumi.ArrayInput, files []*fileChild) pulumi.Input {
	if len(files) == 0 {
		return user
	}
	out := pulumi.Array{}
	if user != nil {
		out = append(out, user.ToArrayOutput())
	}
	for _, f := range files {
		out = append(out, f.InvokeIDs)
	}
	return out
}
