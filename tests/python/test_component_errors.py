"""A failing component's error from a Python program: the child's error alone, without the RPC
and cancellation noise the SDK and the engine add around a failed Construct, without a Python
traceback, and a validation error at preview without the value printed in Go's braces."""

import pulumi
import pulumi_cloudassistant as cloudassistant
import pytest
from pulumi.automation import ConfigValue
from pulumi.automation.errors import CommandError

import harness

EMULATOR_INSTANCE_IDS = ["i-e2ecomperrpy001"]

# What a component's error must not carry (the Go suite's componentNoise and issue 21's list).
NOISE = [
    "awaiting input property", "marshaling properties", "rpc error", "code = Canceled",
    "client connection is closing", "context canceled", "resource monitor shut down",
    "1 error occurred", "{RunShelScript}", "Traceback", "unhandled", "Unhandled",
]
# What nothing in the output may carry. The engine itself writes `1 error occurred:` before the
# failed child Invocation's own error (its plugin.InitError joins the reasons of a partial
# failure with go-multierror), so that one is checked in the component's error only.
NOISE_ANYWHERE = [n for n in NOISE if n != "1 error occurred"]


def program() -> None:
    """One RunScript, failing by config: `script` exits 3 at up; `type` is misspelt (Check);
    `parameter` uses a `{{name}}` with no value (the component's own preflight)."""
    cfg = pulumi.Config()
    fail = cfg.require("fail")
    cloudassistant.RunScript(
        "boom",
        script="echo {{greeting}} {{name}}" if fail == "parameter" else "echo about to fail; exit 3",
        type="RunShelScript" if fail == "type" else "RunShellScript",
        parameters={"greeting": "hello"} if fail == "parameter" else None,
        instance_ids=cfg.require_object("instanceIds"),
    )


def failing(op) -> str:
    """Runs op, which must fail, and returns everything the engine and the SDK printed."""
    out = []
    with pytest.raises(CommandError) as err:
        op(out.append)
    return "".join(out) + "\n" + str(err.value)


def component_error(text: str) -> str:
    """The component's error as the engine prints it, from its cause to the next diagnostic,
    checked for noise; the whole output is checked too."""
    for noise in NOISE_ANYWHERE:
        assert noise not in text, f"the output carries {noise!r}:\n{text}"
    # The engine's line for a failed Construct, or the component's own error diagnostic (a
    # child's failure: provider/component_causes.go), whichever comes last.
    i, got = -1, ""
    for prefix in ("cloudassistant:index:RunScript resource 'boom' has a problem: ",
                   "cloudassistant:index:RunScript (boom):\n    error: "):
        j = text.rfind(prefix)
        if j > i:
            i, got = j, text[j + len(prefix):]
    assert i >= 0, f"no error for the component in:\n{text}"
    for end in ("\n\n", "\n  cloudassistant:", "\n  pulumi:", "\nResources:", "\n    error:"):
        got = got.split(end)[0]
    for noise in NOISE:
        assert noise not in got, f"the component's error carries {noise!r}:\n{got}"
    return got


def test_failing_run_script_error_is_its_childs_without_noise():
    with harness.stack_session("cloudassistant-e2e-python-comperr", EMULATOR_INSTANCE_IDS, program) as (target, stack):
        instance_id = target.instance_ids[0]
        stack.set_config("fail", ConfigValue(value="script"))
        up = component_error(failing(lambda on_output: stack.up(on_output=on_output)))
        assert up.startswith(f"{instance_id}: Failed, exit code 3, error ExitCodeNonzero"), up

        stack.set_config("fail", ConfigValue(value="type"))
        preview = component_error(failing(lambda on_output: stack.preview(on_output=on_output)))
        assert preview.startswith('type: is "RunShelScript"; it must be one of RunShellScript'), preview


def test_failing_preflight_error_is_the_components_without_noise():
    """The component's own validation (a `{{name}}` without a value) fails preview and up with
    one clean error naming the property, no traceback, and creates nothing."""
    with harness.stack_session("cloudassistant-e2e-python-comperr-pre", EMULATOR_INSTANCE_IDS, program) as (target, stack):
        stack.set_config("fail", ConfigValue(value="parameter"))
        want = "parameters: the script uses {{name}} but parameters give no value for it; add name to parameters"
        preview = component_error(failing(lambda on_output: stack.preview(on_output=on_output)))
        assert preview.startswith(want), preview
        up = component_error(failing(lambda on_output: stack.up(on_output=on_output)))
        assert up.startswith(want), up
        if target.emulator:  # live, the emulator's counters are not there to read
            stats = target.emulator.stats()
            assert stats["commands"] == 0 and stats["invocations"] == 0, f"nothing is created: {stats}"
