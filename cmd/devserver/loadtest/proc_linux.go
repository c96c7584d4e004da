package main

import (
	"os/exec"
	"syscall"
)

// dieWithParent has the kernel kill the devserver if the load test dies without stopping it.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
