package cloudassistant.example;

import com.pulumi.Context;
import com.pulumi.Pulumi;
import com.pulumi.cloudassistant.Command;
import com.pulumi.cloudassistant.CommandArgs;
import com.pulumi.cloudassistant.Invocation;
import com.pulumi.cloudassistant.InvocationArgs;
import com.pulumi.cloudassistant.enums.CommandType;
import com.pulumi.cloudassistant.outputs.InvocationResult;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Creates a Command with a {{greeting}} parameter, runs it once on every instance in config
 * `instanceIds`, and exports each instance's exit code (the same program as examples/go).
 */
public class App {
    static final String SCRIPT = String.join("\n",
            "#!/bin/bash",
            "set -eu",
            "echo \"{{greeting}}\"",
            "echo \"running as $(id -un) in $(pwd)\"",
            "");

    public static void main(String[] args) {
        Pulumi.run(App::stack);
    }

    static void stack(Context ctx) {
        var config = ctx.config();
        List<String> instanceIds = List.of(config.requireObject("instanceIds", String[].class));
        var greeting = config.get("greeting").orElse("Hello from Cloud Assistant");

        var command = new Command("greet", CommandArgs.builder()
                .type(CommandType.RunShellScript)
                .commandContent(SCRIPT)
                .enableParameter(true)
                .description("Prints a greeting on each instance")
                .timeout(60)
                .build());
        // The Invocation waits for every instance to finish and fails the update if any fails.
        var invocation = new Invocation("greet", InvocationArgs.builder()
                .commandId(command.commandId())
                .instanceIds(instanceIds)
                .parameters(Map.of("greeting", greeting))
                .build());

        ctx.export("commandId", command.commandId());
        ctx.export("exitCodes", invocation.results().applyValue(App::exitCodes));
    }

    static Map<String, Integer> exitCodes(List<InvocationResult> results) {
        return results.stream().collect(Collectors.toMap(InvocationResult::instanceId, InvocationResult::exitCode));
    }
}
