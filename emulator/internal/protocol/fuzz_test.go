package protocol

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

func FuzzAuthenticate(f *testing.F) {
	p := baseParams()
	SignV1(http.MethodPost, p, testKeyID, testSecret)
	r := v3Request(http.MethodPost, "CommandId=c-1", nil, nil)
	f.Add("POST", p.Encode(), "", "", "", []byte(nil))
	f.Add("GET", p.Encode(), "", "", "", []byte(nil))
	f.Add("POST", "CommandId=c-1", r.Header.Get("Authorization"), r.Header.Get("x-acs-date"), r.Header.Get("x-acs-signature-nonce"), []byte(nil))
	f.Add("POST", "", "ACS3-HMAC-SHA256 Credential=,SignedHeaders=;;,Signature=zz", "x", "", []byte("a=%zz"))
	f.Add("PUT", "Action=&Signature=&&=&%", "ACS3-", "", "", []byte("Tag.1.Key=a&InstanceId.99999999999999999999=b"))
	f.Fuzz(func(t *testing.T, method, query, auth, date, nonce string, body []byte) {
		if !validMethod(method) {
			method = http.MethodPost
		}
		req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:9100/", bytes.NewReader(body))
		req.Method = method
		req.URL.RawQuery = query
		req.Header.Set("Authorization", auth)
		req.Header.Set("x-acs-action", "DescribeCommands")
		req.Header.Set("x-acs-version", "2014-05-26")
		req.Header.Set("x-acs-date", date)
		req.Header.Set("x-acs-signature-nonce", nonce)
		got, err := testVerifier().Authenticate(req, body)
		if (got == nil) == (err == nil) {
			t.Fatalf("want exactly one of request and error, got %v and %v", got, err)
		}
		if err != nil && (err.Code == "" || err.HTTPStatus < 400) {
			t.Fatalf("malformed error %+v", err)
		}
		if got != nil {
			_, _, _ = got.Bool("Timed")
			_, _, _ = got.Int("Timeout")
			_ = got.List("InstanceId")
			_ = got.Tags()
		}
	})
}

func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for _, c := range m {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

func FuzzParseRequest(f *testing.F) {
	f.Add("InstanceId.1=i-a&InstanceId.2=i-b&Tag.1.Key=k&Tag.1.Value=v&Timed=true&Timeout=60", []byte("Name=x"), "application/x-www-form-urlencoded")
	f.Add("InstanceId.0=a&InstanceId.-1=b&InstanceId.+1=c&Tag..Key=&Tag.1=x", []byte("%"), "")
	f.Add("Timed=TRUE&Timeout=99999999999999999999999", []byte(nil), "text/plain")
	f.Add(";;&&==", []byte("a=b;c=d"), "application/x-www-form-urlencoded; charset=\"")
	f.Fuzz(func(t *testing.T, query string, body []byte, contentType string) {
		req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:9100/", bytes.NewReader(body))
		req.URL.RawQuery = query
		req.Header.Set("Content-Type", contentType)
		params, err := collectParams(req, body)
		if err != nil {
			if err.Code != "InvalidParameter" {
				t.Fatalf("unexpected error %+v", err)
			}
			return
		}
		r := &Request{Params: businessParams(params, commonV1)}
		for _, id := range r.List("InstanceId") {
			_ = id
		}
		for _, tag := range r.Tags() {
			_ = tag
		}
		_, _, _ = r.Bool("Timed")
		_, _, _ = r.Int("Timeout")
		_ = StringToSignV1(http.MethodPost, params)
		_ = canonicalQuery(url.Values(params), "")
	})
}
