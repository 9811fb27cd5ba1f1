// The file example's program: a File, and a RunScript that gets a file and reads both back.
import * as pulumi from "@pulumi/pulumi";
import * as cloudassistant from "@cloudassistant/pulumi";

/** app.conf's text when config `content` is not set. */
export const defaultContent = "listen = 8080\n";

/**
 * Sends app.conf to the instances in config `instanceIds`, then runs a script that receives
 * run.sh through RunScript's files and reads both back.
 */
export async function program() {
    const cfg = new pulumi.Config();
    const instanceIds = cfg.requireObject<string[]>("instanceIds");
    const content = cfg.get("content") ?? defaultContent;

    const conf = new cloudassistant.File("app-conf", {
        instanceIds,
        targetDir: "/etc/app",
        name: "app.conf",
        content,
        fileMode: "0640",
    });
    const check = new cloudassistant.RunScript("check", {
        instanceIds,
        script: "cat /etc/app/app.conf; sh /opt/app/run.sh",
        files: [{ path: "/opt/app/run.sh", content: "echo run.sh ran\n", mode: "0755" }],
        // A resent app.conf has new task IDs: the script runs again and reads the new file.
        triggers: [conf.invokeIds],
    }, { dependsOn: [conf] });

    return {
        fileStatus: conf.status,
        outputs: check.outputs,
    };
}
