package provider

// The provider's name, version and download URL, and every type token it registers or
// compares, each defined once here at the bottom of the package so nothing points up at
// provider.go for them. The tokens must match the ones infer derives from the Go types.

// Name is the package name: tokens read `cloudassistant:index:<Type>`.
const Name = "cloudassistant"

// PluginDownloadURL is where the engine fetches release archives of the plugin.
const PluginDownloadURL = "github://api.github.com/cloudassistant/pulumi-cloudassistant"

// Version is stamped at build time with
// -ldflags "-X github.com/cloudassistant/pulumi-cloudassistant/provider.Version=1.2.3".
var Version = "0.1.0-dev"

// The resources' tokens (the components register them as children, Diff and Read compare them).
const (
	commandToken    = Name + ":index:Command"
	invocationToken = Name + ":index:Invocation"
	fileToken       = Name + ":index:File"
)

// The components' tokens (their children's failures are noted for them).
const (
	runScriptToken       = Name + ":index:RunScript"
	scheduledScriptToken = Name + ":index:ScheduledScript"
)
