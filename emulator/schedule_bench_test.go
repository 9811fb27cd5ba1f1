package emulator

import (
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/require"
)

// BenchmarkPeriodicSchedule runs a rate(1s) schedule on 20 instances whose script prints
// 24 KB, for 100 s (EMULATOR_BENCH_SCHEDULE_DURATION overrides), in an emulator process of its
// own, and reports that process's peak RSS and the latency of unrelated calls
// (DescribeInstances, every 100 ms) meanwhile. Issue 9: before run records, the process grew
// to 715 MB in 104 s and unrelated calls took ~2 s. Nothing here is asserted on timing.
//
//	go test -run '^$' -bench BenchmarkPeriodicSchedule -benchtime 1x ./emulator/
func BenchmarkPeriodicSchedule(b *testing.B) {
	duration := 100 * time.Second
	if v := os.Getenv("EMULATOR_BENCH_SCHEDULE_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		require.NoError(b, err)
		duration = d
	}
	for _, store := range []string{"temporary", "data-dir"} {
		b.Run("store="+store, func(b *testing.B) {
			for b.Loop() {
				env := []string{"EMULATOR_HELPER_INSTANCES=20", "EMULATOR_HELPER_MIN_INTERVAL=1s"}
				if store == "data-dir" {
					env = append(env, "EMULATOR_HELPER_DATA_DIR="+b.TempDir())
				}
				url, helper := startEmulatorProcess(b, env...)
				c := newSDKClient(b, DefaultRegion, DefaultAccessKeyID, DefaultAccessKeySecret)
				c.Domain = strings.TrimPrefix(url, "http://")
				ids := make([]string, 20)
				for i := range ids {
					ids[i] = "i-emu" + leftPad(i+1)
				}
				// The same calls without the schedule first: the machine's own noise, to compare.
				idle, _ := measureCalls(b, c, helper.Process.Pid, 10*time.Second)

				// 18,432 random bytes in Base64: 24,576 characters, the output limit.
				cmd := mkCommand(b, c, "head -c 18432 /dev/urandom | base64 -w 0", nil)
				inv := mkInvoke(b, c, cmd, ids, func(r *ecs.InvokeCommandRequest) { r.RepeatMode, r.Frequency = "Period", "rate(1s)" })
				latencies, peak := measureCalls(b, c, helper.Process.Pid, duration)
				rs := results(b, c, inv, func(r *ecs.DescribeInvocationResultsRequest) { r.PageSize = requests.NewInteger(50) })
				require.Len(b, rs, 20)
				b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MiB")
				b.ReportMetric(quantile(latencies, 0.5), "call-p50-ms")
				b.ReportMetric(quantile(latencies, 0.99), "call-p99-ms")
				b.ReportMetric(quantile(latencies, 1), "call-max-ms")
				b.ReportMetric(quantile(idle, 0.99), "idle-call-p99-ms")
				b.ReportMetric(float64(rs[0].Repeats), "runs/instance")
				b.Logf("%s store: %d runs per instance in %s, peak RSS %.1f MiB; unrelated calls p50 %.1f ms, p99 %.1f ms, max %.1f ms "+
					"(without the schedule: p50 %.1f ms, p99 %.1f ms, max %.1f ms)",
					store, rs[0].Repeats, duration, float64(peak)/(1<<20), quantile(latencies, 0.5), quantile(latencies, 0.99), quantile(latencies, 1),
					quantile(idle, 0.5), quantile(idle, 0.99), quantile(idle, 1))
			}
		})
	}
}

// measureCalls times DescribeInstances every 100 ms for d, and follows the peak RSS of pid.
func measureCalls(b *testing.B, c *ecs.Client, pid int, d time.Duration) ([]time.Duration, int64) {
	var latencies []time.Duration
	var peak int64
	for end := time.Now().Add(d); time.Now().Before(end); {
		begin := time.Now()
		_, err := c.DescribeInstances(ecs.CreateDescribeInstancesRequest())
		require.NoError(b, err)
		latencies = append(latencies, time.Since(begin))
		peak = max(peak, vmHWM(pid))
		time.Sleep(100 * time.Millisecond)
	}
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	return latencies, peak
}

// quantile of sorted latencies, in milliseconds.
func quantile(sorted []time.Duration, p float64) float64 {
	return float64(sorted[int(p*float64(len(sorted)-1))].Microseconds()) / 1000
}

func leftPad(n int) string {
	s := strconv.Itoa(n)
	return strings.Repeat("0", 14-len(s)) + s
}

// vmHWM is a process's peak resident set in bytes, 0 when it cannot be read.
func vmHWM(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
