package protocol

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"time"
)

// timestampLayout is the UTC ISO 8601 form clients send in Timestamp and x-acs-date.
const timestampLayout = "2006-01-02T15:04:05Z"

// DefaultWindow is how far a request's timestamp may be from the server clock.
const DefaultWindow = 15 * time.Minute

// Verifier authenticates requests. The zero value with Credentials set is ready; it must
// not be copied after first use (it holds the nonce cache).
type Verifier struct {
	// Credentials returns the secret of an AccessKeyId; ok false means unknown.
	Credentials func(accessKeyID string) (secret string, ok bool)
	Now         func() time.Time // default time.Now
	Window      time.Duration    // default DefaultWindow
	// APIVersion, when set, rejects other versions with InvalidVersion.
	APIVersion string

	nonces nonceCache
}

// PersistNonces makes v report each accepted nonce (saved, with the time until which it must
// be refused) and each forgotten one (expired), so that its owner can keep them across a
// restart and give them back with RememberNonce. Call it before the first request.
func (v *Verifier) PersistNonces(saved func(key string, until time.Time), expired func(key string)) {
	v.nonces.mu.Lock()
	defer v.nonces.mu.Unlock()
	v.nonces.saved, v.nonces.expired = saved, expired
}

// RememberNonce restores a nonce accepted before a restart: until then, a request carrying
// it again is refused with SignatureNonceUsed.
func (v *Verifier) RememberNonce(key string, until time.Time) {
	if v.now().Before(until) {
		v.nonces.remember(key, until)
	}
}

// UseNonce records a nonce of another scheme (the emulator's control calls) with the API's,
// persisted alike, and reports whether it was unused: a replay within the window is refused.
func (v *Verifier) UseNonce(scheme, nonce string) bool {
	return v.nonces.use(scheme+"\x00"+nonce, v.now(), 2*v.window())
}

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

func (v *Verifier) window() time.Duration {
	if v.Window > 0 {
		return v.Window
	}
	return DefaultWindow
}

// Authenticate parses and verifies one call. body is the whole request body (the caller
// reads it, with a size limit). It checks, in order: parameters present, AccessKeyId
// known, timestamp within the window, signature, nonce unused, version; the nonce is
// recorded only for a request that is signed correctly.
func (v *Verifier) Authenticate(r *http.Request, body []byte) (*Request, *APIError) {
	params, apiErr := collectParams(r, body)
	if apiErr != nil {
		return nil, apiErr
	}
	var req *Request
	if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "ACS3-") {
		req, apiErr = v.authV3(r, body, params, auth)
	} else {
		req, apiErr = v.authV1(r, params)
	}
	if apiErr != nil {
		return nil, apiErr
	}
	if v.APIVersion != "" && req.Version != v.APIVersion {
		return nil, ErrInvalidVersion(req.Version)
	}
	return req, nil
}

// check runs the steps both versions share once the signature inputs are known.
func (v *Verifier) check(keyID, timestamp, nonce string, verify func(secret string) *APIError) *APIError {
	if v.Credentials == nil {
		return ErrInternal("the emulator has no credentials configured")
	}
	secret, ok := v.Credentials(keyID)
	if !ok {
		return ErrInvalidAccessKeyID()
	}
	ts, err := time.Parse(time.RFC3339, timestamp)
	if err != nil {
		return ErrTimestampFormat(timestamp)
	}
	now := v.now()
	if d := now.Sub(ts); d > v.window() || d < -v.window() {
		return ErrTimestampExpired(timestamp)
	}
	if e := verify(secret); e != nil {
		return e
	}
	// Twice the window: a timestamp may lead the clock by one window and lag by another.
	if !v.nonces.use(keyID+"\x00"+nonce, now, 2*v.window()) {
		return ErrNonceUsed(nonce)
	}
	return nil
}

func equalSignature(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
