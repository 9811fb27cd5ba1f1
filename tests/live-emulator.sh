#!/usr/bin/env bash
# Runs `make test-live` against an emulator binary started here, exactly as against the real
# service: the suites get endpoint, region, credentials and instance ids only from the
# environment, so this tests the live plumbing. Extra arguments go to make (for example
# LIVE_TARGETS=test-e2e-install).
set -euo pipefail
cd "$(dirname "$0")/.."

dir=$(mktemp -d)
emulator_pid=
cleanup() {
	[ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null && wait "$emulator_pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

echo '[{"id":"i-live00000000001","name":"live-1"},{"id":"i-live00000000002","name":"live-2"}]' >"$dir/instances.json"
bin/cloudassistant-emulator --listen 127.0.0.1:0 --instances-file "$dir/instances.json" >"$dir/out" 2>&1 &
emulator_pid=$!
for _ in $(seq 100); do
	grep -q '^endpoint: ' "$dir/out" && break
	sleep 0.1
done
endpoint=$(sed -n 's/^endpoint: //p' "$dir/out" | head -1)
[ -n "$endpoint" ] || { echo "the emulator printed no endpoint:"; cat "$dir/out"; exit 1; }

ALIBABA_CLOUD_ECS_ENDPOINT=$endpoint \
	ALIBABA_CLOUD_REGION_ID=cn-hangzhou \
	ALIBABA_CLOUD_ACCESS_KEY_ID=EMULATORACCESSKEYID \
	ALIBABA_CLOUD_ACCESS_KEY_SECRET=emulator-secret \
	CLOUDASSISTANT_LIVE_INSTANCE_IDS=i-live00000000001,i-live00000000002 \
	make --no-print-directory test-live "$@"
