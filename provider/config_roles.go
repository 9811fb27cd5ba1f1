package provider

import (
	"os"

	"github.com/pulumi/pulumi-go-provider/infer"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
)

// AssumeRoleConfig is the `assumeRole` setting, named as in the bridged alicloud provider.
type AssumeRoleConfig struct {
	RoleArn           string  `pulumi:"roleArn"`
	SessionName       *string `pulumi:"sessionName,optional"`
	ExternalID        *string `pulumi:"externalId,optional"`
	SessionExpiration *int    `pulumi:"sessionExpiration,optional"`
	Policy            *string `pulumi:"policy,optional"`
}

// Annotate documents the fields; the texts become the SDKs' docs.
func (a *AssumeRoleConfig) Annotate(an infer.Annotator) {
	an.Describe(&a.RoleArn, "The ARN of the RAM role to assume, such as `acs:ram::123456789012:role/pulumi-deployer`.")
	an.Describe(&a.SessionName, "The session name STS records in the audit trail; defaults to `pulumi-cloudassistant`.")
	an.Describe(&a.ExternalID, "The external ID the role's trust policy requires, if any.")
	an.Describe(&a.SessionExpiration, "How long each set of temporary credentials lasts, 900 to 3600 seconds; "+
		"defaults to 3600. The provider refreshes them before they expire.")
	an.Describe(&a.Policy, "A RAM policy document that narrows the role's permissions for this session.")
}

// AssumeRoleWithOidcConfig is the `assumeRoleWithOidc` setting.
type AssumeRoleWithOidcConfig struct {
	RoleArn         *string `pulumi:"roleArn,optional"`
	OidcProviderArn *string `pulumi:"oidcProviderArn,optional"`
	OidcTokenFile   *string `pulumi:"oidcTokenFile,optional"`
	OidcToken       *string `pulumi:"oidcToken,optional" provider:"secret"`
	SessionName     *string `pulumi:"sessionName,optional"`
}

// Annotate documents the fields.
func (a *AssumeRoleWithOidcConfig) Annotate(an infer.Annotator) {
	an.Describe(&a.RoleArn, "The ARN of the RAM role to assume. Defaults to `ALIBABA_CLOUD_ROLE_ARN`.")
	an.Describe(&a.OidcProviderArn, "The ARN of the account's OIDC identity provider, such as "+
		"`acs:ram::123456789012:oidc-provider/github`. Defaults to `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`.")
	an.Describe(&a.OidcTokenFile, "A file holding the OIDC token, read again at every refresh (CI systems rotate "+
		"it). Defaults to `ALIBABA_CLOUD_OIDC_TOKEN_FILE`.")
	an.Describe(&a.OidcToken, "The OIDC token itself, instead of a file. Stored as a secret.")
	an.Describe(&a.SessionName, "The session name STS records in the audit trail; defaults to `pulumi-cloudassistant`.")
}

// Environment variables of the OIDC path: the Alibaba Cloud SDKs' names.
const (
	envRoleArn         = "ALIBABA_CLOUD_ROLE_ARN"
	envOIDCProviderArn = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN"
	envOIDCTokenFile   = "ALIBABA_CLOUD_OIDC_TOKEN_FILE"
)

func (a *AssumeRoleConfig) options() *ecsclient.AssumeRole {
	if a == nil {
		return nil
	}
	o := &ecsclient.AssumeRole{RoleArn: a.RoleArn, SessionName: deref(a.SessionName),
		ExternalID: deref(a.ExternalID), Policy: deref(a.Policy)}
	if a.SessionExpiration != nil {
		o.SessionExpiration = *a.SessionExpiration
	}
	return o
}

// options fills the OIDC path from the setting and the environment; without the setting,
// the path is taken only when all three variables are set, as the SDKs' default chain does.
func (a *AssumeRoleWithOidcConfig) options() *ecsclient.AssumeRoleWithOIDC {
	if a == nil {
		if os.Getenv(envRoleArn) == "" || os.Getenv(envOIDCProviderArn) == "" || os.Getenv(envOIDCTokenFile) == "" {
			return nil
		}
		a = &AssumeRoleWithOidcConfig{}
	}
	o := &ecsclient.AssumeRoleWithOIDC{
		RoleArn:         pick(a.RoleArn, []string{envRoleArn}),
		OIDCProviderArn: pick(a.OidcProviderArn, []string{envOIDCProviderArn}),
		OIDCToken:       deref(a.OidcToken),
		SessionName:     deref(a.SessionName),
	}
	if o.OIDCToken == "" {
		o.OIDCTokenFile = pick(a.OidcTokenFile, []string{envOIDCTokenFile})
	}
	return o
}
