"""End-to-end test of file delivery from Python: the file example's program (a File, and a
RunScript that receives a file and reads both back), inline through the Automation API and the
real engine, against a fresh emulator binary (or, under `make test-live`, the service the
environment names)."""

import os

from pulumi.automation import ConfigValue

import harness

EMULATOR_INSTANCE_IDS = ["i-e2efilepy00001", "i-e2efilepy00002"]


def test_file_delivered_and_read_back():
    example = harness.load_example("file")
    with harness.stack_session("cloudassistant-e2e-python-file", EMULATOR_INSTANCE_IDS, example.program) as (target, stack):
        out = stack.up(on_output=harness.ON_OUTPUT).outputs
        target.track_stack_commands(stack)
        assert out["fileStatus"].value == "Success"
        for instance_id in target.instance_ids:
            assert out["outputs"].value[instance_id] == example.DEFAULT_CONTENT + "run.sh ran\n", instance_id
        if target.emulator is not None:
            # Each emulated instance is a machine of its own: the file is on its disk, not here.
            assert not os.path.exists("/etc/app/app.conf"), "nothing written to this machine's /etc"

        stack.set_config("content", ConfigValue(value="listen = 9090\n"))
        preview = stack.preview(diff=True)
        assert "listen = 9090" in preview.stdout, "the content change is a text diff"
        out = stack.up(on_output=harness.ON_OUTPUT).outputs
        target.track_stack_commands(stack)
        for instance_id in target.instance_ids:
            assert out["outputs"].value[instance_id] == "listen = 9090\nrun.sh ran\n", instance_id
        harness.destroy_leaves_nothing(target, stack)
