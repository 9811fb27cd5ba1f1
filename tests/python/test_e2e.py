"""End-to-end test of the Python example: its program, inline through the Automation API and the
real engine, with the provider binary on PATH, against a fresh emulator binary (under
`make test-live`, the service the environment names: the emulator's counters are then skipped).
The tests run in file order and share one stack: each step builds on the one before."""

import pytest
from pulumi.automation import ConfigValue, OpType

import harness
from program import DEFAULT_GREETING, DEFAULT_SCRIPT, program

CHANGED_LINE = 'echo "second revision"'
EMULATOR_INSTANCE_IDS = ["i-e2epy000000001", "i-e2epy000000002"]


@pytest.fixture(scope="module")
def env():
    with harness.stack_session("cloudassistant-e2e-python", EMULATOR_INSTANCE_IDS, program) as session:
        yield session


def test_up_runs_the_script_on_every_instance(env):
    target, stack = env
    up = stack.up(on_output=harness.ON_OUTPUT)
    target.track_stack_commands(stack)
    exit_codes = up.outputs["exitCodes"].value
    outputs = up.outputs["outputs"].value
    assert sorted(exit_codes) == sorted(target.instance_ids)
    for instance_id in target.instance_ids:
        assert exit_codes[instance_id] == 0, instance_id
        assert DEFAULT_GREETING in outputs[instance_id], instance_id
    if target.emulator:
        assert target.emulator.stats()["executions"] == len(target.instance_ids)


def test_preview_of_a_changed_script_shows_replacements_and_the_new_line(env):
    _, stack = env
    stack.set_config("script", ConfigValue(value=DEFAULT_SCRIPT + CHANGED_LINE + "\n"))
    chunks = []

    def collect(out: str) -> None:
        chunks.append(out)
        if harness.ON_OUTPUT:
            harness.ON_OUTPUT(out)

    preview = stack.preview(diff=True, on_output=collect)
    diff = "".join(chunks)
    assert preview.change_summary.get(OpType.REPLACE) == 2, preview.change_summary
    assert "cloudassistant:index:Command" in diff
    assert "cloudassistant:index:Invocation" in diff
    assert "+-" in diff, "the diff marks replacements"
    assert CHANGED_LINE in diff, "the changed script line appears in plain text"


def test_up_again_runs_the_new_script(env):
    target, stack = env
    emu = target.emulator
    before = emu.stats() if emu else None
    up = stack.up(on_output=harness.ON_OUTPUT)
    target.track_stack_commands(stack)
    for instance_id in target.instance_ids:
        assert "second revision" in up.outputs["outputs"].value[instance_id], instance_id
    if emu:
        after = emu.stats()
        assert after["executions"] == before["executions"] + len(target.instance_ids)
        assert after["actions"]["InvokeCommand"] == 2, "one InvokeCommand per up"


def test_refresh_finds_nothing_changed(env):
    _, stack = env
    stack.refresh(expect_no_changes=True, on_output=harness.ON_OUTPUT)


def test_destroy_leaves_no_commands_and_no_active_invocations(env):
    target, stack = env
    harness.destroy_leaves_nothing(target, stack)
