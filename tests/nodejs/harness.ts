// Shared helpers for the Node.js end-to-end tests: start the emulator binary, read its endpoint
// line, read its counters, stop it; and make a stack wired to it, as a user would configure one.
import { ChildProcess, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
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
     *  (emulator/control.go: HMAC-SHA256 of method, path, query and date). */
    async stats(): Promise<Stats> {
        const statsPath = "/_emulator/stats";
        const date = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
        const signature = createHmac("sha256", accessKeySecret).update(`GET\n${statsPath}\n\n${date}`).digest("hex");
        const resp = await fetch(`${this.url}${statsPath}`, {
            headers: { "X-Emulator-Date": date, "X-Emulator-Signature": signature },
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

/** An inline-program stack with a local file backend, configured for the emulator. */
export async function newStack(projectName: string, stateDir: string, emu: Emulator, program: PulumiFn): Promise<Stack> {
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
        "cloudassistant:endpoint": { value: emu.url },
        "cloudassistant:region": { value: region },
        "cloudassistant:accessKeyId": { value: accessKeyId },
        "cloudassistant:accessKeySecret": { value: accessKeySecret, secret: true },
        "instanceIds": { value: JSON.stringify(emu.instanceIds) },
    });
    return stack;
}
