package protocol

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/url"
	"sort"
	"strings"
	"time"
)

// percentEncode is the RFC 3986 encoding both signature versions use.
func percentEncode(s string) string {
	e := url.QueryEscape(s)
	e = strings.ReplaceAll(e, "+", "%20")
	e = strings.ReplaceAll(e, "*", "%2A")
	return strings.ReplaceAll(e, "%7E", "~")
}

// canonicalQuery sorts by key (then keeps each key's values in order) and percent-encodes;
// skip names a parameter left out (Signature for V1).
func canonicalQuery(params url.Values, skip string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		if k != skip {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, v := range params[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(percentEncode(k))
			b.WriteByte('=')
			b.WriteString(percentEncode(v))
		}
	}
	return b.String()
}

// StringToSignV1 is METHOD&%2F&pe(canonical query of every parameter except Signature).
func StringToSignV1(method string, params url.Values) string {
	return strings.ToUpper(method) + "&%2F&" + percentEncode(canonicalQuery(params, "Signature"))
}

func signatureV1(stringToSign, secret string) string {
	m := hmac.New(sha1.New, []byte(secret+"&"))
	m.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// SignV1 fills in the common parameters a V1 client sends (those already set are kept:
// Action and Version must be) and sets Signature, as the classic SDKs do. The result
// goes in the query string, or in a form body for POST.
func SignV1(method string, params url.Values, keyID, secret string) {
	defaults := map[string]string{
		"Format": "JSON", "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0",
		"SignatureType": "", "SignatureNonce": NewRequestID(),
		"Timestamp": time.Now().UTC().Format(timestampLayout), "AccessKeyId": keyID,
	}
	for k, v := range defaults {
		if _, ok := params[k]; !ok {
			params.Set(k, v)
		}
	}
	params.Del("Signature")
	params.Set("Signature", signatureV1(StringToSignV1(method, params), secret))
}
