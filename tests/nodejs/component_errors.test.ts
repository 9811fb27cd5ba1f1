// A failing component's error from a TypeScript program: the child's error alone, without the
// RPC and cancellation noise the SDK and the engine add around a failed Construct, and a
// validation error at preview without the value printed in Go's braces.
import * as assert from "node:assert/strict";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import * as cloudassistant from "@cloudassistant/pulumi";
import { withStack } from "./harness";

/** What a component's error must not carry (the Go suite's componentNoise and issue 21's list). */
export const noise = [
    "awaiting input property", "marshaling properties", "rpc error", "code = Canceled",
    "client connection is closing", "context canceled", "resource monitor shut down",
    "1 error occurred", "{RunShelScript}", "Traceback", "unhandled", "Unhandled",
];

const instanceIds = ["i-e2ecomperrnode01"];

/** One RunScript, failing by config: `script` exits 3 at up; `type` is misspelt (Check);
 *  `parameter` uses a `{{name}}` with no value (the component's own preflight). */
async function program() {
    const cfg = new pulumi.Config();
    const fail = cfg.require("fail");
    const boom = new cloudassistant.RunScript("boom", {
        script: fail === "parameter" ? "echo {{greeting}} {{name}}" : "echo about to fail; exit 3",
        type: (fail === "type" ? "RunShelScript" : "RunShellScript") as cloudassistant.CommandType,
        parameters: fail === "parameter" ? { greeting: "hello" } : undefined,
        instanceIds: cfg.requireObject<string[]>("instanceIds"),
    });
    void boom;
}

// The engine's answer to the failed registration (above) rejects promises inside
// @pulumi/pulumi that nothing awaits; in a program of its own that would end with the process,
// but this inline program shares the test's process, and node:test counts every unhandled
// rejection as a failure. Those rejections alone are let through; every other one still
// reaches node:test's own handlers (installed once a test runs, so this is called from one).
function letFailedRegistrationsGo(): void {
    const testRunnerHandlers = process.listeners("unhandledRejection");
    process.removeAllListeners("unhandledRejection");
    process.on("unhandledRejection", (reason, promise) => {
        if (String(reason).includes("failed to register new resource boom")) {
            return;
        }
        for (const h of testRunnerHandlers) {
            h(reason, promise);
        }
    });
}

/** Runs op, which must fail, and returns everything the engine and the SDK printed. */
async function failing(op: (onOutput: (s: string) => void) => Promise<unknown>): Promise<string> {
    let out = "";
    try {
        await op((s: string) => { out += s; });
    } catch (e) {
        return out + "\n" + String((e as Error).message);
    }
    assert.fail("the operation succeeded");
}

/** What nothing in the output may carry. The engine itself writes `1 error occurred:` before
 *  the failed child Invocation's own error (its plugin.InitError joins the reasons of a partial
 *  failure with go-multierror), so that one is checked in the component's error only. */
const noiseAnywhere = noise.filter(n => n !== "1 error occurred");

/** The component's error as the engine prints it, from its cause to the next diagnostic,
 *  checked for noise; the whole output is checked too. */
function componentError(text: string): string {
    for (const n of noiseAnywhere) {
        assert.ok(!text.includes(n), `the output carries ${JSON.stringify(n)}:\n${text}`);
    }
    // The engine's line for a failed Construct, or the component's own error diagnostic (a
    // child's failure: provider/component_causes.go), whichever comes last.
    let i = -1;
    let got = "";
    for (const prefix of ["cloudassistant:index:RunScript resource 'boom' has a problem: ",
        "cloudassistant:index:RunScript (boom):\n    error: "]) {
        const j = text.lastIndexOf(prefix);
        if (j > i) {
            i = j;
            got = text.slice(j + prefix.length);
        }
    }
    assert.ok(i >= 0, `no error for the component in:\n${text}`);
    for (const end of ["\n\n", "\n  cloudassistant:", "\n  pulumi:", "\nResources:", "\n    error:"]) {
        got = got.split(end)[0];
    }
    for (const n of noise) {
        assert.ok(!got.includes(n), `the component's error carries ${JSON.stringify(n)}:\n${got}`);
    }
    return got;
}

// Defined first, so no handler of letFailedRegistrationsGo is installed yet: an unhandled
// rejection here fails the test.
test("TypeScript: a RunScript's own validation failure is one clean error, and nothing is created", { timeout: 10 * 60_000 }, async () => {
    await withStack("cloudassistant-e2e-nodejs-comperr-pre", instanceIds, program, async (target, stack) => {
        await stack.setConfig("fail", { value: "parameter" });
        const want = "parameters: the script uses {{name}} but parameters give no value for it; add name to parameters";
        const preview = componentError(await failing(onOutput => stack.preview({ onOutput })));
        assert.ok(preview.startsWith(want), preview);
        const up = componentError(await failing(onOutput => stack.up({ onOutput })));
        assert.ok(up.startsWith(want), up);
        if (target.emulator) { // live, the emulator's counters are not there to read
            const stats = await target.emulator.stats();
            assert.equal(stats.commands, 0, "no command is created");
            assert.equal(stats.invocations, 0, "no invocation is created");
        }
    });
});

test("TypeScript: a failing RunScript's error is its child's, without noise", { timeout: 10 * 60_000 }, async () => {
    letFailedRegistrationsGo();
    await withStack("cloudassistant-e2e-nodejs-comperr", instanceIds, program, async (target, stack) => {
        const id = target.instanceIds[0];
        await stack.setConfig("fail", { value: "script" });
        const up = componentError(await failing(onOutput => stack.up({ onOutput })));
        assert.ok(up.startsWith(`${id}: Failed, exit code 3, error ExitCodeNonzero`), up);

        await stack.setConfig("fail", { value: "type" });
        const preview = componentError(await failing(onOutput => stack.preview({ onOutput })));
        assert.ok(preview.startsWith(`type: is "RunShelScript"; it must be one of RunShellScript`), preview);
    });
});
