"""Shared helpers for the Python end-to-end tests: start the emulator binary, read its endpoint
line, read its counters, stop it; and make a stack wired to it, as a user would configure one."""

import hashlib
import hmac
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Callable, List

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
        (emulator/control.go: HMAC-SHA256 of method, path, query and date)."""
        path, date = "/_emulator/stats", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        signature = hmac.new(ACCESS_KEY_SECRET.encode(), f"GET\n{path}\n\n{date}".encode(), hashlib.sha256).hexdigest()
        req = urllib.request.Request(f"{self.url}{path}", headers={
            "X-Emulator-Date": date, "X-Emulator-Signature": signature})
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


def new_stack(project_name: str, state_dir: str, emu: Emulator, program: Callable[[], None]) -> auto.Stack:
    """An inline-program stack with a local file backend, configured for the emulator."""
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
    stack.set_all_config({
        "cloudassistant:endpoint": auto.ConfigValue(value=emu.url),
        "cloudassistant:region": auto.ConfigValue(value=REGION),
        "cloudassistant:accessKeyId": auto.ConfigValue(value=ACCESS_KEY_ID),
        "cloudassistant:accessKeySecret": auto.ConfigValue(value=ACCESS_KEY_SECRET, secret=True),
        "instanceIds": auto.ConfigValue(value=json.dumps(emu.instance_ids)),
    })
    return stack
