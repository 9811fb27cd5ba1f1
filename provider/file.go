package provider

import (
	_ "embed"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi-go-provider/infer"
)

//go:embed file.md
var fileDoc string

// File is a file delivered to instances with Cloud Assistant's SendFile.
type File struct{}

// FileArgs are the inputs of a File.
type FileArgs struct {
	InstanceIDs     []string          `pulumi:"instanceIds"`
	TargetDir       string            `pulumi:"targetDir"`
	Name            string            `pulumi:"name"`
	Content         *string           `pulumi:"content,optional"`
	ContentBase64   *string           `pulumi:"contentBase64,optional"`
	FileMode        *string           `pulumi:"fileMode,optional"`
	FileOwner       *string           `pulumi:"fileOwner,optional"`
	FileGroup       *string           `pulumi:"fileGroup,optional"`
	Overwrite       *bool             `pulumi:"overwrite,optional"`
	Timeout         *int              `pulumi:"timeout,optional"`
	Description     *string           `pulumi:"description,optional"`
	Tags            map[string]string `pulumi:"tags,optional"`
	ResourceGroupID *string           `pulumi:"resourceGroupId,optional"`
	FailurePolicy   *FailurePolicy    `pulumi:"failurePolicy,optional"`
	RemoveOnDelete  *bool             `pulumi:"removeOnDelete,optional"`
}

// FileState is the recorded state: the inputs (a custom Diff gets no old inputs) and what
// the service reported for every batch of instances.
type FileState struct {
	FileArgs
	InvokeID       string       `pulumi:"invokeId"`
	InvokeIDs      []string     `pulumi:"invokeIds"`
	Status         string       `pulumi:"status"`
	Results        []FileResult `pulumi:"results"`
	ResendRequired bool         `pulumi:"resendRequired"`
}

// FileResult is the delivery of the file to one instance.
type FileResult struct {
	InstanceID string `pulumi:"instanceId"`
	InvokeID   string `pulumi:"invokeId"`
	Status     string `pulumi:"status"`
	ErrorCode  string `pulumi:"errorCode"`
	ErrorInfo  string `pulumi:"errorInfo"`
	StartTime  string `pulumi:"startTime"`
	FinishTime string `pulumi:"finishTime"`
}

// instanceStatus and failureCode let status.go's judgements read a delivery.
func (r FileResult) instanceStatus() (string, string) { return r.InstanceID, r.Status }

func (r FileResult) failureCode() string { return r.ErrorCode }

// Annotate documents the resource.
func (f *File) Annotate(a infer.Annotator) {
	a.Describe(f, fileDoc)
}

