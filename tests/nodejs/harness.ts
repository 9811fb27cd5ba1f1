// Shared helpers for the Node.js end-to-end tests: start the emulator binary, read its endpoint
// line, read its counters, stop it; or, under `make test-live`, take the service the environment
// names; and make a stack wired to either, as a user would configure one.
import * as assert from "node:assert/strict";
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";
import { LocalWorkspace, PulumiFn, Stack } from "@pulumi/pulumi/automation";

/** The repository root: this file compiles to tests/nodejs/bin/tests/nodejs/. */
export const repoRoot = path.resolve(__dirname, "..", "..", "..", "..", "..");

/** The emulator's defaults (emulator/options.go); the helper starts it without overriding them. */
const region = "cn-hangzhou";
const accessKeyId = "EMULATORACCESSKEYID";
const accessKeySecret = "emulator-secret";

export interface Stats {
    actions: Record<string, number>;
    executions: number;
    commands: number;
    invocations: number;
    activeInvocations: number;
}

export class Emulator {
    private constructor(
        readonly url: string,
        readonly instanceIds: string[],
        private readonly proc: ChildProcess,
        private readonly dir: string,
    ) {}

    /** Starts bin/cloudassistant-emulator on a free port with the given instance ids. */
    static async start(instanceIds: string[]): Promise<Emulator> {
        const bin = path.join(repoRoot, "bin", "cloudassistant-emulator");
        if (!fs.existsSync(bin)) {
            throw new Error(`${bin} is missing: run \`make build\``);
        }
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cloudassistant-emulator-"));
        const file = path.join(dir, "instances.json");
        fs.writeFileSync(file, JSON.stringify(instanceIds.map((id, i) => ({ id, name: `e2e-${i + 1}` }))));
        const proc = spawn(bin, ["--listen", "127.0.0.1:0", "--instances-file", file], {
            stdio: ["ignore", "pipe", "inherit"],
        });
        const lines = readline.createInterface({ input: proc.stdout! });
        const first = await new Promise<string>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error("emulator printed no endpoint within 30s")), 30_000);
            lines.once("line", line => { clearTimeout(timer); resolve(line); });
            proc.once("exit", code => { clearTimeout(timer); reject(new Error(`emulator exited with ${code}`)); });
        });
        // Keep reading so the emulator never blocks on a full pipe.
        lines.on("line", () => {});
        const match = /^endpoint: (\S+)/.exec(first);
        if (!match) {
            proc.kill("SIGTERM");
            throw new Error(`emulator's first line should be "endpoint: http://…", got ${JSON.stringify(first)}`);
        }
        return new Emulator(match[1], instanceIds, proc, dir);
    }

    /** GET /_emulator/stats, signed with the access key secret as the emulator requires
     *  (emulator/control.go: HMAC-SHA256 of method, path, query, date and a nonce used once). */
    async stats(): Promise<Stats> {
        const statsPath = "/_emulator/stats";
        const date = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
        const nonce = randomBytes(16).toString("hex"); // each signed call is accepted once
        const signature = createHmac("sha256", accessKeySecret).update(`GET\n${statsPath}\n\n${date}\n${nonce}`).digest("hex");
        const resp = await fetch(`${this.url}${statsPath}`, {
            headers: { "X-Emulator-Date": date, "X-Emulator-Nonce": nonce, "X-Emulator-Signature": signature },
        });
        if (!resp.ok) {
            throw new Error(`emulator stats: HTTP ${resp.status}`);
        }
        return (await resp.json()) as Stats;
    }

    /** SIGTERM, then SIGKILL after 10s; removes the instances file. */
    async stop(): Promise<void> {
        if (this.proc.exitCode === null && this.proc.signalCode === null) {
            const exited = new Promise<void>(resolve => this.proc.once("exit", () => resolve()));
            this.proc.kill("SIGTERM");
            const timer = setTimeout(() => this.proc.kill("SIGKILL"), 10_000);
            await exited;
            clearTimeout(timer);
        }
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

/** Puts bin/ (the provider plugin) and .tools/ (the CLI) first on PATH, checking both exist. */
export function useLocalToolchain(): void {
    for (const need of ["bin/pulumi-resource-cloudassistant", ".tools/pulumi"]) {
        if (!fs.existsSync(path.join(repoRoot, need))) {
            throw new Error(`${need} is missing: run \`make build tools\` first`);
        }
    }
    process.env.PATH = [path.join(repoRoot, "bin"), path.join(repoRoot, ".tools"), process.env.PATH].join(path.delimiter);
}

/** CLOUDASSISTANT_LIVE=1 (`make test-live`): the tests run against the service the environment
 *  names, the contract of internal/testkit/harness/target.go. */
export const live = process.env.CLOUDASSISTANT_LIVE === "1";

/** Where a test runs its stacks: a fresh emulator binary, or the live service. */
export class Target {
    private readonly commands = new Set<string>();

    private constructor(
        readonly endpoint: string | undefined,
        readonly region: string,
        readonly accessKeyId: string,
        readonly accessKeySecret: string,
        readonly instanceIds: string[],
        /** Undefined when live: counters are only readable from an emulator. */
        readonly emulator?: Emulator,
    ) {}

    /** Starts an emulator with instanceIds or, when live, reads the target from the environment
     *  (its instance ids replace instanceIds). */
    static async start(instanceIds: string[]): Promise<Target> {
        if (!live) {
            const emu = await Emulator.start(instanceIds);
            return new Target(emu.url, region, accessKeyId, accessKeySecret, instanceIds, emu);
        }
        const env = process.env;
        const need = ["ALIBABA_CLOUD_REGION_ID", "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
            "CLOUDASSISTANT_LIVE_INSTANCE_IDS"];
        const missing = need.filter(k => !env[k]);
        if (missing.length > 0) {
            throw new Error(`CLOUDASSISTANT_LIVE=1 needs ${missing.join(", ")}`);
        }
        return new Target(env.ALIBABA_CLOUD_ECS_ENDPOINT || undefined, env.ALIBABA_CLOUD_REGION_ID!,
            env.ALIBABA_CLOUD_ACCESS_KEY_ID!, env.ALIBABA_CLOUD_ACCESS_KEY_SECRET!,
            env.CLOUDASSISTANT_LIVE_INSTANCE_IDS!.split(","));
    }

    /** Records every Command in the stack's state (call it after each up), so close() deletes
     *  any that destroy did not; returns their ids. */
    async trackStackCommands(stack: Stack): Promise<string[]> {
        const state = await stack.exportStack();
        const resources = (state.deployment?.resources ?? []) as { type: string; id?: string }[];
        const ids = resources.filter(r => r.type === "cloudassistant:index:Command" && r.id).map(r => r.id!);
        ids.forEach(id => this.commands.add(id));
        return ids;
    }

    /** Which tracked commands still exist, by the ECS API. Live only: on an emulator its
     *  counters say more. */
    commandsLeft(): string[] {
        return commandsTool("left", [...this.commands]).split("\n").filter(Boolean);
    }

    /** Live: deletes every tracked command that still exists. Emulator: stops it. */
    async close(): Promise<void> {
        if (live && this.commands.size > 0) {
            commandsTool("delete", [...this.commands]);
        }
        await this.emulator?.stop();
    }
}

/** Runs internal/testkit/cmd/e2e-commands: the Go suites' ECS client, with the target from this
 *  process's environment (nothing secret is passed on its command line). */
function commandsTool(verb: "left" | "delete", ids: string[]): string {
    return execFileSync("go", ["run", "./internal/testkit/cmd/e2e-commands", verb, ...ids], {
        cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"],
    });
}

/** An inline-program stack with a local file backend, configured for the target. */
export async function newStack(projectName: string, stateDir: string, target: Target, program: PulumiFn): Promise<Stack> {
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: "e2e", projectName, program },
        {
            envVars: {
                PULUMI_BACKEND_URL: `file://${stateDir}`,
                PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
                PULUMI_SKIP_UPDATE_CHECK: "true",
                PULUMI_HOME: path.join(stateDir, ".pulumi-home"),
            },
        },
    );
    await stack.setAllConfig({
        ...(target.endpoint ? { "cloudassistant:endpoint": { value: target.endpoint } } : {}),
        "cloudassistant:region": { value: target.region },
        "cloudassistant:accessKeyId": { value: target.accessKeyId },
        "cloudassistant:accessKeySecret": { value: target.accessKeySecret, secret: true },
        "instanceIds": { value: JSON.stringify(target.instanceIds) },
    });
    return stack;
}

