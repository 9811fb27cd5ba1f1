package runner

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// MarkerVar is the environment variable every script process carries (and its children
// inherit): "<owner>/<run>". It is how the emulator finds the processes a run started after
// they have left its process group (setsid) or lost their parent (a double fork), and, after
// a crash, the processes a previous emulator on the same data directory left behind.
const MarkerVar = "CLOUDASSISTANT_EMULATOR_RUN"

// proc is one live process as /proc shows it.
type proc struct {
	pid, ppid, pgrp int
	start           uint64 // start time in clock ticks since boot: with pid, identifies the process
}

// listProcs reads every live (non-zombie) process from /proc.
func listProcs() []proc {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	out := make([]proc, 0, len(entries))
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if p, ok := readProc(pid); ok {
			out = append(out, p)
		}
	}
	return out
}

// readProc parses /proc/<pid>/stat; ok is false for a process that is gone or a zombie.
func readProc(pid int) (proc, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return proc{}, false
	}
	// The command name (field 2) is in parentheses and may contain spaces: parse after it.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return proc{}, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 20 || f[0] == "Z" || f[0] == "X" {
		return proc{}, false
	}
	ppid, _ := strconv.Atoi(f[1])
	pgrp, _ := strconv.Atoi(f[2])
	start, _ := strconv.ParseUint(f[19], 10, 64)
	return proc{pid: pid, ppid: ppid, pgrp: pgrp, start: start}, true
}

// StartTime is the start time of a live process (clock ticks since boot), 0 when it is gone.
func StartTime(pid int) uint64 {
	p, ok := readProc(pid)
	if !ok {
		return 0
	}
	return p.start
}

// Alive reports whether pid is a live process (not a zombie).
func Alive(pid int) bool {
	_, ok := readProc(pid)
	return ok
}

// marker reads the value of MarkerVar a process started with.
func marker(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
	if err != nil {
		return ""
	}
	for _, kv := range bytes.Split(b, []byte{0}) {
		if v, ok := bytes.CutPrefix(kv, []byte(MarkerVar+"=")); ok {
			return string(v)
		}
	}
	return ""
}

// descendants returns root's live descendants, by parent links.
func descendants(procs []proc, root int) []int {
	children := map[int][]int{}
	for _, p := range procs {
		children[p.ppid] = append(children[p.ppid], p.pid)
	}
	var out []int
	queue := []int{root}
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		for _, c := range children[pid] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

// killTree kills root's process group, every descendant of root and every process whose
// marker is exactly mark, until a pass finds none (a process forking while it is killed is
// caught on the next pass), and returns once they are all gone. The members are listed before
// the first signal: a process that is exiting no longer shows its environment.
func killTree(root int, mark string) {
	killed := map[int]uint64{}
	for range 50 {
		procs := listProcs()
		var victims []proc
		for _, p := range procs {
			if p.pgrp == root || (mark != "" && p.pid != root && marker(p.pid) == mark) {
				victims = append(victims, p)
			}
		}
		for _, pid := range descendants(procs, root) {
			if p, ok := readProc(pid); ok {
				victims = append(victims, p)
			}
		}
		if len(victims) == 0 {
			break
		}
		_ = syscall.Kill(-root, syscall.SIGKILL)
		for _, p := range victims {
			_ = syscall.Kill(p.pid, syscall.SIGKILL)
			killed[p.pid] = p.start
		}
	}
	waitGone(killed)
}

// killWait bounds how long a kill waits for its processes to be gone. SIGKILL cannot be
// caught, but a process ends only when it next runs, and scripts run at a lower priority.
const killWait = 10 * time.Second

// waitGone waits until none of the processes (pid → start time) is alive any more (a zombie
// counts as gone), or killWait has passed.
func waitGone(procs map[int]uint64) {
	deadline := time.Now().Add(killWait)
	for pid, start := range procs {
		for time.Now().Before(deadline) {
			if p, ok := readProc(pid); !ok || p.start != start {
				break
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
}

// KillMarked kills every process whose marker starts with prefix ("<owner>/"), and the
// processes listed in pids whose start time still matches (a recorded pid may have been
// reused). It returns how many it killed, once they are gone. Used at shutdown and on a restart
// after a crash.
func KillMarked(prefix string, pids map[int]uint64) int {
	killed := map[int]uint64{}
	if prefix == "" {
		return 0
	}
	for pid, start := range pids {
		if p, ok := readProc(pid); ok && p.start == start {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			killed[pid] = start
		}
	}
	for range 50 {
		n := 0
		for _, p := range listProcs() {
			if p.pid != os.Getpid() && strings.HasPrefix(marker(p.pid), prefix) {
				_ = syscall.Kill(p.pid, syscall.SIGKILL)
				killed[p.pid] = p.start
				n++
			}
		}
		if n == 0 {
			break
		}
	}
	waitGone(killed)
	return len(killed)
}
