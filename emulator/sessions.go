package emulator

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/protocol"
)

// A session is a set of temporary credentials the emulator issued (STS AssumeRole,
// AssumeRoleWithOIDC, or the metadata service's ECS instance role): an AccessKeyId that the
// verifier knows, its secret, the SecurityToken every call must carry with it, and when it
// stops working. Sessions live in memory only, as short-lived credentials should.
type session struct {
	keyID, secret, token string
	expires              time.Time
	roleArn              string // the role the session acts as
	sessionName          string
	roleID               string
	policy               *ramPolicy // the session policy AssumeRole was given, narrowing the role's
}

// sessions holds the issued credentials by AccessKeyId.
type sessions struct {
	mu   sync.Mutex
	byID map[string]*session
}

// issue mints a session for roleArn, narrowed by a session policy when not empty, that
// expires after lifetime.
func (ss *sessions) issue(roleArn, roleID, sessionName, policy string, lifetime time.Duration) *session {
	s := &session{
		keyID:       "STS.NT" + randomToken(12),
		secret:      randomToken(20),
		token:       "CAIS" + randomToken(48),
		expires:     time.Now().Add(lifetime).Truncate(time.Second),
		roleArn:     roleArn,
		roleID:      roleID,
		sessionName: sessionName,
	}
	if policy != "" {
		s.policy, _ = parsePolicy([]byte(policy)) // checked by AssumeRole already
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.byID == nil {
		ss.byID = map[string]*session{}
	}
	// Forget sessions long expired, so a busy test run does not grow the map forever.
	for id, old := range ss.byID {
		if time.Since(old.expires) > time.Hour {
			delete(ss.byID, id)
		}
	}
	ss.byID[s.keyID] = s
	return s
}

// get returns the session of an AccessKeyId, expired or not.
func (ss *sessions) get(keyID string) (*session, bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s, ok := ss.byID[keyID]
	return s, ok
}

// expiration is the session's end as the STS and metadata answers spell it.
func (s *session) expiration() string { return s.expires.UTC().Format("2006-01-02T15:04:05Z") }

// checkSecurityToken enforces the rules of temporary credentials once a call's signature is
// verified: a session's AccessKeyId is accepted only with its own SecurityToken and only
// until it expires. Calls signed with the permanent AccessKey pass.
func (s *Server) checkSecurityToken(req *protocol.Request) *protocol.APIError {
	sess, ok := s.sessions.get(req.AccessKeyID)
	if !ok {
		return nil
	}
	if req.SecurityToken == "" {
		return protocol.NewError(http.StatusBadRequest, "MissingSecurityToken", "SecurityToken is mandatory for this action.")
	}
	if req.SecurityToken != sess.token {
		return protocol.NewError(http.StatusBadRequest, "InvalidSecurityToken.MismatchWithAccessKey",
			"Specified SecurityToken mismatch with the AccessKey.")
	}
	if !time.Now().Before(sess.expires) {
		return protocol.NewError(http.StatusBadRequest, "InvalidSecurityToken.Expired", "Specified SecurityToken is expired.")
	}
	return nil
}

// secretOf is the verifier's credential look-up: the permanent pair and every issued session.
func (s *Server) secretOf(keyID string) (string, bool) {
	if keyID == s.opts.AccessKeyID {
		return s.opts.AccessKeySecret, true
	}
	if sess, ok := s.sessions.get(keyID); ok {
		return sess.secret, true
	}
	return "", false
}

// principalOf names who makes a call, for RAM policies: the role ARN of a session, else the
// AccessKeyId itself.
func (s *Server) principalOf(keyID string) string {
	if sess, ok := s.sessions.get(keyID); ok {
		return sess.roleArn
	}
	return keyID
}

func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return strings.ToUpper(hex.EncodeToString(b))[:n]
}
