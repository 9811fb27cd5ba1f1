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
	rootDir, err := c.cfg.Machines.Ensure(inst.ID)
	if err != nil {
		return spec, StatusError, "ExecutionException", err.Error()
	}
	root, err := machine.OpenRoot(rootDir)
	if err != nil {
		return spec, StatusError, "ExecutionException", fmt.Sprintf("opening the root filesystem of %s: %v", inst.ID, err)
	}
	defer root.Close()
	name := inv.Username
	if name == "" {
		name = defaultLinuxUser
	}
	acct, err := root.LookupUser(name)
	switch {
	case errors.Is(err, machine.ErrNoAccount) && inv.Username == "":
		acct = machine.Account{Home: "/root"} // an instance without a root entry still runs as root
	case err != nil:
		return spec, StatusFailed, "AccountNotExists", fmt.Sprintf("the user %q does not exist on the instance", name)
	}
	dir := path.Clean("/" + wd)
	if fi, err := root.Stat(dir); err != nil || !fi.IsDir() {
		return spec, StatusFailed, "DirectoryNotExists", fmt.Sprintf("the working directory %s does not exist on the instance", wd)
	}
	start, err := c.cfg.Machines.Command(inst.ID, machine.Run{
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
		OutputLimit: c.cfg.OutputLimit, OutputHead: c.cfg.OutputHead,
	}, "", "", ""
}
