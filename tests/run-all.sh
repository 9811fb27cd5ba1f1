#!/usr/bin/env bash
# Runs every test stage in order (what `make test` means), times each one, keeps going after a
# failure so one run reports everything, and ends with the runners' totals and a plain
# "N passed, N failed" line. Each stage's full log is kept under .state/test-logs/.
set -uo pipefail
cd "$(dirname "$0")/.."

logs=.state/test-logs
mkdir -p "$logs"
passed=0 failed=0 skipped=0
summary=()
status=0

# count NAME LOG: add the test counts that stage's runner printed to the totals, and set
# $counts to this stage's share (no subshell, so the totals survive).
count() {
	local name=$1 log=$2 p=0 f=0 s=0
	case $name in
	unit | race | e2e-go | e2e-install | e2e-java)
		# go test -v: one line per test and subtest.
		p=$(grep -cE '^\s*--- PASS' "$log" || true)
		f=$(grep -cE '^\s*--- FAIL' "$log" || true)
		s=$(grep -cE '^\s*--- SKIP' "$log" || true)
		# A package that does not compile runs no test: count it as one failure.
		f=$((f + $(grep -cE '^FAIL\s.*\[(build|setup) failed\]' "$log" || true)))
		;;
	live-emulator)
		# go test -v lines, plus pytest's closing line for the Python part.
		p=$(grep -cE '^\s*--- PASS' "$log" || true)
		f=$(grep -cE '^\s*--- FAIL' "$log" || true)
		s=$(grep -cE '^\s*--- SKIP' "$log" || true)
		local py
		py=$(grep -E '^=+ .*[0-9]+ (passed|failed|error)' "$log" | tail -1)
		p=$((p + $(grep -oE '[0-9]+ passed' <<<"$py" | grep -oE '[0-9]+' || echo 0)))
		f=$((f + $(grep -oE '[0-9]+ (failed|errors?)' <<<"$py" | awk '{n += $1} END {print n + 0}')))
		s=$((s + $(grep -oE '[0-9]+ skipped' <<<"$py" | grep -oE '[0-9]+' || echo 0)))
		;;
	e2e-nodejs)
		# node --test closes with "# pass N", "# fail N", "# skipped N".
		p=$(awk '/^# pass /{print $3}' "$log" | tail -1)
		f=$(awk '/^# fail /{print $3}' "$log" | tail -1)
		s=$(awk '/^# skipped /{print $3}' "$log" | tail -1)
		;;
	e2e-python)
		# pytest closes with "== 3 passed, 1 failed in 12.3s ==".
		local last
		last=$(grep -E '[0-9]+ (passed|failed|error)' "$log" | tail -1)
		p=$(grep -oE '[0-9]+ passed' <<<"$last" | grep -oE '[0-9]+' || true)
		f=$(grep -oE '[0-9]+ (failed|errors?)' <<<"$last" | awk '{n += $1} END {print n + 0}')
		s=$(grep -oE '[0-9]+ skipped' <<<"$last" | grep -oE '[0-9]+' || true)
		;;
	esac
	p=${p:-0} f=${f:-0} s=${s:-0}
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	counts="$p passed, $f failed, $s skipped"
}

# stage NAME COMMAND...: run one stage with its output streamed and logged.
stage() {
	local name=$1
	shift
	local log="$logs/$name.log" start=$SECONDS rc
	echo
	echo "=== stage $name: $*"
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	local took=$((SECONDS - start))
	counts=""
	count "$name" "$log"
	# A stage without a test runner (a build) is one check of its own.
	if [[ $counts == "0 passed, 0 failed"* ]] && [ "$rc" -eq 0 ]; then
		passed=$((passed + 1))
		counts="1 passed (build check)"
	fi
	if [ "$rc" -ne 0 ]; then
		status=1
		# A stage that failed before its runner counted anything still counts as one failure.
		if [[ $counts == "0 passed, 0 failed"* ]]; then
			failed=$((failed + 1))
			counts="1 failed (the stage itself)"
		fi
		summary+=("$(printf '%-12s FAIL %5ss  %s' "$name" "$took" "$counts")")
	else
		summary+=("$(printf '%-12s ok   %5ss  %s' "$name" "$took" "$counts")")
	fi
}

stage tools make --no-print-directory tools
stage build make --no-print-directory build
stage lint make --no-print-directory lint
stage unit make --no-print-directory test-unit GOTESTFLAGS=-v
stage race make --no-print-directory test-race GOTESTFLAGS=-v
stage sdk-go make --no-print-directory sdk-go
stage sdk-nodejs make --no-print-directory sdk-nodejs
stage sdk-python make --no-print-directory sdk-python
stage sdk-pydist make --no-print-directory sdk-python-dist
stage sdk-java make --no-print-directory sdk-java
stage e2e-go make --no-print-directory test-e2e-go
stage e2e-nodejs make --no-print-directory test-e2e-nodejs
stage e2e-python make --no-print-directory test-e2e-python
stage e2e-install make --no-print-directory test-e2e-install
stage e2e-java make --no-print-directory test-e2e-java
# The live plumbing against an emulator, on a representative subset so no suite runs twice in
# full: the install suite's Automation API test (the Go harness.Target) and the Python lifecycle
# (the Python Target and internal/testkit/cmd/e2e-commands). `make test-live-emulator` runs all.
stage live-emulator make --no-print-directory test-live-emulator LIVE_TARGETS="test-e2e-install test-e2e-python" \
	GOTESTFLAGS=-run=TestPluginInstalledFromReleaseArchive PYTEST_ARGS=test_e2e.py

echo
echo "=== summary (logs in $logs/)"
for line in "${summary[@]}"; do echo "$line"; done
echo "total: $SECONDS s"
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
