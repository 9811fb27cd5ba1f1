package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// rssWrapper writes a script named like the provider that records its PID and execs the
// real binary: the engine starts the plugin itself, so this is how the bench learns which
// process to watch. It returns the directory to put first on PATH.
func rssWrapper(tmp, binary, pidFile string) (string, error) {
	dir := filepath.Join(tmp, "wrapper")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	script := fmt.Sprintf("#!/bin/sh\necho $$ >> %q\nexec %q \"$@\"\n", pidFile, binary)
	return dir, os.WriteFile(filepath.Join(dir, filepath.Base(binary)), []byte(script), 0o755)
}

// watchRSS polls the peak resident set (VmHWM, which only grows) of every PID listed in
// pidFile until the returned function is called; that returns the largest, in bytes.
func watchRSS(pidFile string) func() int64 {
	stop := make(chan struct{})
	var mu sync.Mutex
	var peak int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			for _, pid := range readPIDs(pidFile) {
				if hwm := vmHWM(pid); hwm > 0 {
					mu.Lock()
					peak = max(peak, hwm)
					mu.Unlock()
				}
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 {
		close(stop)
		<-done
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

func readPIDs(path string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	return strings.Fields(string(b))
}

// vmHWM reads /proc/PID/status's VmHWM in bytes; 0 once the process is gone.
func vmHWM(pid string) int64 {
	f, err := os.Open(filepath.Join("/proc", pid, "status"))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
