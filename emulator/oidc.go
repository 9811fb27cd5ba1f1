package emulator

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/protocol"
)

// DefaultOIDCAudience is the audience (client id) the emulator's OIDC provider accepts.
const DefaultOIDCAudience = "cloudassistant-emulator"

// oidcIssuer plays the identity provider that a CI system (GitHub Actions, a Kubernetes
// service account) is in production: it signs RS256 tokens, and AssumeRoleWithOIDC accepts
// only tokens it signed, still valid, for its audience.
type oidcIssuer struct {
	once   sync.Once
	key    *rsa.PrivateKey
	issuer string
}

// tokenClaims are the claims the emulator signs and checks.
type tokenClaims struct {
	Issuer   string   `json:"iss"`
	Subject  string   `json:"sub"`
	Audience []string `json:"aud"`
	Expiry   int64    `json:"exp"`
	IssuedAt int64    `json:"iat"`
}

func (o *oidcIssuer) signingKey() *rsa.PrivateKey {
	o.once.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic("generating the OIDC signing key: " + err.Error())
		}
		o.key = k
	})
	return o.key
}

var jwtB64 = base64.RawURLEncoding

// OIDCToken signs an OIDC token for subject that the emulator's AssumeRoleWithOIDC accepts
// until ttl has passed (a negative ttl makes one already expired, for tests).
func (s *Server) OIDCToken(subject string, ttl time.Duration) string {
	now := time.Now()
	claims := tokenClaims{Issuer: s.oidc.issuer, Subject: subject, Audience: []string{DefaultOIDCAudience},
		Expiry: now.Add(ttl).Unix(), IssuedAt: now.Unix()}
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": "emulator"})
	payload, _ := json.Marshal(claims)
	signed := jwtB64.EncodeToString(header) + "." + jwtB64.EncodeToString(payload)
	sum := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(rand.Reader, s.oidc.signingKey(), crypto.SHA256, sum[:])
	if err != nil {
		panic("signing an OIDC token: " + err.Error())
	}
	return signed + "." + jwtB64.EncodeToString(sig)
}

// verify checks a token as STS does, with the documented AuthenticationFail.* answers.
func (o *oidcIssuer) verify(token string) (tokenClaims, *protocol.APIError) {
	var c tokenClaims
	invalid := func(msg string) *protocol.APIError {
		return protocol.NewError(http.StatusUnauthorized, "AuthenticationFail.OIDCToken.Invalid", msg)
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return c, invalid("The number of Jwt field should be divided into 3 parts with '.' .")
	}
	rawHeader, err1 := jwtB64.DecodeString(parts[0])
	rawPayload, err2 := jwtB64.DecodeString(parts[1])
	sig, err3 := jwtB64.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil {
		return c, invalid("Cannot decode base64 encoded response(format invalided).")
	}
	var header struct {
		Alg string `json:"alg"`
	}
	if json.Unmarshal(rawHeader, &header) != nil || json.Unmarshal(rawPayload, &c) != nil {
		return c, invalid("The Jwt content is invalid that cannot be recognized.")
	}
	if header.Alg != "RS256" {
		return c, invalid("The algorithm " + header.Alg + " that be specified in Jwt header is unknown.")
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(&o.signingKey().PublicKey, crypto.SHA256, sum[:], sig) != nil || c.Issuer != o.issuer {
		return c, protocol.NewError(http.StatusUnauthorized, "AuthenticationFail.OIDCToken.InvalidSignature",
			"OIDC token validate failed: invalid signature.")
	}
	if time.Now().Unix() >= c.Expiry {
		return c, protocol.NewError(http.StatusUnauthorized, "AuthenticationFail.OIDCToken.Expired", "This JsonWebToken is expired.")
	}
	if !slices.Contains(c.Audience, DefaultOIDCAudience) {
		return c, protocol.NewError(http.StatusUnauthorized, "AuthenticationFail.OIDCToken.AudienceNotMatch", "Invalid audience.")
	}
	return c, nil
}
