package model

import (
	"fmt"
	"net/http"
)

// Error is an API error the model decided on: the code and HTTP status the real service uses.
type Error struct {
	HTTPStatus int
	Code       string
	Message    string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func newErr(status int, code, format string, args ...any) *Error {
	return &Error{HTTPStatus: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

func badRequest(code, format string, args ...any) *Error {
	return newErr(http.StatusBadRequest, code, format, args...)
}

func forbidden(code, format string, args ...any) *Error {
	return newErr(http.StatusForbidden, code, format, args...)
}

func notFound(code, format string, args ...any) *Error {
	return newErr(http.StatusNotFound, code, format, args...)
}
