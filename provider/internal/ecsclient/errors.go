package ecsclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
)

// APIError is a failed call: what was being done, the service's code and message, and the
// request ID support needs. Its text never carries credentials.
type APIError struct {
	Op         string // "creating invocation of c-… on 3 instances"
	Code       string // "Throttling", "InvalidCmdId.NotFound"; "" for transport errors
	Message    string
	RequestID  string
	HTTPStatus int
	Attempts   int
	Err        error // the underlying SDK or ctx error
}

func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	b.WriteString(": ")
	if e.Code != "" {
		b.WriteString(e.Code)
		if e.RequestID != "" {
			fmt.Fprintf(&b, " (request %s)", e.RequestID)
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return b.String()
}

func (e *APIError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrNotFound) true for every *.NotFound code.
func (e *APIError) Is(target error) bool {
	return target == ErrNotFound && IsNotFoundCode(e.Code)
}

// IsNotFoundCode reports codes such as InvalidCmdId.NotFound and InvalidInvokeId.NotFound.
func IsNotFoundCode(code string) bool { return strings.HasSuffix(code, ".NotFound") }

// Code returns the service error code inside err, or "".
func Code(err error) string {
	var a *APIError
	if errors.As(err, &a) {
		return a.Code
	}
	var s *sdkerrors.ServerError
	if errors.As(err, &s) {
		return s.ErrorCode()
	}
	return ""
}

// Retryable says whether a fresh attempt may succeed: throttling, server-side trouble,
// transport failures. IdempotentProcessing means an earlier attempt with the same
// ClientToken is still being handled: asking again with that token is safe.
func Retryable(err error) bool {
	var s *sdkerrors.ServerError
	if errors.As(err, &s) {
		code := s.ErrorCode()
		return throttlingCode(code) || code == "ServiceUnavailable" ||
			strings.HasPrefix(code, "InternalError") || code == "IdempotentProcessing" ||
			s.HttpStatus() >= 500
	}
	var c *sdkerrors.ClientError
	if errors.As(err, &c) {
		// Client-side failures are transport errors (timeouts, refused connections), except
		// configuration problems that no retry fixes.
		switch c.ErrorCode() {
		case sdkerrors.DefaultClientErrorCode, sdkerrors.TimeoutErrorCode:
			return true
		}
		return false
	}
	// A failed HTTP exchange is a transport error, even when it Is context.DeadlineExceeded:
	// the SDK takes no ctx, so that deadline is the exchange's own read timeout (a held
	// answer), never the caller's.
	if isExchangeError(err) {
		return true
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var n net.Error
	return errors.As(err, &n)
}

// wrap turns an SDK error into an *APIError and scrubs secrets (the client's, and the
// sensitive values of the request, listed by requestSecrets) from its text.
func (c *Client) wrap(op string, err error, attempts int, secrets []string) error {
	a := &APIError{Op: op, Attempts: attempts, Err: err}
	var s *sdkerrors.ServerError
	var ce *sdkerrors.ClientError
	switch {
	case errors.As(err, &s):
		a.Code, a.RequestID, a.HTTPStatus = s.ErrorCode(), s.RequestId(), s.HttpStatus()
		a.Message = s.Message()
		if a.Message == "" {
			a.Message = fmt.Sprintf("HTTP %d", s.HttpStatus())
		}
		if strings.HasPrefix(s.Recommend(), "InvalidAccessKeySecret") {
			// The SDK compared both strings to sign: they match, so the secret is wrong.
			a.Message = "the access key secret does not match the access key id (check accessKeySecret)"
		}
	case errors.As(err, &ce):
		a.Message = transportMessage(ce)
	case isExchangeError(err):
		// Before the ctx cases: an exchange's own read timeout also Is DeadlineExceeded.
		a.Message = stripURLs(err)
	case errors.Is(err, context.DeadlineExceeded):
		a.Message = "timed out (the operation's deadline passed)"
	case errors.Is(err, context.Canceled):
		a.Message = "cancelled"
	default:
		a.Message = stripURLs(err)
	}
	a.Message = c.scrubMessage(a.Message, secrets)
	return a
}

// isExchangeError reports an error of the HTTP exchange itself (refused, reset, no answer
// within the call's timeout), as opposed to the caller's ctx ending.
func isExchangeError(err error) bool {
	var u *url.Error
	return errors.As(err, &u)
}

// isTimeout reports an exchange that timed out (connecting, reading, or the whole call), as
// net/http reports it or as the SDK wraps it.
func isTimeout(err error) bool {
	var ce *sdkerrors.ClientError
	if errors.As(err, &ce) {
		if ce.ErrorCode() == sdkerrors.TimeoutErrorCode {
			return true
		}
		if err = ce.OriginError(); err == nil {
			return false
		}
	}
	var n net.Error
	return errors.As(err, &n) && n.Timeout()
}

// transportMessage describes a client-side failure without the request URL: the SDK's
// signed URLs carry the access key id and, with STS, the security token.
func transportMessage(ce *sdkerrors.ClientError) string {
	if orig := ce.OriginError(); orig != nil {
		return stripURLs(orig)
	}
	return ce.Message()
}

func stripURLs(err error) string {
	var u *url.Error
	if errors.As(err, &u) {
		host := ""
		if parsed, perr := url.Parse(u.URL); perr == nil {
			host = parsed.Host
		}
		return fmt.Sprintf("%s %s: %s", u.Op, host, u.Err)
	}
	return err.Error()
}

func (c *Client) scrub(s string) string {
	for _, secret := range c.secrets {
		s = strings.ReplaceAll(s, secret, "[redacted]")
	}
	return s
}
