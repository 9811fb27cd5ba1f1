// Package deps pins tool dependencies. Temporary during bootstrap.
package deps

import (
	_ "github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	_ "github.com/pulumi/pulumi-go-provider/infer"
	_ "github.com/pulumi/pulumi-go-provider/integration"
	_ "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	_ "github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	_ "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	_ "github.com/pulumi/pulumi/sdk/v3/go/auto"
	_ "github.com/robfig/cron/v3"
	_ "github.com/stretchr/testify/require"
	_ "go.etcd.io/bbolt"
)
