package model

import (
	"errors"
	"fmt"
	"path"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/machine"
	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/runner"
)

// defaultLinuxUser is who runs a script without a Username, as on ECS.
const defaultLinuxUser = "root"

// machineSpec builds the start of a script inside inst's machine view: its root filesystem is
// mounted on first use, the user and the working directory are the instance's own.
func (c *Cloud) machineSpec(inv *Invocation, inst *Instance, script, wd string) (spec runner.Spec, status, code, info string) {
	ms := c.cfg.Machines
	name := inv.Username
	if name == "" {
		name = defaultLinuxUser
	}
	dir := path.Clean("/" + wd)
	acct := machine.Account{Home: "/root"}
	// A rootless instance's files can only be read through a holder process (machine.View):
	// its root, in the default working directory, needs none — it is the one user there, and
	// /root is one of the folders a rootless instance always has.
	if !ms.Rootless() || name != defaultLinuxUser || dir != "/root" {
		root, release, err := ms.View(inst.ID)
		if err != nil {
			return spec, StatusError, "ExecutionException", fmt.Sprintf("opening the root filesystem of %s: %v", inst.ID, err)
		}
		defer release()
		acct, err = root.LookupUser(name)
		switch {
		case errors.Is(err, machine.ErrNoAccount) && inv.Username == "":
			acct = machine.Account{Home: "/root"} // an instance without a root entry still runs as root
		case err != nil:
			return spec, StatusFailed, "AccountNotExists", fmt.Sprintf("the user %q does not exist on the instance", name)
		}
		if fi, err := root.Stat(dir); err != nil || !fi.IsDir() {
			return spec, StatusFailed, "DirectoryNotExists", fmt.Sprintf("the working directory %s does not exist on the instance", wd)
		}
	} else if _, err := ms.Ensure(inst.ID); err != nil {
		return spec, StatusError, "ExecutionException", err.Error()
	}
	if ms.Rootless() && (acct.UID != 0 || acct.GID != 0) {
		return spec, StatusError, "ExecutionException", fmt.Sprintf("user %q (uid %d): %v", name, acct.UID, machine.ErrUnmapped)
	}
	if ms.Rootless() {
		acct.GID, acct.Groups = 0, nil // root's other groups are not mapped either
	}
	start, err := ms.Command(inst.ID, machine.Run{
		Argv: []string{c.shell, "-c", script},
		// Nothing of the emulator's environment, its credentials above all, reaches a script.
		Env:  []string{scriptPath, "HOME=" + acct.Home, "USER=" + name, "LOGNAME=" + name},
		Dir:  dir,
		User: acct,
	})
	if err != nil {
		return spec, StatusError, "ExecutionException", err.Error()
	}
	return runner.Spec{
		Argv: start.Argv, Dir: "/", Env: start.Env, Cloneflags: start.Cloneflags,
		UIDMap: start.UIDMap, GIDMap: start.GIDMap,
		OutputLimit: c.cfg.OutputLimit, OutputHead: c.cfg.OutputHead,
	}, "", "", ""
}
