"""Shared helpers for the Python end-to-end tests: start the emulator binary, read its endpoint
line, read its counters, stop it; or, under `make test-live`, take the service the environment
names; and make a stack wired to either, as a user would configure one."""

import contextlib
import hashlib
import hmac
import importlib.util
import json
import os
import queue
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Callable, Iterator, List, Optional, Tuple

from pulumi import automation as auto

REPO_ROOT = Path(__file__).resolve().parents[2]

# The emulator's defaults (emulator/options.go); the helper starts it without overriding them.
REGION = "cn-hangzhou"
ACCESS_KEY_ID = "EMULATORACCESSKEYID"
ACCESS_KEY_SECRET = "emulator-secret"


class Emulator:
    """A running bin/cloudassistant-emulator with instances of our choosing."""

    def __init__(self, instance_ids: List[str]):
        binary = REPO_ROOT / "bin" / "cloudassistant-emulator"
        if not binary.exists():
            raise RuntimeError(f"{binary} is missing: run `make build`")
        self.instance_ids = instance_ids
        self._dir = tempfile.mkdtemp(prefix="cloudassistant-emulator-")
        instances_file = Path(self._dir) / "instances.json"
        instances_file.write_text(json.dumps([{"id": i, "name": f"e2e-{n + 1}"} for n, i in enumerate(instance_ids)]))
        self._proc = subprocess.Popen(
            [str(binary), "--listen", "127.0.0.1:0", "--instances-file", str(instances_file)],
            stdout=subprocess.PIPE, text=True,
        )
        lines: "queue.Queue[str]" = queue.Queue()

        def drain() -> None:
            # Reads every line so the emulator never blocks on a full pipe.
            for line in self._proc.stdout:  # type: ignore[union-attr]
                lines.put(line)
            lines.put("")

        threading.Thread(target=drain, daemon=True).start()
        try:
            first = lines.get(timeout=30)
        except queue.Empty:
            self.stop()
            raise RuntimeError("emulator printed no endpoint within 30s")
        if not first.startswith("endpoint: "):
            self.stop()
            raise RuntimeError(f"emulator's first line should be 'endpoint: http://…', got {first!r}")
        self.url = first[len("endpoint: "):].strip()

    def stats(self) -> dict:
        """GET /_emulator/stats, signed with the access key secret as the emulator requires
        (emulator/control.go: HMAC-SHA256 of method, path, query, date and a nonce used once)."""
        path, date = "/_emulator/stats", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        nonce = secrets.token_hex(16)  # each signed call is accepted once
        signature = hmac.new(ACCESS_KEY_SECRET.encode(), f"GET\n{path}\n\n{date}\n{nonce}".encode(), hashlib.sha256).hexdigest()
        req = urllib.request.Request(f"{self.url}{path}", headers={
            "X-Emulator-Date": date, "X-Emulator-Nonce": nonce, "X-Emulator-Signature": signature})
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.load(resp)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 10s; removes the instances file."""
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        shutil.rmtree(self._dir, ignore_errors=True)


def use_local_toolchain() -> None:
    """Puts bin/ (the provider plugin) and .tools/ (the CLI) first on PATH, checking both exist."""
    for need in ("bin/pulumi-resource-cloudassistant", ".tools/pulumi"):
        if not (REPO_ROOT / need).exists():
            raise RuntimeError(f"{need} is missing: run `make build tools` first")
    os.environ["PATH"] = os.pathsep.join([str(REPO_ROOT / "bin"), str(REPO_ROOT / ".tools"), os.environ["PATH"]])


# CLOUDASSISTANT_LIVE=1 (`make test-live`): the tests run against the service the environment
# names, the contract of internal/testkit/harness/target.go.
LIVE = os.environ.get("CLOUDASSISTANT_LIVE") == "1"
LIVE_ENV = ["ALIBABA_CLOUD_REGION_ID", "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
            "CLOUDASSISTANT_LIVE_INSTANCE_IDS"]
COMMAND_TYPE = "cloudassistant:index:Command"


class Target:
    """Where a test runs its stacks: a fresh emulator binary with instance_ids, or, when live, the
    service the environment names (its instance ids replace instance_ids)."""

    def __init__(self, instance_ids: List[str]):
        self._commands: List[str] = []
        self.emulator: Optional[Emulator] = None  # None when live: counters only an emulator has
        if not LIVE:
            self.emulator = Emulator(instance_ids)
            self.endpoint: Optional[str] = self.emulator.url
            self.region, self.access_key_id, self.access_key_secret = REGION, ACCESS_KEY_ID, ACCESS_KEY_SECRET
            self.instance_ids = instance_ids
            return
        missing = [k for k in LIVE_ENV if not os.environ.get(k)]
        if missing:
            raise RuntimeError(f"CLOUDASSISTANT_LIVE=1 needs {', '.join(missing)}")
        self.endpoint = os.environ.get("ALIBABA_CLOUD_ECS_ENDPOINT") or None
        self.region = os.environ["ALIBABA_CLOUD_REGION_ID"]
        self.access_key_id = os.environ["ALIBABA_CLOUD_ACCESS_KEY_ID"]
        self.access_key_secret = os.environ["ALIBABA_CLOUD_ACCESS_KEY_SECRET"]
        self.instance_ids = os.environ["CLOUDASSISTANT_LIVE_INSTANCE_IDS"].split(",")

    def track_stack_commands(self, stack: auto.Stack) -> List[str]:
        """Records every Command in the stack's state (call it after each up), so close() deletes
        any that destroy did not; returns their ids."""
        resources = stack.export_stack().deployment.get("resources") or []
        ids = [r["id"] for r in resources if r.get("type") == COMMAND_TYPE and r.get("id")]
        self._commands.extend(i for i in ids if i not in self._commands)
        return ids

    def commands_left(self) -> List[str]:
        """Which tracked commands still exist, by the ECS API (live: an emulator's counters say more)."""
        return _commands_tool("left", self._commands).split()

    def close(self) -> None:
        """Live: deletes every tracked command that still exists. Emulator: stops it."""
        if LIVE and self._commands:
            _commands_tool("delete", self._commands)
        if self.emulator is not None:
            self.emulator.stop()


def _commands_tool(verb: str, ids: List[str]) -> str:
    """Runs internal/testkit/cmd/e2e-commands: the Go suites' ECS client, with the target from
    this process's environment (nothing secret goes on its command line)."""
    return subprocess.run(["go", "run", "./internal/testkit/cmd/e2e-commands", verb, *ids],
                          cwd=REPO_ROOT, check=True, stdout=subprocess.PIPE, text=True).stdout


def new_stack(project_name: str, state_dir: str, target: Target, program: Callable[[], None]) -> auto.Stack:
    """An inline-program stack with a local file backend, configured for the target."""
    stack = auto.create_or_select_stack(
        stack_name="e2e",
        project_name=project_name,
        program=program,
        opts=auto.LocalWorkspaceOptions(env_vars={
            "PULUMI_BACKEND_URL": f"file://{state_dir}",
            "PULUMI_CONFIG_PASSPHRASE": "e2e-passphrase",
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_HOME": os.path.join(state_dir, ".pulumi-home"),
        }),
    )
    config = {
        "cloudassistant:region": auto.ConfigValue(value=target.region),
        "cloudassistant:accessKeyId": auto.ConfigValue(value=target.access_key_id),
        "cloudassistant:accessKeySecret": auto.ConfigValue(value=target.access_key_secret, secret=True),
        "instanceIds": auto.ConfigValue(value=json.dumps(target.instance_ids)),
    }
    if target.endpoint:
        config["cloudassistant:endpoint"] = auto.ConfigValue(value=target.endpoint)
    stack.set_all_config(config)
    return stack


# The engine's progress goes to the test log only when asked for: it is long.
ON_OUTPUT = sys.stdout.write if os.environ.get("E2E_VERBOSE") else None


@contextlib.contextmanager
def stack_session(project_name: str, instance_ids: List[str],
                  program: Callable[[], None]) -> Iterator[Tuple[Target, auto.Stack]]:
    """A target (a fresh emulator with instance_ids, or the live service) and a stack of program
    on it, with the local toolchain on PATH. On the way out, whatever happened, the stack is
    destroyed (a failed step must not leave resources behind), the target closed and the state
    removed."""
    use_local_toolchain()
    target = Target(instance_ids)
    state_dir = tempfile.mkdtemp(prefix=f"{project_name}-")
    stack = None
    try:
        stack = new_stack(project_name, state_dir, target, program)
        yield target, stack
    finally:
        if stack is not None:
            try:
                stack.destroy()
            except Exception:  # noqa: BLE001 - best effort cleanup
                pass
        target.close()
        shutil.rmtree(state_dir, ignore_errors=True)


def load_example(name: str):
    """Imports examples/<name>/python/program.py as module <name>_program: every example's
    module is called `program`, and the e2e one is on sys.path under that name."""
    path = REPO_ROOT / "examples" / name / "python" / "program.py"
    spec = importlib.util.spec_from_file_location(f"{name}_program", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def destroy_leaves_nothing(target: Target, stack: auto.Stack) -> None:
    """Destroys the stack and checks that nothing is left behind: on an emulator, no command and
    no active invocation; live, none of the commands the test tracked."""
    stack.destroy(on_output=ON_OUTPUT)
    if target.emulator:
        stats = target.emulator.stats()
        assert stats["commands"] == 0, "commands left after destroy"
        assert stats["activeInvocations"] == 0, "active invocations left after destroy"
    else:
        assert target.commands_left() == [], "commands still exist after destroy"
