package emulator

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/protocol"
)

// STSVersion is the API version of the Security Token Service; a call with it goes to the
// STS actions below instead of ECS.
const STSVersion = "2015-04-01"

// stsHandlers are the STS actions the emulator serves.
var stsHandlers = map[string]handler{
	"AssumeRole":         assumeRole,
	"AssumeRoleWithOIDC": assumeRoleWithOIDC,
	"GetCallerIdentity":  getCallerIdentity,
}

// Documented limits of AssumeRole and AssumeRoleWithOIDC (STS API reference, 2015-04-01).
const (
	minSessionSeconds     = 900
	defaultSessionSeconds = 3600
	// maxSessionSeconds is a role's default MaxSessionDuration; a role may allow up to 12 h.
	maxSessionSeconds = 3600
)

var sessionNamePattern = regexp.MustCompile(`^[a-zA-Z0-9.@_-]{2,64}$`)

// RoleArn is the ARN of one of the emulator's roles: acs:ram::<account>:role/<name>.
func (s *Server) RoleArn(name string) string {
	return "acs:ram::" + s.opts.AccountID + ":role/" + strings.ToLower(name)
}

// OIDCProviderArn is the ARN of the emulator's OIDC identity provider.
func (s *Server) OIDCProviderArn() string {
	return "acs:ram::" + s.opts.AccountID + ":oidc-provider/" + s.opts.OIDCProviderName
}

// roleByArn finds the role an ARN names (role names are case-insensitive).
func (s *Server) roleByArn(arn string) (name string, apiErr *protocol.APIError) {
	prefix := "acs:ram::"
	rest, ok := strings.CutPrefix(arn, prefix)
	account, role, ok2 := strings.Cut(rest, ":role/")
	if !ok || !ok2 || account == "" || role == "" {
		return "", protocol.NewError(http.StatusBadRequest, "InvalidParameter.RoleArn", "The parameter RoleArn is wrongly formed.")
	}
	if account == s.opts.AccountID {
		for _, r := range s.opts.Roles {
			if strings.EqualFold(r, role) {
				return strings.ToLower(r), nil
			}
		}
	}
	return "", protocol.NewError(http.StatusNotFound, "EntityNotExist.Role", "The role not exists: "+arn+".")
}

// roleID is a stable numeric id for a role, as RAM gives each role one.
func roleID(name string) string {
	h := fnv.New64a()
	h.Write([]byte(name))
	return fmt.Sprintf("3%018d", h.Sum64()%1_000_000_000_000_000_000)
}

// sessionRequest is what AssumeRole and AssumeRoleWithOIDC share.
type sessionRequest struct {
	roleArn, roleName, sessionName, policy string
	lifetime                               time.Duration
}

func (s *Server) parseSessionRequest(req *protocol.Request, nameRequired bool) (sessionRequest, *protocol.APIError) {
	var sr sessionRequest
	sr.roleArn = req.Get("RoleArn")
	if sr.roleArn == "" {
		return sr, protocol.ErrMissingParameter("RoleArn")
	}
	sr.sessionName = req.Get("RoleSessionName")
	switch {
	case sr.sessionName == "" && nameRequired:
		return sr, protocol.ErrMissingParameter("RoleSessionName")
	case sr.sessionName == "":
		sr.sessionName = "oidc-session"
	case !sessionNamePattern.MatchString(sr.sessionName):
		return sr, protocol.NewError(http.StatusBadRequest, "InvalidParameter.RoleSessionName",
			"The parameter RoleSessionName is wrongly formed.")
	}
	seconds, present, err := req.Int("DurationSeconds")
	if err != nil {
		return sr, err.(*protocol.APIError)
	}
	if !present {
		seconds = defaultSessionSeconds
	}
	if seconds < minSessionSeconds || seconds > maxSessionSeconds {
		return sr, protocol.NewError(http.StatusBadRequest, "InvalidParameter.DurationSeconds",
			"The Min/Max value of DurationSeconds is 15min/1hr.")
	}
	sr.lifetime = time.Duration(seconds) * time.Second
	if s.opts.CredentialLifetime > 0 {
		sr.lifetime = s.opts.CredentialLifetime
	}
	if sr.policy = req.Get("Policy"); sr.policy != "" {
		if _, perr := parsePolicy([]byte(sr.policy)); perr != nil {
			return sr, protocol.NewError(http.StatusBadRequest, "InvalidParameter.PolicyGrammar",
				"The parameter Policy has not passed grammar check.")
		}
	}
	name, apiErr := s.roleByArn(sr.roleArn)
	if apiErr != nil {
		return sr, apiErr
	}
	sr.roleName = name
	return sr, nil
}

