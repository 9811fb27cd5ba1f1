// End-to-end test of the TypeScript example: its program, inline through the Automation API and
// the real engine, with the provider binary on PATH, against a fresh emulator binary (under
// `make test-live`, the service the environment names: the emulator's counters are then skipped).
import * as assert from "node:assert/strict";
import { test } from "node:test";
import { defaultGreeting, defaultScript, program } from "../../examples/typescript/program";
import { destroyLeavesNothing, onOutput, withStack } from "./harness";

const changedLine = `echo "second revision"`;
const emulatorInstanceIds = ["i-e2enode00000001", "i-e2enode00000002"];

test("TypeScript example: up, preview --diff, up, refresh, destroy", { timeout: 10 * 60_000 }, async t => {
    await withStack("cloudassistant-e2e-nodejs", emulatorInstanceIds, program, async (target, s) => {
        const { instanceIds, emulator: emu } = target;

        await t.test("up runs the script on every instance", async () => {
            const up = await s.up({ onOutput });
            await target.trackStackCommands(s);
            const exitCodes = up.outputs.exitCodes.value as Record<string, number>;
            const outputs = up.outputs.outputs.value as Record<string, string>;
            assert.deepEqual(Object.keys(exitCodes).sort(), [...instanceIds].sort());
            for (const id of instanceIds) {
                assert.equal(exitCodes[id], 0, `exit code of ${id}`);
                assert.match(outputs[id], new RegExp(defaultGreeting), `output of ${id}`);
            }
            if (emu) {
                assert.equal((await emu.stats()).executions, instanceIds.length);
            }
        });

        await t.test("preview of a changed script shows both replacements and the new line", async () => {
            await s.setConfig("script", { value: defaultScript + changedLine + "\n" });
            let diff = "";
            const preview = await s.preview({ diff: true, onOutput: out => { diff += out; onOutput?.(out); } });
            assert.equal(preview.changeSummary.replace, 2, JSON.stringify(preview.changeSummary));
            assert.ok(diff.includes("cloudassistant:index:Command"), "diff names the Command");
            assert.ok(diff.includes("cloudassistant:index:Invocation"), "diff names the Invocation");
            assert.ok(diff.includes("+-"), "diff marks replacements");
            assert.ok(diff.includes(changedLine), "the changed script line appears in plain text");
        });

        await t.test("up again runs the new script", async () => {
            const before = await emu?.stats();
            const up = await s.up({ onOutput });
            await target.trackStackCommands(s);
            const outputs = up.outputs.outputs.value as Record<string, string>;
            for (const id of instanceIds) {
                assert.match(outputs[id], /second revision/, `output of ${id}`);
            }
            if (emu && before) {
                const after = await emu.stats();
                assert.equal(after.executions, before.executions + instanceIds.length);
                assert.equal(after.actions.InvokeCommand, 2, "one InvokeCommand per up");
            }
        });

        await t.test("refresh finds nothing changed", async () => {
            await s.refresh({ expectNoChanges: true, onOutput });
        });

        await t.test("destroy leaves no commands and no active invocations", async () => {
            await destroyLeavesNothing(target, s);
        });
    });
});
