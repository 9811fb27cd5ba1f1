package model

import (
	"net/http"
	"strconv"
)

// Errors answered with the code, HTTP status and message of the "Error codes" table of the
// current ECS API reference (API version 2014-05-26), word for word, so that a client that
// matches on any of the three behaves here as against the service. Pages checked on
// 2026-12-02: TagResources (changed 2025-04-10), UntagResources, ListTagResources,
// JoinResourceGroup (2023-11-20), ModifyInvocationAttribute (2025-12-10), InvokeCommand
// (2025-12-09), SendFile (2025-12-09), DescribeSendFileResults (2024-12-05),
// InstallCloudAssistant (2025-01-14), ModifyCommand (2025-12-09).
func documented(status int, code, message string) *Error {
	return &Error{HTTPStatus: status, Code: code, Message: message}
}

// Tagging (TagResources, UntagResources, ListTagResources share the table; UntagResources'
// messages lack the final full stop of the other two, which is not modelled).
var (
	errTagResourceType     = documented(http.StatusNotFound, "InvalidResourceType.NotFound", "The ResourceType provided does not exist in our records.")
	errTagResourceID       = documented(http.StatusNotFound, "InvalidResourceId.NotFound", "The specified ResourceIds are not found in our records.")
	errTagResourceIDsCount = documented(http.StatusBadRequest, "NumberExceed.ResourceIds", "The ResourceIds parameter's number is exceed , Valid : 50.")
	errTagsCount           = documented(http.StatusBadRequest, "NumberExceed.Tags", "The Tags parameter's number is exceed , Valid : 20.")
	errTagKeyDuplicate     = documented(http.StatusBadRequest, "Duplicate.TagKey", "The Tag.N.Key contain duplicate key.")
	errTagKeyMalformed     = documented(http.StatusBadRequest, "InvalidTagKey.Malformed", "The specified Tag.n.Key is not valid.")
	errTagValueMalformed   = documented(http.StatusBadRequest, "InvalidTagValue.Malformed", "The specified Tag.n.Value is not valid.")
	errTagQuota            = documented(http.StatusBadRequest, "OperationDenied.QuotaExceed", "The quota of tags on resource is beyond permitted range.")
	errUntagAllConflict    = documented(http.StatusForbidden, "Param.Conflict", "The specified all is true, but the specified TagKey.N is not empty.")
	errListTagsAndFilters  = documented(http.StatusBadRequest, "InvalidTags.MalFormed", "The tags must be empty, when the tagFilters is not empty.")
	errListNothingGiven    = documented(http.StatusForbidden, "BothEmpty.TagsAndResources", "The specified Tags and ResourcesIds are not allow to both empty.")
	errListTagValuesCount  = documented(http.StatusForbidden, "NumberExceed.TagValues", "The number of the specified TagValues is beyond permitted range, the max is 5.")
	errListTagFilter       = documented(http.StatusForbidden, "InvalidTagFilter.Malformed", "The specified TagFilter is not valid.")
	// ErrListTagNextToken is ListTagResources' answer to a NextToken it did not issue (other
	// actions answer InvalidParameter.NextToken, 400).
	ErrListTagNextToken = documented(http.StatusForbidden, "Invalid.NextToken", "The specified NextToken is not valid.")
	// errListTagValueWithoutKey: the ListTagResources page names the code in Tag.N.Value's
	// description ("If you specify only Tag.N.Value, the InvalidParameter.TagValue error is
	// returned") but not its status or message; 400 is the emulator's choice.
	errListTagValueWithoutKey = documented(http.StatusBadRequest, "InvalidParameter.TagValue", "The specified parameter Tag.N.Value is not valid.")
)

// The tagging actions' answers to an absent parameter: 404, and the parameter spelt as in
// the table (ResourceIds, Tags). Named values, not a map by parameter name: a misspelt key
// would have answered a nil *Error.
var (
	ErrTagMissingResourceType = documented(http.StatusNotFound, "MissingParameter.ResourceType", "The parameter - ResourceType should not be null.")
	ErrTagMissingResourceID   = documented(http.StatusNotFound, "MissingParameter.ResourceIds", "The parameter - ResourceIds.N should not be null.")
	ErrTagMissingTag          = documented(http.StatusNotFound, "MissingParameter.Tags", "The parameter - Tags should not be null.")
)

// JoinResourceGroup.
var (
	errJoinResourceType  = documented(http.StatusNotFound, "InvalidResourceType.NotFound", "The ResourceType provided does not exist in our records.")
	errJoinResourceGroup = documented(http.StatusNotFound, "InvalidResourceGroup.NotFound", "The ResourceGroup provided does not exist in our records.")
	errJoinResourceID    = documented(http.StatusNotFound, "InvalidResourceId.NotFound", "The ResourceId provided does not exist in our records.")
)

// ErrJoinMissing is JoinResourceGroup's answer to an absent ResourceId or ResourceGroupId:
// 403 and the bare code MissingParameter, as its table lists them.
func ErrJoinMissing(name string) *Error {
	return documented(http.StatusForbidden, "MissingParameter", "The input parameter \""+name+"\" that is mandatory for processing this request is not supplied.")
}

// ModifyInvocationAttribute (its codes differ from InvokeCommand's for the same faults).
var (
	errModifyInvokeID        = documented(http.StatusNotFound, "InvalidInvokeId.NotFound", "The specified parameter InvokeId does not exist.")
	errModifyRepeatMode      = documented(http.StatusForbidden, "InvalidOperation.RepeatModeUnsupported", "The operation is not supported for current repeat mode of invocation.")
	errModifyFinished        = documented(http.StatusForbidden, "InvalidOperation.InvokeAlreadyFinished", "The operation is not supported for finished invocation.")
	errModifyFrequency       = documented(http.StatusBadRequest, "InvalidParameter.Frequency", "The specified parameter Frequency is not valid.")
	errModifyInstanceID      = documented(http.StatusNotFound, "InvalidInstanceId.NotFound", "The specified parameter InstanceId does not exist.")
	errModifyOSType          = documented(http.StatusForbidden, "InvalidInstanceId.OSTypeUnsupported", "The OS type of the instance corresponding to the parameter InstanceId does not support the specified command type.")
	errModifyInstanceCount   = documented(http.StatusForbidden, "InvalidInstanceId.CountLimitExceeded", "The count of the parameter InstanceId exceeds the limit of 100.")
	errModifyKeyDuplicate    = documented(http.StatusBadRequest, "InvalidParameters.KeyDuplicate", "The key in the parameter Parameters cannot be duplicated.")
	errModifyKeyNotMatch     = documented(http.StatusBadRequest, "InvalidParameters.KeyNotMatch", "The key in the parameter Parameters do not match those defined when creating the command.")
	errModifyKeyEmpty        = documented(http.StatusBadRequest, "InvalidParameters.KeyEmpty", "The key in the parameter Parameters cannot be empty.")
	errModifyParamCount      = documented(http.StatusForbidden, "InvalidParameters.CountLimitExceeded", "The count of the parameter Parameters exceeds the limit of 10.")
	errModifyKeyLength       = documented(http.StatusForbidden, "InvalidParameters.KeyLengthLimitExceeded", "The length of the key in the parameter Parameters exceeds the limit of 64 characters.")
	errModifyValueType       = documented(http.StatusForbidden, "InvalidParameters.ValueTypeUnsupported", "The type of the value in the parameter Parameters is not supported.")
	ErrModifyContentEncoding = documented(http.StatusBadRequest, "InvalidCommandContent.DecodeError", "The specified parameter CommandContent can not be Base64 decoded.")
)

// errModifyContentLength fills the table's "%s KB" with the limit that applies (18 or 24).
func errModifyContentLength(kb int) *Error {
	return documented(http.StatusForbidden, "InvalidCommandContent.LengthLimitExceeded", "The length of the parameter CommandContent exceeds the limit of "+strconv.Itoa(kb)+" KB characters.")
}

// InvokeCommand and RunCommand.
var errInvokeQuota = documented(http.StatusForbidden, "Invocation.ExceedQuota", "The invocation quota in the current region has been reached for today.")

// SendFile.
var (
	errFileTargetDir   = documented(http.StatusBadRequest, "FileTargetDir.Invalid", "The target directory of file is invalid.")
	errFileMode        = documented(http.StatusBadRequest, "FileMode.Invalid", "The mode of file is invalid.")
	errFileDecode      = documented(http.StatusBadRequest, "FileContent.DecodeError", "The Content can not be base64 decoded.")
	errFileContentType = documented(http.StatusBadRequest, "FileContentType.Invalid", "The ContentType of file is invalid.")
	errFileOwner       = documented(http.StatusBadRequest, "InvalidParameter.FileOwner", "The specified parameter FileOwner is not valid.")
	errFileGroup       = documented(http.StatusBadRequest, "InvalidParameter.FileGroup", "The specified parameter FileGroup is not valid.")
	errFileSize        = documented(http.StatusForbidden, "FileSize.ExceedLimit", "The length of file content exceeds limit.")
	errFileName        = documented(http.StatusForbidden, "FileName.ExceedLimit", "The length of file name exceeds limit.")
	errFileDesc        = documented(http.StatusForbidden, "FileDesc.ExceedLimit", "The length of file description exceeds limit.")
	errFileTimeout     = documented(http.StatusForbidden, "InvalidTimeout.ExceedLimit", "The specified parameter Timeout exceeds the upper limit.")
	errFileInstance    = documented(http.StatusNotFound, "InvalidInstance.NotFound", "The specified instances not found.")
)

// The Tag.N of a file task (SendFile, DescribeSendFileResults: the same rows in both tables;
// their NumberExceed.Tags message differs from the tagging actions').
var (
	errTaskTagsCount   = documented(http.StatusBadRequest, "NumberExceed.Tags", "The Tags parameter number is exceed.")
	errTaskTagKeyEmpty = documented(http.StatusBadRequest, "MissingParameter.TagKey", "You must specify Tag.N.Key.")
)

// Shared by SendFile, InstallCloudAssistant and InvokeCommand.
var (
	// ErrMissingInstanceID is the answer to a call without InstanceId.N.
	ErrMissingInstanceID = documented(http.StatusBadRequest, "MissingParam.InstanceId", "The parameter instanceId is missing or empty.")
	errInstanceCount     = documented(http.StatusForbidden, "InstanceIds.ExceedLimit", "The number of instance IDs exceeds the upper limit.")
)

// InstallCloudAssistant.
var errInstallInstance = documented(http.StatusNotFound, "InvalidInstance.NotFound", "The specified instance does not exist.")
