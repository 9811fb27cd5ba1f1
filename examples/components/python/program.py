"""The components example's program: RunScript, ScheduledScript and the three functions, kept
apart from __main__ so that a test can run this very function inline."""

import pulumi
import pulumi_cloudassistant as cloudassistant

#: Greets with a custom parameter and a built-in one.
SCRIPT = """#!/bin/bash
echo "hello {{name}} from {{ACS::InstanceId}}"
"""


def program() -> None:
    """Runs SCRIPT once on every instance in config ``instanceIds``, schedules a nightly report
    on them, and reads back the agents, the command and the invocation."""
    cfg = pulumi.Config()
    instance_ids = cfg.require_object("instanceIds")
    name = cfg.get("name") or "world"
    schedule = cfg.get("schedule") or "0 0 3 * * ? Asia/Shanghai"

    # Waits for every agent (bounded by agentTimeout), runs the script, waits for it to finish.
    hello = cloudassistant.RunScript(
        "hello",
        script=SCRIPT,
        instance_ids=instance_ids,
        parameters={"name": name},
        timeout=60,
    )
    report = cloudassistant.ScheduledScript(
        "nightly-report",
        script="uptime; df -h / | tail -n 1",
        schedule=schedule,
        instance_ids=instance_ids,
    )

    agents = cloudassistant.get_agent_status_output(instance_ids=instance_ids)
    command = cloudassistant.get_command_output(command_id=hello.command_id)
    invocation = cloudassistant.get_invocation_output(invoke_id=hello.invoke_id)

    pulumi.export("status", hello.status)
    pulumi.export("outputs", hello.outputs)  # secret: the script echoes a parameter
    pulumi.export("agentsOnline", agents.all_online)
    pulumi.export("script", command.command_content)
    pulumi.export("parameterNames", command.parameter_names)
    pulumi.export("invocationStatus", invocation.status)
    pulumi.export("nextRuns", report.next_runs)
