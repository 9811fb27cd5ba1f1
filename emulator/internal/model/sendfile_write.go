package model

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/user"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/machine"
)

// disk is where an instance's files are and whose accounts own them.
type disk struct {
	root string // the folder that is the instance's "/" on this machine
	// ownAccounts: owners and groups are the instance's (its /etc/passwd and /etc/group);
	// otherwise (--isolation none) this machine's.
	ownAccounts bool
	// machines and id: the disk is an instance's machine view, opened through machines
	// (a rootless one only exists in a holder process's user namespace).
	machines *machine.Machines
	id       string
}

// open opens the disk's root folder; release undoes it.
func (d disk) open() (root *machine.Root, release func(), err error) {
	if d.machines != nil {
		return d.machines.View(d.id)
	}
	r, err := machine.OpenRoot(d.root)
	if err != nil {
		return nil, nil, err
	}
	return r, func() { _ = r.Close() }, nil
}

// instanceDisk makes an instance's disk ready (its root filesystem mounted, or its sandbox
// directory made) and says where it is.
func (c *Cloud) instanceDisk(instanceID string) (disk, error) {
	if c.cfg.Machines != nil {
		root, err := c.cfg.Machines.Ensure(instanceID)
		return disk{root: root, ownAccounts: true, machines: c.cfg.Machines, id: instanceID}, err
	}
	if err := c.ensureSandbox(instanceID); err != nil {
		return disk{}, err
	}
	return disk{root: c.sandbox(instanceID)}, nil
}

// InstanceRoot makes an instance's disk ready and returns the folder that is its "/" here.
func (c *Cloud) InstanceRoot(instanceID string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.instances[instanceID]; !ok {
		return "", fmt.Errorf("instance %s does not exist", instanceID)
	}
	d, err := c.instanceDisk(instanceID)
	return d.root, err
}

// removeDisk deletes a released instance's disk: its layer and mount point, or its sandbox
// directory.
func (c *Cloud) removeDisk(instanceID string) error {
	if c.cfg.Machines != nil {
		return c.cfg.Machines.Remove(instanceID)
	}
	return os.RemoveAll(c.sandbox(instanceID))
}

// ids resolves a file's owner and group where the file goes.
func (d disk) ids(root *machine.Root, owner, group string) (uid, gid int, ok fileOutcome) {
	failed := func(code, info string) fileOutcome { return fileOutcome{StatusFailed, code, info} }
	if d.ownAccounts {
		acct, err := root.LookupUser(owner)
		if err != nil {
			return 0, 0, failed("AccountNotExists", infoOwnerNotExists)
		}
		if gid, err = root.LookupGroup(group); err != nil {
			return 0, 0, failed("UserGroupNotExists", infoGroupNotExists)
		}
		if d.machines != nil && d.machines.Rootless() && (acct.UID != 0 || gid != 0) {
			return 0, 0, fileOutcome{StatusError, "FileCreateFail", fmt.Sprintf("owner %s:%s: %v", owner, group, machine.ErrUnmapped)}
		}
		return acct.UID, gid, fileOutcome{}
	}
	u, err := user.Lookup(owner)
	if err != nil {
		return 0, 0, failed("AccountNotExists", infoOwnerNotExists)
	}
	g, err := user.LookupGroup(group)
	if err != nil {
		return 0, 0, failed("UserGroupNotExists", infoGroupNotExists)
	}
	uid, _ = strconv.Atoi(u.Uid)
	gid, _ = strconv.Atoi(g.Gid)
	return uid, gid, fileOutcome{}
}

// writeFile does on the instance's disk what the agent does: check the owner and group,
// create the directory, refuse an existing file unless overwrite, and write the file with its
// owner and mode atomically. Every path is resolved inside the disk's root (openat2
// RESOLVE_IN_ROOT from a root opened without following a link), so no "..", link, link
// swapped in meanwhile, or instance folder replaced by a link writes outside it.
func writeFile(d disk, dir, name string, content []byte, mode, owner, group string, overwrite bool) fileOutcome {
	failed := func(code, info string) fileOutcome { return fileOutcome{StatusFailed, code, info} }
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") {
		return failed("FileNameInvalid", infoFileNameInvalid)
	}
	if strings.ContainsRune(dir, 0) {
		return failed("FilePathInvalid", infoFilePathInvalid)
	}
	perm, err := ParseFileMode(mode)
	if err != nil {
		return failed("FileAuthorityInvalid", "Mode is invalid")
	}
	root, release, err := d.open()
	if err != nil {
		return failed("FileCreateFail", infoFileCreateFail)
	}
	defer release()
	uid, gid, bad := d.ids(root, owner, group)
	if bad.status != "" {
		return bad
	}
	parent, err := root.MkdirAll(dir, 0o755)
	if err != nil {
		return failed("FilePathInvalid", infoFilePathInvalid)
	}
	defer parent.Close()
	pfd := int(parent.Fd())
	var st unix.Stat_t
	if err := unix.Fstatat(pfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err == nil {
		if st.Mode&unix.S_IFMT == unix.S_IFDIR {
			return failed("FileCreateFail", infoFileCreateFail)
		}
		if !overwrite {
			return failed("FileAlreadyExists", infoFileExists)
		}
	} else if !errors.Is(err, unix.ENOENT) {
		return failed("FileCreateFail", infoFileCreateFail)
	}
	// A short temporary name: a 255-byte file name (the API's limit) must still deliver.
	tmp := tempName()
	fd, err := unix.Openat(pfd, tmp, unix.O_CREAT|unix.O_EXCL|unix.O_WRONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return failed("FileCreateFail", infoFileCreateFail)
	}
	f := os.NewFile(uintptr(fd), tmp)
	renamed := false
	defer func() {
		if !renamed {
			_ = unix.Unlinkat(pfd, tmp, 0)
		}
	}()
	if _, err := f.Write(content); err != nil {
		_ = f.Close()
		return failed("FileCreateFail", infoFileCreateFail)
	}
	// Ownership changes need root; otherwise the file belongs to the emulator's user, as the
	// scripts run as it (--isolation none has no accounts of its own; a rootless instance
	// maps that user as its root, the only owner it allows). chown clears set-id bits, so
	// the mode comes after it.
	if os.Geteuid() == 0 {
		if err := f.Chown(uid, gid); err != nil {
			_ = f.Close()
			return failed("FileCreateFail", infoFileCreateFail)
		}
	}
	if err := unix.Fchmod(fd, perm&0o7777); err != nil {
		_ = f.Close()
		return failed("FileAuthorityInvalid", "Mode is invalid")
	}
	if err := f.Close(); err != nil {
		return failed("FileCreateFail", infoFileCreateFail)
	}
	if err := unix.Renameat(pfd, tmp, pfd, name); err != nil {
		return failed("FileCreateFail", infoFileCreateFail)
	}
	renamed = true
	return fileOutcome{status: StatusSuccess}
}

// tempName is a name no file of the instance has: 12 bytes, far under the 255-byte limit.
func tempName() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return ".sf-" + hex.EncodeToString(b)
}
