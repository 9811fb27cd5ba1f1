package protocol

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// v3Request builds a request the way the Tea SDKs send one: business parameters in the
// query, action and version in headers, signed with SignV3.
func v3Request(method, query string, body []byte, mutate func(*http.Request)) *http.Request {
	r := httptest.NewRequest(method, "http://127.0.0.1:9100/?"+query, bytes.NewReader(body))
	r.Header.Set("x-acs-action", "DescribeCommands")
	r.Header.Set("x-acs-version", "2014-05-26")
	r.Header.Set("x-acs-date", testNow.Format(timestampLayout))
	if len(body) > 0 {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if mutate != nil {
		mutate(r)
	}
	SignV3(r, testKeyID, testSecret, body)
	return r
}

func TestCanonicalRequestV3Layout(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodPost, "http://ecs.example/?RegionId=cn-hangzhou&Name=a+b%2A&A=", nil)
	r.Header.Set("X-Acs-Action", "DescribeCommands")
	r.Header.Set("x-acs-date", " 2026-11-27T17:30:00Z ")
	want := "POST\n/\nA=&Name=a%20b%2A&RegionId=cn-hangzhou\n" +
		"host:ecs.example\nx-acs-action:DescribeCommands\nx-acs-date:2026-11-27T17:30:00Z\n\n" +
		"host;x-acs-action;x-acs-date\n" +
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	got := canonicalRequestV3(r, "host;x-acs-action;x-acs-date", sha256Hex(nil))
	assert.Equal(t, want, got)
	assert.True(t, strings.HasPrefix(StringToSignV3(got), "ACS3-HMAC-SHA256\n"))
	assert.Len(t, StringToSignV3(got), len("ACS3-HMAC-SHA256\n")+64)
}

func TestAuthenticateV3(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		method string
		query  string
		body   string
	}{
		{"POST query, empty body", http.MethodPost, "CommandId=c-1&RegionId=cn-hangzhou&Name=a%20b%2A~", ""},
		{"GET", http.MethodGet, "CommandId=c-1&RegionId=cn-hangzhou", ""},
		{"POST form body", http.MethodPost, "RegionId=cn-hangzhou", "CommandId=c-1&Name=a+b%2A~"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := v3Request(tc.method, tc.query, []byte(tc.body), func(r *http.Request) {
				r.Header.Set("x-acs-security-token", "sts-token")
			})
			req, err := testVerifier().Authenticate(r, []byte(tc.body))
			require.Nil(t, err, "%v", err)
			assert.Equal(t, "v3", req.SignatureVersion)
			assert.Equal(t, "DescribeCommands", req.Action)
			assert.Equal(t, "2014-05-26", req.Version)
			assert.Equal(t, "cn-hangzhou", req.RegionID)
			assert.Equal(t, testKeyID, req.AccessKeyID)
			assert.Equal(t, "sts-token", req.SecurityToken)
			assert.Equal(t, "c-1", req.Get("CommandId"))
			assert.NotContains(t, req.Params, "RegionId")
		})
	}
}

func TestAuthenticateV3OverHTTP(t *testing.T) {
	t.Parallel()
	v := testVerifier()
	var got *Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req, err := v.Authenticate(r, body)
		if err != nil {
			WriteError(w, NewRequestID(), "", err)
			return
		}
		got = req
		WriteJSON(w, NewRequestID(), nil)
	}))
	t.Cleanup(srv.Close)

	q := url.Values{"RegionId": {"cn-hangzhou"}, "InstanceId.1": {"i-a"}, "Frequency": {"0 */20 * * * ?"}}
	r, err := http.NewRequest(http.MethodPost, srv.URL+"/?"+q.Encode(), nil)
	require.NoError(t, err)
	r.Header.Set("x-acs-action", "InvokeCommand")
	r.Header.Set("x-acs-version", "2014-05-26")
	r.Header.Set("x-acs-date", testNow.Format(timestampLayout))
	SignV3(r, testKeyID, testSecret, nil)
	resp, err := http.DefaultClient.Do(r)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	require.Equal(t, 200, resp.StatusCode, string(raw))
	assert.Equal(t, "InvokeCommand", got.Action)
	assert.Equal(t, []string{"i-a"}, got.List("InstanceId"))
	assert.Equal(t, "0 */20 * * * ?", got.Get("Frequency"))
}

