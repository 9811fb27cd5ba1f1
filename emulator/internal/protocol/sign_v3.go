package protocol

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// AlgorithmV3 is the only V3 algorithm the emulator verifies.
const AlgorithmV3 = "ACS3-HMAC-SHA256"

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// headerValue reads a header for signing; Go keeps Host out of r.Header.
func headerValue(r *http.Request, name string) string {
	if name == "host" {
		if r.Host != "" {
			return r.Host
		}
		return r.URL.Host
	}
	return strings.TrimSpace(strings.Join(r.Header.Values(name), ","))
}

// canonicalRequestV3 follows the documented layout: method, URI, sorted query, signed
// headers (lower-case, sorted, one "name:value\n" each), the SignedHeaders list, payload hash.
func canonicalRequestV3(r *http.Request, signedHeaders, payloadHash string) string {
	names := strings.Split(strings.ToLower(signedHeaders), ";")
	sort.Strings(names)
	var headers strings.Builder
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		headers.WriteString(n + ":" + headerValue(r, n) + "\n")
	}
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	query, _ := url.ParseQuery(r.URL.RawQuery)
	for _, vs := range query { // V3 orders repeated keys by value too
		sort.Strings(vs)
	}
	return strings.Join([]string{
		strings.ToUpper(r.Method), path, canonicalQuery(query, ""), headers.String(), signedHeaders, payloadHash,
	}, "\n")
}

// StringToSignV3 is the algorithm name and the hex SHA-256 of the canonical request.
func StringToSignV3(canonicalRequest string) string {
	return AlgorithmV3 + "\n" + sha256Hex([]byte(canonicalRequest))
}

func signatureV3(stringToSign, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(stringToSign))
	return hex.EncodeToString(m.Sum(nil))
}

// SignV3 signs req the way the current official SDKs do. The caller sets x-acs-action and
// x-acs-version (and any query); SignV3 sets x-acs-date and x-acs-signature-nonce when
// absent, x-acs-content-sha256 from body, and Authorization, signing host, content-type
// and every x-acs-* header. body must be what req will send.
func SignV3(req *http.Request, keyID, secret string, body []byte) {
	h := req.Header
	if h.Get("x-acs-date") == "" {
		h.Set("x-acs-date", time.Now().UTC().Format(timestampLayout))
	}
	if h.Get("x-acs-signature-nonce") == "" {
		h.Set("x-acs-signature-nonce", NewRequestID())
	}
	h.Set("x-acs-content-sha256", sha256Hex(body))
	names := []string{"host"}
	for k := range h {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "x-acs-") || lk == "content-type" {
			names = append(names, lk)
		}
	}
	sort.Strings(names)
	signed := strings.Join(names, ";")
	sts := StringToSignV3(canonicalRequestV3(req, signed, h.Get("x-acs-content-sha256")))
	h.Set("Authorization", AlgorithmV3+" Credential="+keyID+",SignedHeaders="+signed+",Signature="+signatureV3(sts, secret))
}
