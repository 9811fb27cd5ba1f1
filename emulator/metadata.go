package emulator

import (
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The instance metadata service, as an ECS instance with a RAM role attached sees it at
// http://100.100.100.200: the Alibaba Cloud SDKs' ECS RAM role credential providers read
// the role's temporary credentials from these paths. The SDKs name that address and no
// override, so a client reaches the emulator's copy through an HTTP proxy: with
// HTTP_PROXY=<emulator URL> a Go (or Python) SDK sends "GET http://100.100.100.200/latest/…"
// to the emulator, and loopback calls (the ECS and STS endpoints) still go direct.
const (
	metadataHost   = "100.100.100.200"
	metadataPrefix = "/latest/"
	credentialPath = "/latest/meta-data/ram/security-credentials/"
	tokenPath      = "/latest/api/token"
	// Headers of IMDSv2 (the hardened mode the SDKs try first).
	metadataTokenHeader    = "X-aliyun-ecs-metadata-token"
	metadataTokenTTLHeader = "X-aliyun-ecs-metadata-token-ttl-seconds"
)

// metadataState is the metadata service's memory: the IMDSv2 tokens handed out and the
// instance role's current credentials, rotated before they expire as ECS does.
type metadataState struct {
	mu      sync.Mutex
	tokens  map[string]time.Time
	current *session
}

// isMetadataRequest says whether r is for the metadata service.
func isMetadataRequest(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, metadataPrefix)
}

// serveMetadata answers the metadata paths in plain text or JSON, as the real service does.
func (s *Server) serveMetadata(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	if r.URL.Path == tokenPath {
		s.serveMetadataToken(w, r)
		return
	}
	if r.Method != http.MethodGet {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if tok := r.Header.Get(metadataTokenHeader); tok != "" && !s.metadata.validToken(tok) {
		http.Error(w, "invalid or expired metadata token", http.StatusUnauthorized)
		return
	}
	role, ok := strings.CutPrefix(r.URL.Path, credentialPath)
	switch {
	case !ok:
		http.NotFound(w, r)
	case s.opts.ECSRoleName == "":
		http.NotFound(w, r) // an instance without a RAM role lists none
	case role == "":
		_, _ = w.Write([]byte(s.opts.ECSRoleName))
	case !strings.EqualFold(role, s.opts.ECSRoleName):
		http.NotFound(w, r)
	default:
		sess := s.instanceRoleSession()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{
			"AccessKeyId": sess.keyID, "AccessKeySecret": sess.secret, "SecurityToken": sess.token,
			"Expiration": sess.expiration(), "LastUpdated": time.Now().UTC().Format("2006-01-02T15:04:05Z"), "Code": "Success",
		})
	}
}

// serveMetadataToken hands out an IMDSv2 token: PUT with the TTL header (1–21600 s).
func (s *Server) serveMetadataToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPut {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	ttl, err := strconv.Atoi(r.Header.Get(metadataTokenTTLHeader))
	if err != nil || ttl < 1 || ttl > 21600 {
		http.Error(w, metadataTokenTTLHeader+" must be 1-21600", http.StatusBadRequest)
		return
	}
	tok := randomToken(40)
	s.metadata.mu.Lock()
	if s.metadata.tokens == nil {
		s.metadata.tokens = map[string]time.Time{}
	}
	s.metadata.tokens[tok] = time.Now().Add(time.Duration(ttl) * time.Second)
	s.metadata.mu.Unlock()
	_, _ = w.Write([]byte(tok))
}

func (m *metadataState) validToken(tok string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	until, ok := m.tokens[tok]
	return ok && time.Now().Before(until)
}

// instanceRoleSession returns the role's credentials, issuing new ones once the current
// ones have less than half their life left.
func (s *Server) instanceRoleSession() *session {
	s.metadata.mu.Lock()
	defer s.metadata.mu.Unlock()
	lifetime := defaultSessionSeconds * time.Second
	if s.opts.CredentialLifetime > 0 {
		lifetime = s.opts.CredentialLifetime
	}
	if cur := s.metadata.current; cur != nil && time.Until(cur.expires) > lifetime/2 {
		return cur
	}
	name := strings.ToLower(s.opts.ECSRoleName)
	s.metadata.current = s.sessions.issue(s.RoleArn(name), roleID(name), "ecs-instance", "", lifetime)
	return s.metadata.current
}

// metadataHostAllowed lets the metadata paths through the Host check under the metadata
// service's own address (the proxied form).
func metadataHostAllowed(r *http.Request) bool {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return host == metadataHost && isMetadataRequest(r)
}
