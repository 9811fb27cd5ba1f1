package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stsClient is the official classic Go SDK's STS client (it signs V1) pointed at srv.
func stsClient(t testing.TB, srv *Server, id, secret, token string) *sts.Client {
	t.Helper()
	newClientMu.Lock()
	defer newClientMu.Unlock()
	var c *sts.Client
	var err error
	if token == "" {
		c, err = sts.NewClientWithAccessKey(srv.Region(), id, secret)
	} else {
		c, err = sts.NewClientWithStsToken(srv.Region(), id, secret, token)
	}
	require.NoError(t, err)
	c.Domain = strings.TrimPrefix(srv.URL(), "http://")
	c.GetConfig().Scheme = "HTTP"
	return c
}

func assumeRoleRequest(arn string) *sts.AssumeRoleRequest {
	req := sts.CreateAssumeRoleRequest()
	req.Scheme = "http"
	req.RoleArn = arn
	req.RoleSessionName = "pulumi-test"
	return req
}

// TestSTSAssumeRoleWithTheOfficialGoClient: the classic SDK's STS client, unmodified, gets
// temporary credentials that the ECS API then accepts, and GetCallerIdentity tells the two
// identities apart.
func TestSTSAssumeRoleWithTheOfficialGoClient(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	c := stsClient(t, srv, srv.AccessKeyID(), srv.AccessKeySecret(), "")

	who := sts.CreateGetCallerIdentityRequest()
	who.Scheme = "http"
	me, err := c.GetCallerIdentity(who)
	require.NoError(t, err)
	assert.Equal(t, "RAMUser", me.IdentityType)
	assert.Equal(t, DefaultAccountID, me.AccountId)

	resp, err := c.AssumeRole(assumeRoleRequest(srv.RoleArn(DefaultRoleName)))
	require.NoError(t, err)
	cr := resp.Credentials
	require.NotEmpty(t, cr.AccessKeyId)
	require.NotEmpty(t, cr.SecurityToken)
	exp, err := time.Parse("2006-01-02T15:04:05Z", cr.Expiration)
	require.NoError(t, err)
	assert.InDelta(t, time.Hour.Seconds(), time.Until(exp).Seconds(), 5, "DurationSeconds defaults to an hour")
	assert.Equal(t, srv.RoleArn(DefaultRoleName)+"/pulumi-test", resp.AssumedRoleUser.Arn)

	// The temporary credentials work for ECS, signed by the ECS client with the token.
	newClientMu.Lock()
	ec, err := ecs.NewClientWithOptions(srv.Region(), sdk.NewConfig(), credentials.NewStaticSTSCredentialsProvider(cr.AccessKeyId, cr.AccessKeySecret, cr.SecurityToken))
	newClientMu.Unlock()
	require.NoError(t, err)
	ec.Domain = strings.TrimPrefix(srv.URL(), "http://")
	_, err = ec.DescribeCommands(ecs.CreateDescribeCommandsRequest())
	require.NoError(t, err)

	as := stsClient(t, srv, cr.AccessKeyId, cr.AccessKeySecret, cr.SecurityToken)
	role, err := as.GetCallerIdentity(who)
	require.NoError(t, err)
	assert.Equal(t, "AssumedRoleUser", role.IdentityType)
	assert.Equal(t, "acs:ram::"+DefaultAccountID+":assumed-role/"+DefaultRoleName+"/pulumi-test", role.Arn)

	// The key without its token, or with another token, is refused.
	bare := newSDKClient(t, srv.Region(), cr.AccessKeyId, cr.AccessKeySecret)
	bare.Domain = ec.Domain
	_, err = bare.DescribeCommands(ecs.CreateDescribeCommandsRequest())
	requireCode(t, err, "MissingSecurityToken", 400)
	wrong := stsClient(t, srv, cr.AccessKeyId, cr.AccessKeySecret, "CAISnot-the-token")
	_, err = wrong.GetCallerIdentity(who)
	requireCode(t, err, "InvalidSecurityToken.MismatchWithAccessKey", 400)
}

