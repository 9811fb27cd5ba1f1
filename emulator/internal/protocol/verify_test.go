package protocol

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var testNow = time.Date(2026, 11, 27, 17, 30, 0, 0, time.UTC)

func testVerifier() *Verifier {
	return &Verifier{Credentials: testCredentials, Now: func() time.Time { return testNow }}
}

func baseParams(extra ...string) url.Values {
	p := url.Values{
		"Action": {"DescribeCommands"}, "Version": {"2014-05-26"}, "RegionId": {"cn-hangzhou"},
		"Timestamp": {testNow.Format(timestampLayout)}, "CommandId": {"c-1"},
	}
	for i := 0; i+1 < len(extra); i += 2 {
		p.Set(extra[i], extra[i+1])
	}
	return p
}

// v1Request signs params and puts them in the query, or in a form body when form is set.
func v1Request(method string, params url.Values, form bool) (*http.Request, []byte) {
	SignV1(method, params, testKeyID, testSecret)
	if form {
		body := []byte(params.Encode())
		r := httptest.NewRequest(method, "/", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		return r, body
	}
	return httptest.NewRequest(method, "/?"+params.Encode(), nil), nil
}

func TestAuthenticateV1Variants(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		method string
		form   bool
	}{
		{"POST query", http.MethodPost, false},
		{"POST form body", http.MethodPost, true},
		{"GET", http.MethodGet, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, body := v1Request(tc.method, baseParams("Name", "x y*~"), tc.form)
			req, err := testVerifier().Authenticate(r, body)
			require.Nil(t, err)
			assert.Equal(t, tc.method, req.Method)
			assert.Equal(t, "DescribeCommands", req.Action)
			assert.Equal(t, "cn-hangzhou", req.RegionID)
			assert.Equal(t, url.Values{"CommandId": {"c-1"}, "Name": {"x y*~"}}, req.Params)
		})
	}
}