// Annotate documents the inputs; the texts become the SDKs' docs.
func (a *FileArgs) Annotate(an infer.Annotator) {
	an.Describe(&a.InstanceIDs, "The instances to send the file to: any number of unique IDs, sent in batches of "+
		"50 (one file task, `f-…`, per batch). Each must be running with the Cloud Assistant client installed. "+
		"Adding IDs later sends the file to the added instances only; removing IDs forgets them (with "+
		"`removeOnDelete`, removes the file from them).")
	an.Describe(&a.TargetDir, "The absolute directory on the instances, such as `/etc/myapp`; it is created when "+
		"missing. At most 255 characters.")
	an.Describe(&a.Name, "The file name, without a directory: at most 255 characters.")
	an.Describe(&a.Content, "The file's content as text. Exactly one of `content` and `contentBase64` is required. "+
		"At most 32 KB once Base64-encoded (24,576 bytes). Secret when the program makes it one; otherwise a "+
		"change shows as a text diff.")
	an.Describe(&a.ContentBase64, "The file's content as Base64, for binary files (e.g. `fs.readFileSync(p)"+
		".toString(\"base64\")`). At most 32 KB.")
	an.Describe(&a.FileMode, "The file's permissions as 3 or 4 octal digits, as chmod takes them (Linux only). "+
		"The service defaults to `0644`.")
	an.Describe(&a.FileOwner, "The file's owner (Linux only; at most 64 characters). The user must exist on the "+
		"instances. The service defaults to `root`.")
	an.Describe(&a.FileGroup, "The file's group (Linux only; at most 64 characters). The group must exist on the "+
		"instances. The service defaults to `root`.")
	an.Describe(&a.Overwrite, "Whether an existing file of the same name is replaced. Defaults to true, so a "+
		"changed file can be sent again; with false, an instance that has the file already fails with "+
		"`FileAlreadyExists`.")
	an.Describe(&a.Timeout, "How long the service tries to deliver the file, in seconds (10 to 86400); the service "+
		"defaults to 60. `pulumi up` waits that long plus delivery time, or `customTimeouts.create`.")
	an.Describe(&a.Description, "A description of the file task (at most 512 characters). Changing it sends nothing: the "+
		"service keeps a sent task's description, so only the state changes.")
	an.Describe(&a.Tags, "Tags for the file tasks (at most 18: the provider adds two, `cloudassistant:pulumi-resource` "+
		"and `cloudassistant:pulumi-attempt`, so that a send interrupted midway is adopted instead of sent again; keys "+
		"starting with `cloudassistant:pulumi-` are reserved). Changing them sends nothing: the service keeps a "+
		"sent task's tags, so only the state changes.")
	an.Describe(&a.ResourceGroupID, "The resource group of the file tasks.")
	an.Describe(&a.FailurePolicy, "When a delivery fails the deployment: `FailIfAny` (the default), `FailIfAll` or "+
		"`Never`. A failed delivery is still recorded, and the next `pulumi up` sends the file again.")
	an.Describe(&a.RemoveOnDelete, "Whether deleting the resource deletes the file on the instances, with a short "+
		"`rm -f` through RunCommand (Linux). Defaults to false: deleting the resource leaves the files in place.")
}

// Annotate documents the outputs.
func (s *FileState) Annotate(a infer.Annotator) {
	a.Describe(&s.InvokeID, "The ID of the first (usually the only) file task, `f-…`.")
	a.Describe(&s.InvokeIDs, "The IDs of the file tasks, one per batch of 50 instances. The resource ID is "+
		"these IDs joined with commas.")
	a.Describe(&s.Status, "The overall status: `Pending`, `Running`, `Success`, `Failed` or `PartialFailed`.")
	a.Describe(&s.Results, "One entry per instance: status, error code and times.")
	a.Describe(&s.ResendRequired, "True when the delivery failed by `failurePolicy`: the next `pulumi up` "+
		"replaces the resource, sending the file again.")
}

// Annotate documents one instance's delivery.
func (r *FileResult) Annotate(a infer.Annotator) {
	a.Describe(&r.InstanceID, "The instance ID.")
	a.Describe(&r.InvokeID, "The file task that delivered to this instance.")
	a.Describe(&r.Status, "The status on this instance: `Pending`, `Running`, `Success`, `Failed` (the file "+
		"could not be created), `Invalid`, `Aborted`, `Timeout` or `Error`.")
	a.Describe(&r.ErrorCode, "Why the delivery failed, when it did: `FileAlreadyExists`, `AccountNotExists`, "+
		"`UserGroupNotExists`, `FilePathInvalid`, `InstanceNotRunning`, `ClientNotRunning`, `DeliveryTimeout`, ….")
	a.Describe(&r.ErrorInfo, "The service's explanation of `errorCode`.")
	a.Describe(&r.StartTime, "When the delivery started (UTC, ISO 8601).")
	a.Describe(&r.FinishTime, "When the delivery finished (UTC, ISO 8601).")
}

// Limits of SendFile (current API reference).
const (
	maxFileBase64   = 32 * 1024 // the content, after Base64
	maxFileNameLen  = 255
	maxTargetDirLen = 255
	maxFileOwnerLen = 64
	// fileBatchSize is the most instances one SendFile call takes.
	fileBatchSize = 50
)

// windowsAbsDir is a Windows absolute directory such as C:\ProgramData\app.
var windowsAbsDir = regexp.MustCompile(`^[A-Za-z]:[\\/]`)

// filePath is where the file lands on the instances.
func filePath(a FileArgs) string {
	sep := "/"
	if windowsAbsDir.MatchString(a.TargetDir) {
		sep = `\`
	}
	return strings.TrimRight(a.TargetDir, `/\`) + sep + a.Name
}
