"""End-to-end test of the component library from Python: the components example's program (a
RunScript, a ScheduledScript and the three functions), inline through the Automation API and the
real engine, with the provider binary on PATH, against a fresh emulator binary (or, under
`make test-live`, the service the environment names)."""

from datetime import datetime

from pulumi.automation import ConfigValue

import harness

EMULATOR_INSTANCE_IDS = ["i-e2ecomppy00001", "i-e2ecomppy00002"]


def test_run_script_and_functions():
    example = harness.load_example("components")
    with harness.stack_session("cloudassistant-e2e-python-components", EMULATOR_INSTANCE_IDS, example.program) as (target, stack):
        emu, instance_ids = target.emulator, target.instance_ids
        stack.set_config("name", ConfigValue(value="python"))
        out = stack.up(on_output=harness.ON_OUTPUT).outputs
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

        harness.destroy_leaves_nothing(target, stack)
