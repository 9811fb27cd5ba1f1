"""End-to-end test of the component library from Python: the components example's program (a
RunScript, a ScheduledScript and the three functions), inline through the Automation API and the
real engine, with the provider binary on PATH, against a fresh emulator binary (or, under
`make test-live`, the service the environment names)."""

import importlib.util
import os
import shutil
import sys
import tempfile
from datetime import datetime

from pulumi.automation import ConfigValue

import harness

EMULATOR_INSTANCE_IDS = ["i-e2ecomppy00001", "i-e2ecomppy00002"]
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
    target = harness.Target(EMULATOR_INSTANCE_IDS)
    emu, instance_ids = target.emulator, target.instance_ids
    state_dir = tempfile.mkdtemp(prefix="cloudassistant-e2e-py-components-")
    stack = None
    try:
        stack = harness.new_stack("cloudassistant-e2e-python-components", state_dir, target, example.program)
        stack.set_config("name", ConfigValue(value="python"))
        out = stack.up(on_output=ON_OUTPUT).outputs
        assert len(target.track_stack_commands(stack)) == 2, "RunScript's and ScheduledScript's commands"
        assert out["status"].value == "Success"
        assert out["outputs"].secret, "outputs echo a secret parameter, so they are secret"
        assert sorted(out["outputs"].value) == sorted(instance_ids)
        for instance_id in instance_ids:
            assert out["outputs"].value[instance_id] == f"hello python from {instance_id}\n"
        # The functions, read in the same program, agree with the component.
        assert out["invocationStatus"].value == "Success", "getInvocation"
        assert out["script"].value == example.SCRIPT, "getCommand decodes the script"
        assert out["parameterNames"].value == ["name"], "getCommand"
        assert out["agentsOnline"].value is True, "getAgentStatus"
        runs = out["nextRuns"].value
        assert len(runs) == 5
        assert all(datetime.fromisoformat(r).strftime("%H:%M%z") == "03:00+0800" for r in runs), runs
        if emu:
            assert emu.stats()["executions"] == len(instance_ids)

        stack.destroy(on_output=ON_OUTPUT)
        if emu:
            stats = emu.stats()
            assert stats["commands"] == 0, "destroy removes the commands"
            assert stats["activeInvocations"] == 0, "destroy stops the schedule"
        else:
            assert target.commands_left() == [], "commands still exist after destroy"
    finally:
        if stack is not None:
            try:
                stack.destroy()
            except Exception:  # noqa: BLE001 - best effort cleanup
                pass
        target.close()
        shutil.rmtree(state_dir, ignore_errors=True)
