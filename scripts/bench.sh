#!/usr/bin/env bash
# `make bench`: the issue-6 and issue-11 figures, side by side with their baselines, written to
# bench/results.md (committed) with the machine and date; then the packages' own Go
# micro-benchmarks, printed only. Nothing here fails on timing; the bench program takes about
# 9 minutes on 2 cores, BenchmarkPeriodicSchedule alone about 4 more.
# Extra arguments go to the bench program (e.g. -runs 3, -skip-engine).
set -euo pipefail
cd "$(dirname "$0")/.."

# Never prompt, never phone home; the engine finds the provider on PATH.
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true

# The CLI for the engine figures (a no-op once built); the program builds the provider itself.
make --no-print-directory tools

go run ./bench -out bench/results.md "$@"

echo
echo "=== Go micro-benchmarks (emulator and provider packages; BenchmarkPeriodicSchedule runs 2 x 110 s)"
go test -run '^$' -bench . -benchtime 2s ./emulator/... ./provider/...
