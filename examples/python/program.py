"""The Python example's program, kept apart from __main__ so that the end-to-end test runs this
very function inline through the Automation API."""

import pulumi
import pulumi_cloudassistant as cloudassistant

#: Fills the script's {{greeting}} parameter unless config ``greeting`` is set.
DEFAULT_GREETING = "Hello from Cloud Assistant"

#: Runs unless config ``script`` is set; {{greeting}} is a custom parameter.
DEFAULT_SCRIPT = """#!/bin/bash
set -eu
echo "{{greeting}}"
echo "running as $(id -un) in $(pwd)"
"""


def program() -> None:
    """Creates a Command with a {{greeting}} parameter, runs it once on every instance in config
    ``instanceIds`` and exports each instance's exit code and output."""
    cfg = pulumi.Config()
    instance_ids = cfg.require_object("instanceIds")
    greeting = cfg.get("greeting") or DEFAULT_GREETING
    script = cfg.get("script") or DEFAULT_SCRIPT

    command = cloudassistant.Command(
        "greet",
        type="RunShellScript",
        command_content=script,
        enable_parameter=True,
        description="Prints a greeting on each instance",
        timeout=60,
    )
    # The Invocation waits for every instance to finish and fails the update if any fails.
    invocation = cloudassistant.Invocation(
        "greet",
        command_id=command.command_id,
        instance_ids=instance_ids,
        parameters={"greeting": greeting},
    )

    pulumi.export("commandId", command.command_id)
    pulumi.export("invokeId", invocation.invoke_id)
    pulumi.export("exitCodes", invocation.results.apply(lambda rs: {r.instance_id: r.exit_code for r in rs}))
    pulumi.export("outputs", invocation.results.apply(lambda rs: {r.instance_id: r.output for r in rs}))