/** The engine's progress goes to the test log only when asked for: it is long. */
export const onOutput = process.env.E2E_VERBOSE ? (s: string) => process.stdout.write(s) : undefined;

/**
 * Runs body with a target (a fresh emulator with instanceIds, or the live service) and a stack
 * of program on it, the local toolchain on PATH. Whatever body does, the stack is destroyed
 * afterwards (a failed step must not leave resources behind; destroy is idempotent), the target
 * closed and the state removed.
 */
export async function withStack(projectName: string, instanceIds: string[], program: PulumiFn,
    body: (target: Target, stack: Stack) => Promise<void>): Promise<void> {
    useLocalToolchain();
    const target = await Target.start(instanceIds);
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `${projectName}-`));
    let stack: Stack | undefined;
    try {
        stack = await newStack(projectName, stateDir, target, program);
        await body(target, stack);
    } finally {
        await stack?.destroy().catch(() => undefined);
        await target.close();
        fs.rmSync(stateDir, { recursive: true, force: true });
    }
}

/**
 * Destroys the stack and checks that nothing is left behind: on an emulator, no command and no
 * active invocation; live, none of the commands the test tracked.
 */
export async function destroyLeavesNothing(target: Target, stack: Stack): Promise<void> {
    await stack.destroy({ onOutput });
    if (target.emulator) {
        const stats = await target.emulator.stats();
        assert.equal(stats.commands, 0, "commands left after destroy");
        assert.equal(stats.activeInvocations, 0, "active invocations left after destroy");
    } else {
        assert.deepEqual(target.commandsLeft(), [], "commands still exist after destroy");
    }
}
