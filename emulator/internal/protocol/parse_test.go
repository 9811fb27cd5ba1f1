package protocol

import (
	"errors"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRequestHelpers(t *testing.T) {
	t.Parallel()
	r := &Request{Params: url.Values{
		"InstanceId.2": {"i-b"}, "InstanceId.10": {"i-j"}, "InstanceId.1": {"i-a"},
		"InstanceId.x": {"junk"}, "InstanceId.0": {"zero"}, "InstanceIds": {"other"},
		"Tag.2.Key": {"team"}, "Tag.2.Value": {"core"}, "Tag.1.Key": {"env"}, "Tag.1.Value": {""},
		"Tag.3.Value": {"no key"},
		"Timed":       {"True"}, "KeepCommand": {"false"}, "Broken": {"yes"},
		"Timeout": {"60"}, "PageSize": {"ten"}, "Empty": {""},
	}}
	assert.Equal(t, []string{"i-a", "i-b", "i-j"}, r.List("InstanceId"))
	assert.Empty(t, r.List("Missing"))
	assert.Equal(t, []Tag{{"env", ""}, {"team", "core"}}, r.Tags())

	for _, tc := range []struct {
		name           string
		value, present bool
		err            bool
	}{
		{"Timed", true, true, false},
		{"KeepCommand", false, true, false},
		{"Empty", false, false, false},
		{"Absent", false, false, false},
		{"Broken", false, true, true},
	} {
		v, p, err := r.Bool(tc.name)
		assert.Equal(t, tc.value, v, tc.name)
		assert.Equal(t, tc.present, p, tc.name)
		assert.Equal(t, tc.err, err != nil, tc.name)
	}
	_, _, err := r.Bool("Broken")
	var apiErr *APIError
	require.True(t, errors.As(err, &apiErr))
	assert.Equal(t, "InvalidParameter", apiErr.Code)
	assert.Equal(t, 400, apiErr.HTTPStatus)
	assert.Contains(t, apiErr.Message, `"Broken"`)

	n, p, err := r.Int("Timeout")
	assert.Equal(t, 60, n)
	assert.True(t, p)
	assert.NoError(t, err)
	_, p, err = r.Int("Absent")
	assert.False(t, p)
	assert.NoError(t, err)
	_, _, err = r.Int("PageSize")
	require.True(t, errors.As(err, &apiErr))
	assert.Contains(t, apiErr.Message, `"PageSize"`)
}

func TestErrorConstructors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err    *APIError
		status int
		code   string
	}{
		{ErrSignatureDoesNotMatch("GET&%2F&x"), 400, "SignatureDoesNotMatch"},
		{ErrIncompleteSignature("why"), 400, "IncompleteSignature"},
		{ErrInvalidAccessKeyID(), 404, "InvalidAccessKeyId.NotFound"},
		{ErrTimestampExpired("t"), 400, "InvalidTimeStamp.Expired"},
		{ErrTimestampFormat("t"), 400, "InvalidTimeStamp.Format"},
		{ErrNonceUsed("n"), 400, "SignatureNonceUsed"},
		{ErrMissingParameter("CommandId"), 400, "MissingParameter.CommandId"},
		{ErrInvalidParameter("X", "why"), 400, "InvalidParameter"},
		{ErrInvalidRegionID("mars-1"), 404, "InvalidRegionId.NotFound"},
		{ErrInvalidAction("Nope"), 404, "InvalidAction.NotFound"},
		{ErrInvalidVersion("1"), 400, "InvalidVersion"},
		{ErrThrottling(), 400, "Throttling"},
		{ErrServiceUnavailable(), 503, "ServiceUnavailable"},
		{ErrInternal(""), 500, "InternalError"},
		{NewError(404, "InvalidCmdId.NotFound", "The specified command ID does not exist."), 404, "InvalidCmdId.NotFound"},
	} {
		assert.Equal(t, tc.status, tc.err.HTTPStatus, tc.code)
		assert.Equal(t, tc.code, tc.err.Code)
		assert.NotEmpty(t, tc.err.Message, tc.code)
		assert.Contains(t, tc.err.Error(), tc.code)
	}
	assert.Equal(t, signatureMessage+"GET&%2F&x", ErrSignatureDoesNotMatch("GET&%2F&x").Message)
}
