"""The file example's program: a File, and a RunScript that gets a file and reads both back,
kept apart from __main__ so that a test can run this very function inline."""

import pulumi
import pulumi_cloudassistant as cloudassistant

#: app.conf's text when config ``content`` is not set.
DEFAULT_CONTENT = "listen = 8080\n"


def program() -> None:
    """Sends app.conf to the instances in config ``instanceIds``, then runs a script that
    receives run.sh through RunScript's files and reads both back."""
    cfg = pulumi.Config()
    instance_ids = cfg.require_object("instanceIds")
    content = cfg.get("content") or DEFAULT_CONTENT

    conf = cloudassistant.File(
        "app-conf",
        instance_ids=instance_ids,
        target_dir="/etc/app",
        name="app.conf",
        content=content,
        file_mode="0640",
    )
    check = cloudassistant.RunScript(
        "check",
        instance_ids=instance_ids,
        script="cat /etc/app/app.conf; sh /opt/app/run.sh",
        files=[cloudassistant.RunScriptFileArgs(path="/opt/app/run.sh", content="echo run.sh ran\n", mode="0755")],
        # A resent app.conf has new task IDs: the script runs again and reads the new file.
        triggers=[conf.invoke_ids],
        opts=pulumi.ResourceOptions(depends_on=[conf]),
    )
    pulumi.export("fileStatus", conf.status)
    pulumi.export("outputs", check.outputs)
