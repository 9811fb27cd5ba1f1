// The TypeScript example's program, exported so that the end-to-end test runs exactly this
// function inline through the Automation API; index.ts hands it to `pulumi up`.
import * as pulumi from "@pulumi/pulumi";
import * as cloudassistant from "@cloudassistant/pulumi";

/** Fills the script's {{greeting}} parameter unless config `greeting` is set. */
export const defaultGreeting = "Hello from Cloud Assistant";

/** Runs unless config `script` is set; {{greeting}} is a custom parameter. */
export const defaultScript = `#!/bin/bash
set -eu
echo "{{greeting}}"
echo "running as $(id -un) in $(pwd)"
`;

/**
 * Creates a Command with a {{greeting}} parameter, runs it once on every instance in config
 * `instanceIds`, and returns each instance's exit code and output as stack outputs.
 */
export async function program() {
    const cfg = new pulumi.Config();
    const instanceIds = cfg.requireObject<string[]>("instanceIds");
    const greeting = cfg.get("greeting") ?? defaultGreeting;
    const script = cfg.get("script") ?? defaultScript;

    const command = new cloudassistant.Command("greet", {
        type: "RunShellScript",
        commandContent: script,
        enableParameter: true,
        description: "Prints a greeting on each instance",
        timeout: 60,
    });
    // The Invocation waits for every instance to finish and fails the update if any fails.
    const invocation = new cloudassistant.Invocation("greet", {
        commandId: command.commandId,
        instanceIds,
        parameters: { greeting },
    });

    return {
        commandId: command.commandId,
        invokeId: invocation.invokeId,
        exitCodes: invocation.results.apply(rs => Object.fromEntries(rs.map(r => [r.instanceId, r.exitCode]))),
        outputs: invocation.results.apply(rs => Object.fromEntries(rs.map(r => [r.instanceId, r.output]))),
    };
}
