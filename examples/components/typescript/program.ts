// The components example's program: RunScript, ScheduledScript and the three functions.
import * as pulumi from "@pulumi/pulumi";
import * as cloudassistant from "@cloudassistant/pulumi";

/** Greets with a custom parameter and a built-in one. */
export const script = `#!/bin/bash
echo "hello {{name}} from {{ACS::InstanceId}}"
`;

/**
 * Runs the script once on every instance in config `instanceIds`, schedules a nightly report
 * on them, and reads back the agents, the command and the invocation.
 */
export async function program() {
    const cfg = new pulumi.Config();
    const instanceIds = cfg.requireObject<string[]>("instanceIds");
    const name = cfg.get("name") ?? "world";
    const schedule = cfg.get("schedule") ?? "0 0 3 * * ? Asia/Shanghai";

    // Waits for every agent (bounded by agentTimeout), runs the script, waits for it to finish.
    const hello = new cloudassistant.RunScript("hello", {
        script,
        instanceIds,
        parameters: { name },
        timeout: 60,
    });
    const report = new cloudassistant.ScheduledScript("nightly-report", {
        script: "uptime; df -h / | tail -n 1",
        schedule,
        instanceIds,
    });

    const agents = cloudassistant.getAgentStatusOutput({ instanceIds });
    const command = cloudassistant.getCommandOutput({ commandId: hello.commandId });
    const invocation = cloudassistant.getInvocationOutput({ invokeId: hello.invokeId });

    return {
        status: hello.status,
        outputs: hello.outputs, // secret: the script echoes a parameter
        agentsOnline: agents.allOnline,
        script: command.commandContent,
        parameterNames: command.parameterNames,
        invocationStatus: invocation.status,
        nextRuns: report.nextRuns,
    };
}
