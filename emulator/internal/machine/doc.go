// Package machine makes each emulated instance a machine view: an overlay root filesystem (the
// host's / read-only underneath, the instance's own writable layer on top) that every run sees
// through its own mount, PID, UTS and IPC namespaces (and, on request, an empty network
// namespace). An emulator that is not root does the same in a user namespace per run where its
// user is root (rootless.go): each run builds the instance's root itself, one overlay per
// top-level folder of the host, and the emulator reaches an instance's files through a holder
// process (View).
//
// A run is started by re-executing the current binary (/proc/self/exe) in new namespaces with
// the entry in enter.Var; package enter's init function then takes over before the binary's
// other packages are initialized: it mounts /proc, /dev and /sys, masks the emulator's data
// folders, pivots into the instance's root, sets the host name and the user, and executes the
// script's shell in place. Test binaries and the emulator's binary alike work this way, as
// they all import this package.
package machine
