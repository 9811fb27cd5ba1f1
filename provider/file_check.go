package provider

import (
	"context"
	"encoding/base64"
	"regexp"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-go-provider/infer"
)

// fileModePattern is chmod's octal form: 3 digits, or 4 with the setuid/setgid/sticky digit.
var fileModePattern = regexp.MustCompile(`^[0-7]{3,4}$`)

// Check validates a File's inputs against the service's limits before anything is sent, and
// fills the provider-side defaults so the state after create, refresh and import has one shape.
func (*File) Check(ctx context.Context, req infer.CheckRequest) (infer.CheckResponse[FileArgs], error) {
	args, fails, err := infer.DefaultCheck[FileArgs](ctx, req.NewInputs)
	if err != nil || len(fails) > 0 {
		return infer.CheckResponse[FileArgs]{Inputs: args, Failures: fails}, err
	}
	var f failures
	in := req.NewInputs
	if known(in, "instanceIds") {
		checkFileInstances(&f, args.InstanceIDs)
	}
	if known(in, "targetDir") {
		checkTargetDir(&f, args.TargetDir)
	}
	if known(in, "name") {
		checkFileName(&f, args.Name)
	}
	if known(in, "content") && known(in, "contentBase64") {
		checkFileContent(&f, &args)
	}
	if args.FileMode != nil && known(in, "fileMode") && !fileModePattern.MatchString(*args.FileMode) {
		f.add("fileMode", "is %q; write it as 3 or 4 octal digits, as chmod takes them: \"0644\", \"755\", \"0600\"", *args.FileMode)
	}
	for _, o := range []struct {
		path string
		v    *string
	}{{"fileOwner", args.FileOwner}, {"fileGroup", args.FileGroup}} {
		if o.v != nil && known(in, o.path) {
			if strings.TrimSpace(*o.v) == "" {
				f.add(o.path, "must not be empty; leave it out for the service default, root")
			}
			f.maxLen(o.path, o.v, maxFileOwnerLen)
		}
	}
	f.timeout("timeout", args.Timeout)
	f.maxLen("description", args.Description, maxDescriptionLen)
	f.tags("tags", args.Tags)
	f.reservedTags("tags", args.Tags)
	if args.FailurePolicy != nil && known(in, "failurePolicy") && !validEnum(*args.FailurePolicy, FailurePolicy("").Values()) {
		f.add("failurePolicy", "is %q; it must be FailIfAny, FailIfAll or Never", *args.FailurePolicy)
	}
	if len(f) == 0 && known(in, "instanceIds") && !checkedByComponent(ctx) {
		checkInstancesExist(ctx, &f, "instanceIds", args.InstanceIDs, req.OldInputs)
	}
	if args.Overwrite == nil && known(in, "overwrite") {
		yes := true
		args.Overwrite = &yes
	}
	if args.FailurePolicy == nil && known(in, "failurePolicy") {
		policy := FailIfAny
		args.FailurePolicy = &policy
	}
	return infer.CheckResponse[FileArgs]{Inputs: args, Failures: f}, nil
}

func checkFileInstances(f *failures, ids []string) {
	if len(ids) == 0 {
		f.add("instanceIds", "must name at least one instance")
		return
	}
	seen := map[string]bool{}
	for i, id := range ids {
		switch {
		case strings.TrimSpace(id) == "":
			f.add(indexPath("instanceIds", i), "is empty")
		case seen[id]:
			f.add(indexPath("instanceIds", i), "%s is given twice", id)
		}
		seen[id] = true
	}
}

func checkTargetDir(f *failures, dir string) {
	switch {
	case dir == "":
		f.add("targetDir", "must not be empty")
	case !strings.HasPrefix(dir, "/") && !windowsAbsDir.MatchString(dir):
		f.add("targetDir", "is %q; it must be an absolute directory such as /etc/myapp (or C:\\ProgramData\\myapp on Windows)", dir)
	case strings.ContainsAny(dir, "\x00\n\r"):
		f.add("targetDir", "must not contain NUL or line breaks")
	case hasDotDot(dir):
		f.add("targetDir", "is %q; it must not contain `..`: write the directory it means", dir)
	}
	f.maxLen("targetDir", &dir, maxTargetDirLen)
}

func checkFileName(f *failures, name string) {
	switch {
	case name == "":
		f.add("name", "must not be empty")
	case name == "." || name == "..":
		f.add("name", "is %q; it must name a file", name)
	case strings.ContainsAny(name, "/\\"):
		f.add("name", "is %q; it must be a file name without a directory: put the directory in targetDir", name)
	case strings.ContainsAny(name, "\x00\n\r"):
		f.add("name", "must not contain NUL or line breaks")
	}
	f.maxLen("name", &name, maxFileNameLen)
}

// checkFileContent wants exactly one of content and contentBase64, within the size limit.
// The failures name the path but never print the value: file contents may be secret.
func checkFileContent(f *failures, args *FileArgs) {
	switch {
	case args.Content == nil && args.ContentBase64 == nil:
		f.add("content", "is required: give the file's text as content, or its bytes as contentBase64")
		return
	case args.Content != nil && args.ContentBase64 != nil:
		f.addQuiet("contentBase64", "give either content or contentBase64, not both")
		return
	}
	path, size, encoded := "content", 0, 0
	if args.Content != nil {
		size = len(*args.Content)
		encoded = base64.StdEncoding.EncodedLen(size)
	} else {
		path = "contentBase64"
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(*args.ContentBase64))
		if err != nil {
			f.addQuiet(path, "is not valid Base64: %v", err)
			return
		}
		size = len(raw)
		encoded = base64.StdEncoding.EncodedLen(size)
	}
	if encoded > maxFileBase64 {
		f.addQuiet(path, "the file is %s (%s after Base64); SendFile takes at most %s after Base64, a file of at "+
			"most %s. For a larger file, compress it (gzip, then contentBase64) if that is enough, split it into "+
			"several File resources, or have a RunScript download it (from OSS, for example)",
			byteSize(size), byteSize(encoded), byteSize(maxFileBase64), byteSize(maxFileBase64/4*3))
	}
}

// hasDotDot reports whether a path has a `..` element, in either separator.
func hasDotDot(p string) bool {
	for _, part := range strings.FieldsFunc(p, func(r rune) bool { return r == '/' || r == '\\' }) {
		if part == ".." {
			return true
		}
	}
	return false
}

// byteSize writes a size both exactly and in KB, as limits are documented in KB.
func byteSize(n int) string {
	if n < 1024 {
		return strconv.Itoa(n) + " bytes"
	}
	kb := strconv.FormatFloat(float64(n)/1024, 'f', 1, 64)
	return strconv.Itoa(n) + " bytes (" + strings.TrimSuffix(kb, ".0") + " KB)"
}

func indexPath(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }
