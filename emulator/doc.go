// Package emulator is a local emulator of the ECS Cloud Assistant RPC API that the unmodified
// Alibaba Cloud SDKs can talk to and that really runs the scripts, each instance a machine of
// its own (its root filesystem and namespaces, package internal/machine).
//
// Start one in-process with New(Options{Listen: "127.0.0.1:0"}), point the SDK's
// client.Domain at strings.TrimPrefix(srv.URL(), "http://") with scheme HTTP, and Close it
// when done. The layers are apart: internal/protocol (wire format and signatures), this
// package (one handler file per resource, answer shapes in response.go), internal/model (what
// a call does to the world), internal/runner (processes) and internal/store (memory or bbolt).
//
// It also plays the account's identity services: STS (sts.go: AssumeRole, AssumeRoleWithOIDC,
// GetCallerIdentity on the same endpoint, Version 2015-04-01), the ECS instance metadata
// service (metadata.go; reach it with HTTP_PROXY=<URL>), and RAM (ram.go: Options.RAMPolicies
// restrict a principal to what its policy allows).
package emulator
