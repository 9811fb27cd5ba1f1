package protocol

import (
	"net/http"
	"net/url"
)

func (v *Verifier) authV1(r *http.Request, params url.Values) (*Request, *APIError) {
	for _, name := range []string{"Action", "Version", "AccessKeyId", "Signature", "SignatureNonce", "Timestamp"} {
		if params.Get(name) == "" {
			return nil, ErrMissingParameter(name)
		}
	}
	if m := params.Get("SignatureMethod"); m != "" && m != "HMAC-SHA1" {
		return nil, ErrInvalidParameter("SignatureMethod", "only HMAC-SHA1 is supported")
	}
	if sv := params.Get("SignatureVersion"); sv != "" && sv != "1.0" {
		return nil, ErrInvalidParameter("SignatureVersion", "want 1.0")
	}
	keyID := params.Get("AccessKeyId")
	err := v.check(keyID, params.Get("Timestamp"), params.Get("SignatureNonce"), func(secret string) *APIError {
		sts := StringToSignV1(r.Method, params)
		if !equalSignature(signatureV1(sts, secret), params.Get("Signature")) {
			return ErrSignatureDoesNotMatch(sts)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &Request{
		Method:           r.Method,
		Action:           params.Get("Action"),
		Version:          params.Get("Version"),
		RegionID:         params.Get("RegionId"),
		AccessKeyID:      keyID,
		SecurityToken:    params.Get("SecurityToken"),
		SignatureVersion: "1.0",
		Nonce:            params.Get("SignatureNonce"),
		Params:           businessParams(params, commonV1),
	}, nil
}
