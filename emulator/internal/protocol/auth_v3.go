package protocol

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// authorizationV3 is the parsed Authorization header of a V3 request.
type authorizationV3 struct {
	algorithm, credential, signedHeaders, signature string
}

func parseAuthorizationV3(h string) (authorizationV3, *APIError) {
	var a authorizationV3
	alg, rest, _ := strings.Cut(strings.TrimSpace(h), " ")
	a.algorithm = alg
	if alg != AlgorithmV3 {
		return a, ErrIncompleteSignature("unsupported algorithm " + alg + "; want " + AlgorithmV3)
	}
	for part := range strings.SplitSeq(rest, ",") {
		k, val, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			a.credential = val
		case "SignedHeaders":
			a.signedHeaders = val
		case "Signature":
			a.signature = val
		}
	}
	if a.credential == "" || a.signedHeaders == "" || a.signature == "" {
		return a, ErrIncompleteSignature("the Authorization header needs Credential, SignedHeaders and Signature")
	}
	return a, nil
}

func (v *Verifier) authV3(r *http.Request, body []byte, params url.Values, header string) (*Request, *APIError) {
	auth, apiErr := parseAuthorizationV3(header)
	if apiErr != nil {
		return nil, apiErr
	}
	for _, name := range []string{"x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce"} {
		if r.Header.Get(name) == "" {
			return nil, ErrMissingParameter(name)
		}
	}
	// Headers the server acts on must be covered by the signature.
	signed := strings.Split(strings.ToLower(auth.signedHeaders), ";")
	for k := range r.Header {
		if lk := strings.ToLower(k); strings.HasPrefix(lk, "x-acs-") && !slices.Contains(signed, lk) {
			return nil, ErrIncompleteSignature("header " + lk + " is not signed")
		}
	}
	if !slices.Contains(signed, "host") {
		return nil, ErrIncompleteSignature("header host is not signed")
	}
	payloadHash := r.Header.Get("x-acs-content-sha256")
	if payloadHash == "" {
		payloadHash = sha256Hex(body)
	} else if !strings.EqualFold(payloadHash, sha256Hex(body)) {
		return nil, ErrInvalidParameter("x-acs-content-sha256", "it does not match the SHA-256 of the body")
	}
	nonce := r.Header.Get("x-acs-signature-nonce")
	err := v.check(auth.credential, r.Header.Get("x-acs-date"), nonce, func(secret string) *APIError {
		sts := StringToSignV3(canonicalRequestV3(r, auth.signedHeaders, payloadHash))
		if !equalSignature(signatureV3(sts, secret), strings.ToLower(auth.signature)) {
			return ErrSignatureDoesNotMatch(sts)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &Request{
		Method:           r.Method,
		Action:           r.Header.Get("x-acs-action"),
		Version:          r.Header.Get("x-acs-version"),
		RegionID:         params.Get("RegionId"),
		AccessKeyID:      auth.credential,
		SecurityToken:    r.Header.Get("x-acs-security-token"),
		SignatureVersion: "v3",
		Nonce:            nonce,
		Params:           businessParams(params, []string{"RegionId"}),
	}, nil
}
