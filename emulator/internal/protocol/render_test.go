package protocol

import (
	"encoding/json"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteJSON(t *testing.T) {
	t.Parallel()
	type command struct {
		CommandId string
		Timeout   int64
	}
	w := httptest.NewRecorder()
	WriteJSON(w, "REQ-1", struct {
		Commands  struct{ Command []command }
		RequestId string
	}{Commands: struct{ Command []command }{[]command{{"c-1", 60}}}, RequestId: "overwritten"})
	assert.Equal(t, 200, w.Code)
	assert.Equal(t, "application/json;charset=utf-8", w.Header().Get("Content-Type"))
	assert.JSONEq(t, `{"RequestId":"REQ-1","Commands":{"Command":[{"CommandId":"c-1","Timeout":60}]}}`, w.Body.String())

	w = httptest.NewRecorder()
	WriteJSON(w, "REQ-5", map[string]string{"Output": "a > b && c < d"})
	assert.Equal(t, `{"Output":"a > b && c < d","RequestId":"REQ-5"}`, w.Body.String())

	w = httptest.NewRecorder()
	WriteJSON(w, "REQ-2", nil)
	assert.JSONEq(t, `{"RequestId":"REQ-2"}`, w.Body.String())

	// A bare array cannot be decoded by the SDK: it is a bug, reported as one.
	w = httptest.NewRecorder()
	WriteJSON(w, "REQ-3", []string{"a"})
	assert.Equal(t, 500, w.Code)
	assert.Contains(t, w.Body.String(), "is not a JSON object")

	w = httptest.NewRecorder()
	WriteJSON(w, "REQ-4", map[string]any{"bad": func() {}})
	assert.Equal(t, 500, w.Code)
}

func TestWriteError(t *testing.T) {
	t.Parallel()
	w := httptest.NewRecorder()
	WriteError(w, "REQ-1", "ecs.test", ErrThrottling())
	assert.Equal(t, 400, w.Code)
	var body map[string]any
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body))
	assert.Len(t, body, 5)
	for _, k := range []string{"RequestId", "HostId", "Code", "Message", "Recommend"} {
		assert.IsType(t, "", body[k], k) // the SDK type-asserts strings
	}
	assert.Equal(t, "Throttling", body["Code"])
	assert.Equal(t, "REQ-1", body["RequestId"])

	w = httptest.NewRecorder()
	WriteError(w, "REQ-2", "", nil)
	assert.Equal(t, 500, w.Code)
	w = httptest.NewRecorder()
	WriteError(w, "REQ-3", "", &APIError{Code: "X"})
	assert.Equal(t, 500, w.Code)
}

func TestNewRequestID(t *testing.T) {
	t.Parallel()
	re := regexp.MustCompile(`^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$`)
	seen := map[string]bool{}
	for range 100 {
		id := NewRequestID()
		assert.Regexp(t, re, id)
		assert.False(t, seen[id])
		seen[id] = true
	}
}
