"""Checks an installed pulumi_cloudassistant package, run from outside the source tree.

`make sdk-python-dist` installs the wheel and then the sdist into clean venvs and runs this in
each: the package must import with its resources, carry the plugin metadata the engine reads
(name, version, download server), and depend on a range of pulumi, never one exact version.
"""

import json
import sys
from importlib import metadata, resources

import pulumi_cloudassistant as sdk

want_version = sys.argv[1]
assert "/sdk/python/" not in sdk.__file__, f"imported from the source tree: {sdk.__file__}"
for name in ("Command", "Invocation", "Provider", "RunScript", "get_command"):
    assert hasattr(sdk, name), f"pulumi_cloudassistant lacks {name}"

plugin = json.loads(resources.files("pulumi_cloudassistant").joinpath("pulumi-plugin.json").read_text())
assert plugin["name"] == "cloudassistant", plugin
assert plugin["version"] == want_version, plugin
assert plugin["server"] == "github://api.github.com/cloudassistant/pulumi-cloudassistant", plugin

requires = [r for r in metadata.requires("pulumi_cloudassistant") if r.startswith("pulumi")]
assert requires and all("==" not in r and "<4" in r for r in requires), requires
print("installed", sdk.__name__, metadata.version("pulumi_cloudassistant"), "from", sdk.__file__,
      "requires", requires, "pulumi", metadata.version("pulumi"))