func TestAuthenticateV3Errors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		build  func() (*http.Request, []byte)
		status int
		code   string
		msg    string
	}{
		{"tampered query", func() (*http.Request, []byte) {
			r := v3Request(http.MethodPost, "CommandId=c-1", nil, nil)
			r.URL.RawQuery = "CommandId=c-2"
			return r, nil
		}, 400, "SignatureDoesNotMatch", "server string to sign is:ACS3-HMAC-SHA256\n"},
		{"tampered action", func() (*http.Request, []byte) {
			r := v3Request(http.MethodPost, "CommandId=c-1", nil, nil)
			r.Header.Set("x-acs-action", "DeleteCommand")
			return r, nil
		}, 400, "SignatureDoesNotMatch", ""},
		{"other host", func() (*http.Request, []byte) {
			r := v3Request(http.MethodPost, "CommandId=c-1", nil, nil)
			r.Host = "evil.example"
			return r, nil
		}, 400, "SignatureDoesNotMatch", ""},
		{"body does not match hash", func() (*http.Request, []byte) {
			r := v3Request(http.MethodPost, "", []byte("CommandId=c-1"), nil)
			return r, []byte("CommandId=c-2")
		}, 400, "InvalidParameter", "x-acs-content-sha256"},
		{"wrong secret", func() (*http.Request, []byte) {
			r := v3Request(http.MethodPost, "", nil, nil)
			SignV3(r, testKeyID, "other", nil)
			return r, nil
		}, 400, "SignatureDoesNotMatch", ""},
		{"unknown key", func() (*http.Request, []byte) {
			r := v3Request(http.MethodPost, "", nil, nil)
			SignV3(r, "NOPE", testSecret, nil)
			return r, nil
		}, 404, "InvalidAccessKeyId.NotFound", ""},
		{"stale date", func() (*http.Request, []byte) {
			return v3Request(http.MethodPost, "", nil, func(r *http.Request) {
				r.Header.Set("x-acs-date", "2026-11-27T17:00:00Z")
			}), nil
		}, 400, "InvalidTimeStamp.Expired", ""},
		{"missing action", func() (*http.Request, []byte) {
			return v3Request(http.MethodPost, "", nil, func(r *http.Request) { r.Header.Del("x-acs-action") }), nil
		}, 400, "MissingParameter.x-acs-action", ""},
		{"unsigned x-acs header", func() (*http.Request, []byte) {
			r := v3Request(http.MethodPost, "", nil, nil)
			r.Header.Set("x-acs-security-token", "late")
			return r, nil
		}, 400, "IncompleteSignature", "x-acs-security-token"},
		{"host not signed", func() (*http.Request, []byte) {
			r := v3Request(http.MethodPost, "", nil, nil)
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "host;", "", 1))
			return r, nil
		}, 400, "IncompleteSignature", "host"},
		{"other algorithm", func() (*http.Request, []byte) {
			r := v3Request(http.MethodPost, "", nil, nil)
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "HMAC-SHA256", "HMAC-SM3", 1))
			return r, nil
		}, 400, "IncompleteSignature", "ACS3-HMAC-SM3"},
		{"no signature part", func() (*http.Request, []byte) {
			r := v3Request(http.MethodPost, "", nil, nil)
			r.Header.Set("Authorization", "ACS3-HMAC-SHA256 Credential="+testKeyID)
			return r, nil
		}, 400, "IncompleteSignature", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, body := tc.build()
			req, err := testVerifier().Authenticate(r, body)
			assert.Nil(t, req)
			require.NotNil(t, err)
			assert.Equal(t, tc.status, err.HTTPStatus)
			assert.Equal(t, tc.code, err.Code)
			assert.Contains(t, err.Message, tc.msg)
		})
	}
}

func TestAuthenticateV3NonceReplay(t *testing.T) {
	t.Parallel()
	v := testVerifier()
	r := v3Request(http.MethodPost, "CommandId=c-1", nil, nil)
	_, err := v.Authenticate(r, nil)
	require.Nil(t, err)
	_, err = v.Authenticate(r, nil)
	require.NotNil(t, err)
	assert.Equal(t, "SignatureNonceUsed", err.Code)
}
