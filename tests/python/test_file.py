"""End-to-end test of file delivery from Python: the file example's program (a File, and a
RunScript that receives a file and reads both back), inline through the Automation API and the
real engine, against a fresh emulator binary (or, under `make test-live`, the service the
environment names)."""

import importlib.util
import os
import shutil
import sys
import tempfile

from pulumi.automation import ConfigValue

import harness

EMULATOR_INSTANCE_IDS = ["i-e2efilepy00001", "i-e2efilepy00002"]
ON_OUTPUT = sys.stdout.write if os.environ.get("E2E_VERBOSE") else None


def load_example():
    """Imports examples/file/python/program.py under its own name: the other examples' modules
    are also called `program`."""
    path = harness.REPO_ROOT / "examples" / "file" / "python" / "program.py"
    spec = importlib.util.spec_from_file_location("file_program", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_file_delivered_and_read_back():
    example = load_example()
    harness.use_local_toolchain()
    target = harness.Target(EMULATOR_INSTANCE_IDS)
    state_dir = tempfile.mkdtemp(prefix="cloudassistant-e2e-py-file-")
    stack = None
    try:
        stack = harness.new_stack("cloudassistant-e2e-python-file", state_dir, target, example.program)
        out = stack.up(on_output=ON_OUTPUT).outputs
        target.track_stack_commands(stack)
        assert out["fileStatus"].value == "Success"
        for instance_id in target.instance_ids:
            assert out["outputs"].value[instance_id] == example.DEFAULT_CONTENT + "run.sh ran\n", instance_id

        stack.set_config("content", ConfigValue(value="listen = 9090\n"))
        preview = stack.preview(diff=True)
        assert "listen = 9090" in preview.stdout, "the content change is a text diff"
        out = stack.up(on_output=ON_OUTPUT).outputs
        target.track_stack_commands(stack)
        for instance_id in target.instance_ids:
            assert out["outputs"].value[instance_id] == "listen = 9090\nrun.sh ran\n", instance_id
        stack.destroy(on_output=ON_OUTPUT)
        if not target.emulator:
            assert target.commands_left() == [], "commands still exist after destroy"
    finally:
        if stack is not None:
            try:
                stack.destroy()
            except Exception:  # noqa: BLE001 - best effort cleanup
                pass
        target.close()
        shutil.rmtree(state_dir, ignore_errors=True)
