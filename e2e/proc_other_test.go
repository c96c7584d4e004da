//go:build !linux && !js && !wasip1

package e2e

import "os/exec"

// dieWithParent: only Linux can tie a child's life to its parent's; elsewhere the cleanups stop the servers.
func dieWithParent(*exec.Cmd) {}
