// End-to-end test of the component library from TypeScript: the components example's program
// (a RunScript, a ScheduledScript and the three functions), inline through the Automation API
// and the real engine, with the provider binary on PATH, against a fresh emulator binary (or,
// under `make test-live`, the service the environment names).
import * as assert from "node:assert/strict";
import { test } from "node:test";
import { program, script } from "../../examples/components/typescript/program";
import { destroyLeavesNothing, onOutput, withStack } from "./harness";

const emulatorInstanceIds = ["i-e2ecompnode0001", "i-e2ecompnode0002"];

test("TypeScript components: RunScript outputs and function results", { timeout: 10 * 60_000 }, async () => {
    await withStack("cloudassistant-e2e-nodejs-components", emulatorInstanceIds, program, async (target, stack) => {
        const { instanceIds, emulator: emu } = target;
        await stack.setConfig("name", { value: "node" });
        const up = await stack.up({ onOutput });
        assert.equal((await target.trackStackCommands(stack)).length, 2, "RunScript's and ScheduledScript's commands");
        const out = up.outputs;
        assert.equal(out.status.value, "Success");
        assert.ok(out.outputs.secret, "outputs echo a secret parameter, so they are secret");
        const outputs = out.outputs.value as Record<string, string>;
        assert.deepEqual(Object.keys(outputs).sort(), [...instanceIds].sort());
        for (const id of instanceIds) {
            assert.equal(outputs[id], `hello node from ${id}\n`, `RunScript output of ${id}`);
        }
        // The functions, read in the same program, agree with the component.
        assert.equal(out.invocationStatus.value, "Success", "getInvocation");
        assert.equal(out.script.value, script, "getCommand decodes the script");
        assert.deepEqual(out.parameterNames.value, ["name"], "getCommand");
        assert.equal(out.agentsOnline.value, true, "getAgentStatus");
        const nextRuns = out.nextRuns.value as string[];
        assert.equal(nextRuns.length, 5);
        for (const r of nextRuns) {
            assert.match(r, /T03:00:00\+08:00$/);
        }
        if (emu) {
            assert.equal((await emu.stats()).executions, instanceIds.length);
        }

        await destroyLeavesNothing(target, stack);
    });
});
