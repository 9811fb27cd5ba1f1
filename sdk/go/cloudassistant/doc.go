// Run scripts on Alibaba Cloud ECS instances through Cloud Assistant: commands, invocations that wait for every instance and report exit codes and output.
package cloudassistant