// TestSTSDocumentedErrors: the answers of the STS reference for a role that does not exist,
// a malformed ARN, a session name or duration out of range and a policy that is not one.
func TestSTSDocumentedErrors(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	c := stsClient(t, srv, srv.AccessKeyID(), srv.AccessKeySecret(), "")
	cases := []struct {
		name   string
		edit   func(*sts.AssumeRoleRequest)
		code   string
		status int
	}{
		{"unknown role", func(r *sts.AssumeRoleRequest) { r.RoleArn = srv.RoleArn("nobody") }, "EntityNotExist.Role", 404},
		{"other account", func(r *sts.AssumeRoleRequest) { r.RoleArn = "acs:ram::999:role/" + DefaultRoleName }, "EntityNotExist.Role", 404},
		{"malformed arn", func(r *sts.AssumeRoleRequest) { r.RoleArn = "role/" + DefaultRoleName }, "InvalidParameter.RoleArn", 400},
		{"session name", func(r *sts.AssumeRoleRequest) { r.RoleSessionName = "a" }, "InvalidParameter.RoleSessionName", 400},
		{"short duration", func(r *sts.AssumeRoleRequest) { r.DurationSeconds = "600" }, "InvalidParameter.DurationSeconds", 400},
		{"policy", func(r *sts.AssumeRoleRequest) { r.Policy = `{"Statement":"no"}` }, "InvalidParameter.PolicyGrammar", 400},
	}
	for _, tc := range cases {
		req := assumeRoleRequest(srv.RoleArn(DefaultRoleName))
		tc.edit(req)
		_, err := c.AssumeRole(req)
		requireCode(t, err, tc.code, tc.status)
	}
}

// TestSTSCredentialsExpire: once a session's expiry passes, ECS refuses its calls with
// InvalidSecurityToken.Expired.
func TestSTSCredentialsExpire(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{CredentialLifetime: 2 * time.Second})
	resp, err := stsClient(t, srv, srv.AccessKeyID(), srv.AccessKeySecret(), "").AssumeRole(assumeRoleRequest(srv.RoleArn(DefaultRoleName)))
	require.NoError(t, err)
	cr := resp.Credentials
	as := stsClient(t, srv, cr.AccessKeyId, cr.AccessKeySecret, cr.SecurityToken)
	who := sts.CreateGetCallerIdentityRequest()
	who.Scheme = "http"
	_, err = as.GetCallerIdentity(who)
	require.NoError(t, err)
	exp, err := time.Parse("2006-01-02T15:04:05Z", cr.Expiration)
	require.NoError(t, err)
	time.Sleep(time.Until(exp) + 100*time.Millisecond)
	_, err = as.GetCallerIdentity(who)
	requireCode(t, err, "InvalidSecurityToken.Expired", 400)
}

// TestSTSWithTheTeaClientV3: the current generation of SDKs signs V3; STS answers it too.
func TestSTSWithTheTeaClientV3(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	c := teaClient(t, srv)
	authType := "AK"
	call := func(action string, query map[string]*string) (map[string]any, error) {
		params := &openapiutil.Params{Action: tea.String(action), Version: tea.String(STSVersion), Protocol: tea.String("HTTP"),
			Pathname: tea.String("/"), Method: tea.String("POST"), AuthType: tea.String(authType), Style: tea.String("RPC"),
			ReqBodyType: tea.String("formData"), BodyType: tea.String("json")}
		return c.CallApi(params, &openapiutil.OpenApiRequest{Query: query}, &dara.RuntimeOptions{})
	}
	out, err := call("GetCallerIdentity", nil)
	require.NoError(t, err)
	assert.Equal(t, "RAMUser", out["body"].(map[string]any)["IdentityType"])
	out, err = call("AssumeRole", map[string]*string{"RoleArn": tea.String(srv.RoleArn(DefaultRoleName)), "RoleSessionName": tea.String("v3")})
	require.NoError(t, err)
	cr := out["body"].(map[string]any)["Credentials"].(map[string]any)
	assert.NotEmpty(t, cr["SecurityToken"])
	_, err = call("AssumeRole", map[string]*string{"RoleArn": tea.String(srv.RoleArn("nobody")), "RoleSessionName": tea.String("v3")})
	requireTeaCode(t, err, "EntityNotExist.Role", 404)

	// AssumeRoleWithOIDC goes unsigned (the Tea SDKs' Anonymous auth type).
	authType = "Anonymous"
	out, err = call("AssumeRoleWithOIDC", map[string]*string{"RoleArn": tea.String(srv.RoleArn(DefaultRoleName)),
		"OIDCProviderArn": tea.String(srv.OIDCProviderArn()), "OIDCToken": tea.String(srv.OIDCToken("v3", time.Minute)),
		"RoleSessionName": tea.String("v3")})
	require.NoError(t, err)
	assert.NotEmpty(t, out["body"].(map[string]any)["Credentials"].(map[string]any)["AccessKeyId"])
}

