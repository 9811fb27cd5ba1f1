package emulator

import (
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRAMPolicyDecidesEachCall: with a policy for the AccessKey, only what it allows passes,
// an explicit Deny wins over an Allow, resources scope by id with wildcards, and a refusal is
// Forbidden.RAM naming the action.
func TestRAMPolicyDecidesEachCall(t *testing.T) {
	t.Parallel()
	policy := `{"Version":"1","Statement":[
	  {"Effect":"Allow","Action":["ecs:Describe*","ecs:CreateCommand"],"Resource":"*"},
	  {"Effect":"Allow","Action":"ecs:InvokeCommand","Resource":["acs:ecs:*:*:command/*","acs:ecs:cn-hangzhou:` + DefaultAccountID + `:instance/i-emu00000000000001"]},
	  {"Effect":"Deny","Action":"ecs:DescribeInstances","Resource":"*"}]}`
	srv := start(t, Options{RAMPolicies: map[string][]byte{DefaultAccessKeyID: []byte(policy)}})
	c := client(t, srv)

	_, err := c.DescribeCommands(ecs.CreateDescribeCommandsRequest())
	require.NoError(t, err, "allowed by ecs:Describe*")
	_, err = c.DescribeInstances(ecs.CreateDescribeInstancesRequest())
	requireCode(t, err, "Forbidden.RAM", 403)
	assert.Contains(t, serverError(t, err).Message(), "ecs:DescribeInstances", "an explicit Deny wins")

	create := ecs.CreateCreateCommandRequest()
	create.Name, create.Type, create.CommandContent = "x", "RunShellScript", b64("true")
	resp, err := c.CreateCommand(create)
	require.NoError(t, err)

	invoke := func(instance string) error {
		req := ecs.CreateInvokeCommandRequest()
		req.CommandId = resp.CommandId
		req.InstanceId = &[]string{instance}
		_, err := c.InvokeCommand(req)
		return err
	}
	require.NoError(t, invoke("i-emu00000000000001"))
	err = invoke("i-emu00000000000002")
	requireCode(t, err, "Forbidden.RAM", 403)
	assert.Contains(t, serverError(t, err).Message(), "ecs:InvokeCommand")
	assert.Contains(t, serverError(t, err).Message(), "instance/i-emu00000000000002")

	del := ecs.CreateDeleteCommandRequest()
	del.CommandId = resp.CommandId
	_, err = c.DeleteCommand(del)
	requireCode(t, err, "Forbidden.RAM", 403)
	assert.Contains(t, serverError(t, err).Message(), "ecs:DeleteCommand")
}

// TestRAMPolicyOfARoleAndItsSession: a role's policy binds its sessions; a session policy
// narrows it further; an unlisted principal (the AccessKey here) is unrestricted.
func TestRAMPolicyOfARoleAndItsSession(t *testing.T) {
	t.Parallel()
	arn := "acs:ram::" + DefaultAccountID + ":role/" + DefaultRoleName
	srv := start(t, Options{RAMPolicies: map[string][]byte{arn: []byte(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:Describe*","Resource":"*"}]}`)}})

	// The AccessKey is not listed: it may create.
	create := ecs.CreateCreateCommandRequest()
	create.Name, create.Type, create.CommandContent = "x", "RunShellScript", b64("true")
	_, err := client(t, srv).CreateCommand(create)
	require.NoError(t, err)

	sc := stsClient(t, srv, srv.AccessKeyID(), srv.AccessKeySecret(), "")
	roleClient := func(sessionPolicy string) *ecs.Client {
		req := assumeRoleRequest(arn)
		req.Policy = sessionPolicy
		resp, err := sc.AssumeRole(req)
		require.NoError(t, err)
		cr := resp.Credentials
		newClientMu.Lock()
		ec, err := ecs.NewClientWithStsToken(srv.Region(), cr.AccessKeyId, cr.AccessKeySecret, cr.SecurityToken)
		newClientMu.Unlock()
		require.NoError(t, err)
		ec.Domain = client(t, srv).Domain
		return ec
	}
	role := roleClient("")
	require.Equal(t, arn, srv.RoleArn(DefaultRoleName))
	_, err = role.DescribeCommands(ecs.CreateDescribeCommandsRequest())
	require.NoError(t, err)
	_, err = role.CreateCommand(create)
	requireCode(t, err, "Forbidden.RAM", 403)

	narrowed := roleClient(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:DescribeInvocations","Resource":"*"}]}`)
	_, err = narrowed.DescribeInvocations(ecs.CreateDescribeInvocationsRequest())
	require.NoError(t, err)
	_, err = narrowed.DescribeCommands(ecs.CreateDescribeCommandsRequest())
	requireCode(t, err, "Forbidden.RAM", 403)
}

func TestRAMPolicyParsing(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{`{}`, `{"Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}`, `{"Statement":[{"Effect":"Allow","Resource":"*"}]}`, `[`} {
		_, err := parsePolicy([]byte(bad))
		assert.Error(t, err, bad)
	}
	p, err := parsePolicy([]byte(`{"Statement":[{"Effect":"Allow","Action":"ECS:describe*","Resource":"acs:ecs:*:*:command/c-?1*"}]}`))
	require.NoError(t, err)
	assert.Equal(t, allowed, p.evaluate("ecs:DescribeCommands", []string{"acs:ecs:cn-hangzhou:1:command/c-a1b"}))
	assert.Equal(t, notMatched, p.evaluate("ecs:DescribeCommands", []string{"acs:ecs:cn-hangzhou:1:command/c-ab"}))
	assert.Equal(t, notMatched, p.evaluate("ecs:CreateCommand", []string{"acs:ecs:cn-hangzhou:1:command/c-a1"}))
}

// TestRAMPolicyGuardsAssumeRole: a listed AccessKey needs sts:AssumeRole on the role.
func TestRAMPolicyGuardsAssumeRole(t *testing.T) {
	t.Parallel()
	arn := "acs:ram::" + DefaultAccountID + ":role/" + DefaultRoleName
	srv := start(t, Options{RAMPolicies: map[string][]byte{DefaultAccessKeyID: []byte(
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"acs:ram::*:role/other"}]}`)}})
	_, err := stsClient(t, srv, srv.AccessKeyID(), srv.AccessKeySecret(), "").AssumeRole(assumeRoleRequest(arn))
	requireCode(t, err, "Forbidden.RAM", 403)
	assert.Contains(t, serverError(t, err).Message(), "sts:AssumeRole")
}