// stsCredentials is the Credentials object of the STS answers.
type stsCredentials struct {
	AccessKeyID     string `json:"AccessKeyId"`
	AccessKeySecret string `json:"AccessKeySecret"`
	SecurityToken   string `json:"SecurityToken"`
	Expiration      string `json:"Expiration"`
}

type assumedRoleUser struct {
	Arn           string `json:"Arn"`
	AssumedRoleID string `json:"AssumedRoleId"`
}

func (s *Server) startSession(sr sessionRequest) (*session, any) {
	id := roleID(sr.roleName)
	sess := s.sessions.issue(s.RoleArn(sr.roleName), id, sr.sessionName, sr.policy, sr.lifetime)
	return sess, assumedRoleUser{
		Arn:           s.RoleArn(sr.roleName) + "/" + sr.sessionName,
		AssumedRoleID: id + ":" + sr.sessionName,
	}
}

func credentialsOf(sess *session) stsCredentials {
	return stsCredentials{sess.keyID, sess.secret, sess.token, sess.expiration()}
}

// assumeRole issues temporary credentials of a role to a signed caller.
func assumeRole(s *Server, req *protocol.Request) (any, error) {
	sr, apiErr := s.parseSessionRequest(req, true)
	if apiErr != nil {
		return nil, apiErr
	}
	sess, user := s.startSession(sr)
	return map[string]any{"AssumedRoleUser": user, "Credentials": credentialsOf(sess)}, nil
}

// assumeRoleWithOIDC issues temporary credentials of a role to the holder of an OIDC token
// that the emulator's identity provider signed (Server.OIDCToken).
func assumeRoleWithOIDC(s *Server, req *protocol.Request) (any, error) {
	providerArn := req.Get("OIDCProviderArn")
	if providerArn == "" {
		return nil, protocol.ErrMissingParameter("OIDCProviderArn")
	}
	token := strings.TrimSpace(req.Get("OIDCToken"))
	if token == "" {
		return nil, protocol.NewError(http.StatusUnauthorized, "AuthenticationFail.OIDCToken.Invalid", "The OIDCToken can not empty.")
	}
	if providerArn != s.OIDCProviderArn() {
		return nil, protocol.NewError(http.StatusUnauthorized, "AuthenticationFail.NoPermission", "No such OIDC Provider registered.")
	}
	claims, apiErr := s.oidc.verify(token)
	if apiErr != nil {
		return nil, apiErr
	}
	sr, apiErr := s.parseSessionRequest(req, false)
	if apiErr != nil {
		return nil, apiErr
	}
	sess, user := s.startSession(sr)
	return map[string]any{"AssumedRoleUser": user, "Credentials": credentialsOf(sess),
		"OIDCTokenInfo": map[string]any{"Subject": claims.Subject, "Issuer": claims.Issuer,
			"ClientIds": strings.Join(claims.Audience, ","), "ExpirationTime": time.Unix(claims.Expiry, 0).UTC().Format("2006-01-02T15:04:05Z"),
			"IssuanceTime": time.Unix(claims.IssuedAt, 0).UTC().Format("2006-01-02T15:04:05Z")}}, nil
}

// getCallerIdentity says who signed the call: the RAM user of the permanent AccessKey, or the
// role session of temporary credentials.
func getCallerIdentity(s *Server, req *protocol.Request) (any, error) {
	if sess, ok := s.sessions.get(req.AccessKeyID); ok {
		return map[string]any{"IdentityType": "AssumedRoleUser", "AccountId": s.opts.AccountID,
			"Arn":         strings.Replace(sess.roleArn, ":role/", ":assumed-role/", 1) + "/" + sess.sessionName,
			"PrincipalId": sess.roleID + ":" + sess.sessionName, "RoleId": sess.roleID}, nil
	}
	return map[string]any{"IdentityType": "RAMUser", "AccountId": s.opts.AccountID,
		"Arn": "acs:ram::" + s.opts.AccountID + ":user/" + emulatorUser, "PrincipalId": emulatorUserID, "UserId": emulatorUserID}, nil
}

// The RAM user that owns the permanent AccessKey.
const (
	emulatorUser   = "emulator"
	emulatorUserID = "200000000000000001"
)

// isSTS says whether a call is for STS rather than ECS.
func isSTS(req *protocol.Request) bool { return req.Version == STSVersion }

// RoleNames are the account's roles, in the order given (Options.Roles).
func (s *Server) RoleNames() []string { return append([]string(nil), s.opts.Roles...) }