func TestAuthenticateV1SplitQueryAndForm(t *testing.T) {
	t.Parallel()
	p := baseParams("CommandContent", "ZWNobyBoaQ==")
	SignV1(http.MethodPost, p, testKeyID, testSecret)
	form := url.Values{"CommandContent": p["CommandContent"]}
	p.Del("CommandContent")
	r := httptest.NewRequest(http.MethodPost, "/?"+p.Encode(), strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req, err := testVerifier().Authenticate(r, []byte(form.Encode()))
	require.Nil(t, err)
	assert.Equal(t, "ZWNobyBoaQ==", req.Get("CommandContent"))
}

func TestAuthenticateV1Errors(t *testing.T) {
	t.Parallel()
	stale := testNow.Add(-16 * time.Minute).Format(timestampLayout)
	future := testNow.Add(16 * time.Minute).Format(timestampLayout)
	for _, tc := range []struct {
		name   string
		build  func() (*http.Request, []byte)
		status int
		code   string
		msg    string
	}{
		{"tampered param", func() (*http.Request, []byte) {
			p := baseParams()
			SignV1(http.MethodPost, p, testKeyID, testSecret)
			p.Set("CommandId", "c-2")
			return httptest.NewRequest(http.MethodPost, "/?"+p.Encode(), nil), nil
		}, 400, "SignatureDoesNotMatch", "server string to sign is:POST&%2F&AccessKeyId%3DEMULATORACCESSKEYID%26Action%3DDescribeCommands%26CommandId%3Dc-2"},
		{"method changed", func() (*http.Request, []byte) {
			p := baseParams()
			SignV1(http.MethodPost, p, testKeyID, testSecret)
			return httptest.NewRequest(http.MethodGet, "/?"+p.Encode(), nil), nil
		}, 400, "SignatureDoesNotMatch", "server string to sign is:GET&%2F&"},
		{"wrong secret", func() (*http.Request, []byte) {
			p := baseParams()
			SignV1(http.MethodPost, p, testKeyID, "other")
			return httptest.NewRequest(http.MethodPost, "/?"+p.Encode(), nil), nil
		}, 400, "SignatureDoesNotMatch", ""},
		{"unknown key", func() (*http.Request, []byte) {
			p := baseParams()
			SignV1(http.MethodPost, p, "NOPE", testSecret)
			return httptest.NewRequest(http.MethodPost, "/?"+p.Encode(), nil), nil
		}, 404, "InvalidAccessKeyId.NotFound", ""},
		{"stale timestamp", func() (*http.Request, []byte) {
			return v1Request(http.MethodPost, baseParams("Timestamp", stale), false)
		}, 400, "InvalidTimeStamp.Expired", stale},
		{"future timestamp", func() (*http.Request, []byte) {
			return v1Request(http.MethodPost, baseParams("Timestamp", future), false)
		}, 400, "InvalidTimeStamp.Expired", ""},
		{"malformed timestamp", func() (*http.Request, []byte) {
			return v1Request(http.MethodPost, baseParams("Timestamp", "yesterday"), false)
		}, 400, "InvalidTimeStamp.Format", ""},
		{"no action", func() (*http.Request, []byte) {
			p := baseParams()
			p.Del("Action")
			return v1Request(http.MethodPost, p, false)
		}, 400, "MissingParameter.Action", `"Action"`},
		{"no signature", func() (*http.Request, []byte) {
			return httptest.NewRequest(http.MethodPost, "/?"+baseParams("AccessKeyId", testKeyID).Encode(), nil), nil
		}, 400, "MissingParameter.Signature", ""},
		{"sha256 method", func() (*http.Request, []byte) {
			return v1Request(http.MethodPost, baseParams("SignatureMethod", "HMAC-SHA256"), false)
		}, 400, "InvalidParameter", "SignatureMethod"},
		{"bad query", func() (*http.Request, []byte) {
			return httptest.NewRequest(http.MethodGet, "/?Action=%zz", nil), nil
		}, 400, "InvalidParameter", "query string"},
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

func TestAuthenticateNonceReplay(t *testing.T) {
	t.Parallel()
	v := testVerifier()
	p := baseParams("SignatureNonce", "nonce-1")
	r, _ := v1Request(http.MethodPost, p, false)
	_, err := v.Authenticate(r, nil)
	require.Nil(t, err)

	again := httptest.NewRequest(http.MethodPost, "/?"+p.Encode(), nil)
	_, err = v.Authenticate(again, nil)
	require.NotNil(t, err)
	assert.Equal(t, "SignatureNonceUsed", err.Code)
	assert.Equal(t, 400, err.HTTPStatus)

	// A badly signed request must not burn a nonce.
	bad := baseParams("SignatureNonce", "nonce-2")
	SignV1(http.MethodPost, bad, testKeyID, "wrong")
	_, err = v.Authenticate(httptest.NewRequest(http.MethodPost, "/?"+bad.Encode(), nil), nil)
	require.NotNil(t, err)
	good, _ := v1Request(http.MethodPost, baseParams("SignatureNonce", "nonce-2"), false)
	_, err = v.Authenticate(good, nil)
	assert.Nil(t, err)
}

func TestAuthenticateVersionAndConfig(t *testing.T) {
	t.Parallel()
	v := testVerifier()
	v.APIVersion = "2014-05-26"
	r, _ := v1Request(http.MethodPost, baseParams("Version", "2016-03-14"), false)
	_, err := v.Authenticate(r, nil)
	require.NotNil(t, err)
	assert.Equal(t, "InvalidVersion", err.Code)

	r, _ = v1Request(http.MethodPost, baseParams(), false)
	_, err = (&Verifier{}).Authenticate(r, nil)
	require.NotNil(t, err)
	assert.Equal(t, "InternalError", err.Code)

	// The default clock and window: a request signed now is accepted.
	p := baseParams()
	p.Del("Timestamp")
	r, _ = v1Request(http.MethodPost, p, false)
	_, err = (&Verifier{Credentials: testCredentials}).Authenticate(r, nil)
	assert.Nil(t, err)
}

func TestStringToSignV1MatchesDocumentedExample(t *testing.T) {
	t.Parallel()
	// Keys sort byte-wise, empty values are kept, and pe() is applied twice.
	p := url.Values{"b": {"x y"}, "A": {"*~"}, "SignatureType": {""}, "Signature": {"ignored"}}
	assert.Equal(t, "GET&%2F&A%3D%252A~%26SignatureType%3D%26b%3Dx%2520y", StringToSignV1("get", p))
}

func TestAuthenticateConcurrent(t *testing.T) {
	t.Parallel()
	v := testVerifier()
	const workers, each = 8, 20
	reqs := make([][]*http.Request, workers)
	for g := range reqs {
		for range each {
			r, _ := v1Request(http.MethodPost, baseParams(), false)
			reqs[g] = append(reqs[g], r)
		}
	}
	errs := make(chan *APIError, 2*workers*each)
	var wg sync.WaitGroup
	for round := range 2 { // the second round replays every nonce of the first
		for g := range workers {
			wg.Go(func() {
				for _, r := range reqs[g] {
					replay := httptest.NewRequest(r.Method, r.URL.String(), nil)
					if _, err := v.Authenticate(replay, nil); err != nil {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		if round == 0 {
			assert.Empty(t, errs, "first round must be accepted")
		}
	}
	close(errs)
	n := 0
	for err := range errs {
		assert.Equal(t, "SignatureNonceUsed", err.Code)
		n++
	}
	assert.Equal(t, workers*each, n)
}
