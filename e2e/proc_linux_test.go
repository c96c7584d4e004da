//go:build linux

package e2e

import (
	"os/exec"
	"syscall"
)

// dieWithParent has the kernel kill the dev server if this test binary dies first (a panic, a -timeout, a
// kill), so that no server outlives its run.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
