"""End-to-end test of the component library from Python: the components example's program (a
RunScript, a ScheduledScript and the three functions), inline through the Automation API and the
real engine, with the provider binary on PATH, against a fresh emulator binary."""

import importlib.util
import os
import shutil
import sys
import tempfile
from datetime import datetime

from pulumi.automation import ConfigValue

import harness

INSTANCE_IDS = ["i-e2ecomppy00001", "i-e2ecomppy00002"]
ON_OUTPUT = sys.stdout.write if os.environ.get("E2E_VERBOSE") else None


def load_example():
    """Imports examples/components/python/program.py under its own name: the other example's
    module, on sys.path through conftest, is also called `program`."""
    path = harness.REPO_ROOT / "examples" / "components" / "python" / "program.py"
    spec = importlib.util.spec_from_file_location("components_program", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_run_script_and_functions():
    example = load_example()
    harness.use_local_toolchain()
    emu = harness.Emulator(INSTANCE_IDS)
    state_dir = tempfile.mkdtemp(prefix="cloudassistant-e2e-py-components-")
    stack = None
    try:
        stack = harness.new_stack("cloudassistant-e2e-python-components", state_dir, emu, example.program)
        stack.set_config("name", ConfigValue(value="python"))
        out = stack.up(on_output=ON_OUTPUT).outputs
        assert out["status"].value == "Success"
        assert out["outputs"].secret, "outputs echo a secret parameter, so they are secret"
        assert sorted(out["outputs"].value) == sorted(INSTANCE_IDS)
        for instance_id in INSTANCE_IDS:
            assert out["outputs"].value[instance_id] == f"hello python from {instance_id}\n"
        # The functions, read in the same program, agree with the component.
        assert out["invocationStatus"].value == "Success", "getInvocation"
        assert out["script"].value == example.SCRIPT, "getCommand decodes the script"
        assert out["parameterNames"].value == ["name"], "getCommand"
        assert out["agentsOnline"].value is True, "getAgentStatus"
        runs = out["nextRuns"].value
        assert len(runs) == 5
        assert all(datetime.fromisoformat(r).strftime("%H:%M%z") == "03:00+0800" for r in runs), runs
        assert emu.stats()["executions"] == len(INSTANCE_IDS)

        stack.destroy(on_output=ON_OUTPUT)
        stats = emu.stats()
        assert stats["commands"] == 0, "destroy removes the commands"
        assert stats["activeInvocations"] == 0, "destroy stops the schedule"
    finally:
        if stack is not None:
            try:
                stack.destroy()
            except Exception:  # noqa: BLE001 - best effort cleanup
                pass
        emu.stop()
        shutil.rmtree(state_dir, ignore_errors=True)
