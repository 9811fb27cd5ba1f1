// Package enter is the first code of a run's process: it builds the instance's view and
// executes the script. It imports nothing but syscall, strconv and runtime, so Go initializes
// it before almost every other package of the binary (package initialization goes by import
// path among the packages whose imports are ready): a run does not pay for the SDKs' and the
// engine's package initialization it never needs.
package enter

import "strconv"

// Var carries the encoded Entry to the re-executed binary; it is removed from the environment
// before the script starts.
const Var = "CLOUDASSISTANT_EMULATOR_MACHINE_ENTRY"

// Entry is what the re-executed binary needs to enter an instance.
type Entry struct {
	Root     string   // the instance's overlay mount point on the host
	Masks    []string // host folders hidden inside (the emulator's data folders)
	Hostname string
	OwnNet   bool // the run has a network namespace of its own: bring lo up, keep CAP_NET_ADMIN
	UID, GID int
	Groups   []int
	Dir      string // working directory inside the instance
	Argv     []string
	// Layer, when set, is the instance's layer folder and the run is rootless: it is in a user
	// namespace of its own and builds the instance's root itself (see rootless.go).
	Layer string
	// Hold builds the instance's files only (no /proc, /sys, /dev, host name or script) and
	// then waits for its standard input to close: the emulator writes a rootless instance's
	// files through this process's root (/proc/<pid>/root).
	Hold bool
}

// Encode writes e as length-prefixed fields ("<len>:<bytes>"), which hold any text a script
// can be without a parser that would pull in encoding/json.
func (e Entry) Encode() string {
	var b []byte
	str := func(s string) { b = append(append(append(b, strconv.Itoa(len(s))...), ':'), s...) }
	num := func(n int) { str(strconv.Itoa(n)) }
	list := func(l []string) {
		num(len(l))
		for _, s := range l {
			str(s)
		}
	}
	str(e.Root)
	list(e.Masks)
	str(e.Hostname)
	if e.OwnNet {
		num(1)
	} else {
		num(0)
	}
	num(e.UID)
	num(e.GID)
	num(len(e.Groups))
	for _, g := range e.Groups {
		num(g)
	}
	str(e.Dir)
	list(e.Argv)
	str(e.Layer)
	if e.Hold {
		num(1)
	} else {
		num(0)
	}
	return string(b)
}

// decoder reads what Encode wrote; the first error sticks.
type decoder struct {
	s   string
	err string
}

func (d *decoder) str() string {
	if d.err != "" {
		return ""
	}
	i := 0
	for i < len(d.s) && d.s[i] != ':' {
		i++
	}
	n, err := strconv.Atoi(d.s[:min(i, len(d.s))])
	if err != nil || i == len(d.s) || n < 0 || n > len(d.s)-i-1 {
		d.err = "malformed entry"
		return ""
	}
	v := d.s[i+1 : i+1+n]
	d.s = d.s[i+1+n:]
	return v
}

func (d *decoder) num() int {
	n, err := strconv.Atoi(d.str())
	if err != nil && d.err == "" {
		d.err = "malformed number in entry"
	}
	return n
}

func (d *decoder) list() []string {
	n := d.num()
	if n < 0 || n > len(d.s) {
		d.err = "malformed list in entry"
		return nil
	}
	if n == 0 {
		return nil
	}
	out := make([]string, 0, n)
	for range n {
		out = append(out, d.str())
	}
	return out
}

// Decode reads an Entry that Encode wrote.
func Decode(s string) (Entry, string) {
	d := &decoder{s: s}
	var e Entry
	e.Root = d.str()
	e.Masks = d.list()
	e.Hostname = d.str()
	e.OwnNet = d.num() == 1
	e.UID = d.num()
	e.GID = d.num()
	if n := d.num(); n >= 0 && n <= len(d.s) {
		for range n {
			e.Groups = append(e.Groups, d.num())
		}
	}
	e.Dir = d.str()
	e.Argv = d.list()
	e.Layer = d.str()
	e.Hold = d.num() == 1
	if d.err == "" && (e.Root == "" || (len(e.Argv) == 0 && !e.Hold) || (e.Hold && e.Layer == "")) {
		d.err = "entry without a root or a program"
	}
	return e, d.err
}
