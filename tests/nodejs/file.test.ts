// End-to-end test of file delivery from TypeScript: the file example's program (a File, and a
// RunScript that receives a file and reads both back), inline through the Automation API and
// the real engine, against a fresh emulator binary (or, under `make test-live`, the service the
// environment names).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { test } from "node:test";
import { defaultContent, program } from "../../examples/file/typescript/program";
import { destroyLeavesNothing, onOutput, withStack } from "./harness";

const emulatorInstanceIds = ["i-e2efilenode0001", "i-e2efilenode0002"];

test("TypeScript File: delivered, read back by a RunScript, resent on change", { timeout: 10 * 60_000 }, async () => {
    await withStack("cloudassistant-e2e-nodejs-file", emulatorInstanceIds, program, async (target, stack) => {
        const { instanceIds } = target;
        let out = (await stack.up({ onOutput })).outputs;
        await target.trackStackCommands(stack);
        assert.equal(out.fileStatus.value, "Success");
        let outputs = out.outputs.value as Record<string, string>;
        for (const id of instanceIds) {
            assert.equal(outputs[id], `${defaultContent}run.sh ran\n`, `the script cats the files back on ${id}`);
        }
        if (target.emulator) {
            // Each emulated instance is a machine of its own: the file is on its disk, not here.
            assert.equal(fs.existsSync("/etc/app/app.conf"), false, "nothing written to this machine's /etc");
        }

        await stack.setConfig("content", { value: "listen = 9090\n" });
        const preview = await stack.preview({ diff: true });
        assert.match(preview.stdout, /listen = 9090/, "the content change is a text diff");
        out = (await stack.up({ onOutput })).outputs;
        await target.trackStackCommands(stack);
        outputs = out.outputs.value as Record<string, string>;
        for (const id of instanceIds) {
            assert.equal(outputs[id], "listen = 9090\nrun.sh ran\n", `the new file was sent and read on ${id}`);
        }
        await destroyLeavesNothing(target, stack);
    });
});