// TestSTSAssumeRoleWithOIDC: an unsigned form POST, as the SDKs' OIDC credential providers
// send it, trades an OIDC token of the emulator's provider for credentials; expired, foreign
// and malformed tokens get the documented AuthenticationFail answers.
func TestSTSAssumeRoleWithOIDC(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	post := func(token, provider string) (*http.Response, map[string]any) {
		q := url.Values{"Action": {"AssumeRoleWithOIDC"}, "Version": {STSVersion}, "Format": {"JSON"},
			"Timestamp": {time.Now().UTC().Format("2006-01-02T15:04:05Z")}}
		form := url.Values{"RoleArn": {srv.RoleArn(DefaultRoleName)}, "OIDCProviderArn": {provider},
			"OIDCToken": {token}, "RoleSessionName": {"ci"}, "DurationSeconds": {"3600"}}
		resp, err := http.Post(srv.URL()+"/?"+q.Encode(), "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
		require.NoError(t, err)
		defer resp.Body.Close()
		var body map[string]any
		require.NoError(t, decodeJSON(resp.Body, &body))
		return resp, body
	}
	resp, body := post(srv.OIDCToken("repo:org/app:ref:refs/heads/main", time.Minute), srv.OIDCProviderArn())
	require.Equal(t, 200, resp.StatusCode, body)
	assert.NotEmpty(t, body["Credentials"].(map[string]any)["SecurityToken"])
	assert.Equal(t, "repo:org/app:ref:refs/heads/main", body["OIDCTokenInfo"].(map[string]any)["Subject"])

	for _, tc := range []struct{ token, provider, code string }{
		{srv.OIDCToken("x", -time.Second), srv.OIDCProviderArn(), "AuthenticationFail.OIDCToken.Expired"},
		{"not.a-token", srv.OIDCProviderArn(), "AuthenticationFail.OIDCToken.Invalid"},
		{start(t, Options{}).OIDCToken("x", time.Minute), srv.OIDCProviderArn(), "AuthenticationFail.OIDCToken.InvalidSignature"},
		{srv.OIDCToken("x", time.Minute), "acs:ram::" + DefaultAccountID + ":oidc-provider/other", "AuthenticationFail.NoPermission"},
	} {
		resp, body := post(tc.token, tc.provider)
		assert.Equal(t, 401, resp.StatusCode, tc.code)
		assert.Equal(t, tc.code, body["Code"])
	}
}

// TestMetadataServesTheInstanceRole runs the SDK's own ECS RAM role credential provider,
// unmodified, in a child process whose HTTP_PROXY is the emulator (the SDK names the
// metadata address and no override; the proxy setting is read once per process).
func TestMetadataServesTheInstanceRole(t *testing.T) {
	if url := os.Getenv("EMULATOR_METADATA_CHILD"); url != "" {
		metadataChild(t, url)
		return
	}
	t.Parallel()
	srv := start(t, Options{})
	cmd := exec.Command(os.Args[0], "-test.run=^TestMetadataServesTheInstanceRole$", "-test.count=1")
	cmd.Env = append(os.Environ(), "EMULATOR_METADATA_CHILD="+srv.URL(), "HTTP_PROXY="+srv.URL(), "http_proxy="+srv.URL(), "NO_PROXY=", "no_proxy=")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	require.Contains(t, string(out), "PASS")
}

func metadataChild(t *testing.T, endpoint string) {
	p, err := credentials.NewECSRAMRoleCredentialsProviderBuilder().WithRoleName(DefaultRoleName).WithDisableIMDSv1(true).Build()
	require.NoError(t, err)
	cc, err := p.GetCredentials()
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(cc.AccessKeyId, "STS."), cc.AccessKeyId)
	newClientMu.Lock()
	ec, err := ecs.NewClientWithOptions(DefaultRegion, sdk.NewConfig(), p)
	newClientMu.Unlock()
	require.NoError(t, err)
	ec.Domain = strings.TrimPrefix(endpoint, "http://")
	_, err = ec.DescribeCommands(ecs.CreateDescribeCommandsRequest())
	require.NoError(t, err)
}

func decodeJSON(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }
