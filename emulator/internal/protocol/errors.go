// Package protocol is the wire layer of the ECS RPC API emulator: request parsing, V1 and V3
// signature verification, gateway errors and JSON rendering, with no business logic.
package protocol

import (
	"fmt"
	"net/http"
)

// APIError is an error answer of the API. Every field travels as a JSON string.
type APIError struct {
	HTTPStatus int
	Code       string
	Message    string
	Recommend  string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s: %s (HTTP %d)", e.Code, e.Message, e.HTTPStatus)
}

// NewError builds a business error, e.g. NewError(404, "InvalidCmdId.NotFound", "…").
func NewError(status int, code, message string) *APIError {
	return &APIError{HTTPStatus: status, Code: code, Message: message}
}

// signatureMessage is the prefix the SDK looks for to compare the server's string to sign
// with its own (sdk/errors/signature_does_not_match_wrapper.go), so nothing may follow it.
const signatureMessage = "Specified signature is not matched with our calculation. server string to sign is:"

// ErrSignatureDoesNotMatch carries the server's string to sign, as the real gateway does.
func ErrSignatureDoesNotMatch(stringToSign string) *APIError {
	return &APIError{http.StatusBadRequest, "SignatureDoesNotMatch", signatureMessage + stringToSign,
		"Check the AccessKeySecret and that the request is signed as documented."}
}

// ErrIncompleteSignature reports an Authorization header the server cannot use.
func ErrIncompleteSignature(why string) *APIError {
	return &APIError{http.StatusBadRequest, "IncompleteSignature",
		"The request signature does not conform to Aliyun standards: " + why + ".",
		"Sign the request with ACS3-HMAC-SHA256 and sign host and every x-acs-* header."}
}

// ErrInvalidAccessKeyID reports an AccessKeyId the server does not know.
func ErrInvalidAccessKeyID() *APIError {
	return &APIError{http.StatusNotFound, "InvalidAccessKeyId.NotFound", "Specified access key is not found.",
		"Check the AccessKeyId."}
}

// ErrTimestampExpired reports a Timestamp (or x-acs-date) outside the accepted window.
func ErrTimestampExpired(ts string) *APIError {
	return &APIError{http.StatusBadRequest, "InvalidTimeStamp.Expired",
		fmt.Sprintf("Specified time stamp or date value is expired: %q.", ts),
		"Synchronise the client clock; the timestamp must be UTC and within 15 minutes of the server time."}
}

// ErrTimestampFormat reports a Timestamp that is not ISO 8601.
func ErrTimestampFormat(ts string) *APIError {
	return &APIError{http.StatusBadRequest, "InvalidTimeStamp.Format",
		fmt.Sprintf("Specified time stamp or date value %q is not well formatted.", ts),
		"Send the time as UTC in the form 2006-01-02T15:04:05Z."}
}

// ErrNonceUsed reports a SignatureNonce seen before.
func ErrNonceUsed(nonce string) *APIError {
	return &APIError{http.StatusBadRequest, "SignatureNonceUsed",
		fmt.Sprintf("Specified signature nonce %q was used already.", nonce),
		"Send a new random SignatureNonce with every request."}
}

// ErrMissingParameter reports an absent required parameter; the code names it.
func ErrMissingParameter(name string) *APIError {
	return &APIError{http.StatusBadRequest, "MissingParameter." + name,
		fmt.Sprintf("The input parameter %q that is mandatory for processing this request is not supplied.", name), ""}
}

// ErrInvalidParameter reports a malformed value.
func ErrInvalidParameter(name, why string) *APIError {
	return &APIError{http.StatusBadRequest, "InvalidParameter",
		fmt.Sprintf("The specified parameter %q is not valid: %s.", name, why), ""}
}

// ErrInvalidRegionID reports a region the server does not serve.
func ErrInvalidRegionID(region string) *APIError {
	return &APIError{http.StatusNotFound, "InvalidRegionId.NotFound",
		fmt.Sprintf("The specified RegionId %q does not exist.", region), "Check the RegionId."}
}

// ErrInvalidAction reports an Action the server does not implement.
func ErrInvalidAction(action string) *APIError {
	return &APIError{http.StatusNotFound, "InvalidAction.NotFound",
		fmt.Sprintf("Specified api %q is not found, please check your url and method.", action), ""}
}

// ErrInvalidVersion reports a Version other than the served one.
func ErrInvalidVersion(version string) *APIError {
	return &APIError{http.StatusBadRequest, "InvalidVersion",
		fmt.Sprintf("Specified parameter Version %q is not valid.", version), ""}
}

// ErrThrottling reports a rate limit; clients retry it with backoff.
func ErrThrottling() *APIError {
	return &APIError{http.StatusBadRequest, "Throttling", "Request was denied due to request throttling.",
		"Retry later with exponential backoff."}
}

// ErrThrottlingUser reports a per-user rate limit; clients retry it with backoff.
func ErrThrottlingUser() *APIError {
	return &APIError{http.StatusBadRequest, "Throttling.User", "Request was denied due to user flow control.",
		"Retry later with exponential backoff."}
}

// ErrInternalDispatch reports a failure to dispatch the request to the service behind the
// gateway; it is transient.
func ErrInternalDispatch() *APIError {
	return &APIError{http.StatusInternalServerError, "InternalError.Dispatch",
		"An error occurred when dispatching the request.", "Retry later."}
}

// ErrServiceUnavailable reports a transient outage; the SDK retries 5xx itself.
func ErrServiceUnavailable() *APIError {
	return &APIError{http.StatusServiceUnavailable, "ServiceUnavailable",
		"The request has failed due to a temporary failure of the server.", "Retry later."}
}

// ErrInternal reports a server fault.
func ErrInternal(message string) *APIError {
	if message == "" {
		message = "The request processing has failed due to some unknown error, exception or failure."
	}
	return &APIError{http.StatusInternalServerError, "InternalError", message, "Retry later."}
}
