//go:build !js && !wasip1

package main

import (
	"strings"
	"testing"
)

func TestPhasesSplitAFolderOpenFromAZipOpen(t *testing.T) {
	folder := openRun{Change: 100, Shown: 1000, Calls: []openCall{
		{Method: "planFolder", Sent: 150, Answered: 200},
		{Method: "openFolder", Sent: 600, Answered: 900},
	}}
	list, plan, read, check, draw := folder.phases()
	if list != 50 || plan != 50 || read != 400 || check != 300 || draw != 100 {
		t.Errorf("folder phases = %v %v %v %v %v, want 50 50 400 300 100", list, plan, read, check, draw)
	}
	if sum := list + plan + read + check + draw; sum != folder.total() {
		t.Errorf("the folder's phases add up to %v, its total is %v", sum, folder.total())
	}
	zip := openRun{Change: 100, Shown: 700, Calls: []openCall{{Method: "openZip", Sent: 110, Answered: 600}}}
	list, plan, read, check, draw = zip.phases()
	if list != 0 || plan != 0 || read != 10 || check != 490 || draw != 100 {
		t.Errorf("zip phases = %v %v %v %v %v, want 0 0 10 490 100", list, plan, read, check, draw)
	}
}

func TestSessionCountsSayWhenTheFolderAndItsZipDiffer(t *testing.T) {
	same := folderSize{zip: []openRun{{Sessions: 942}, {Sessions: 942}}, folder: []openRun{{Sessions: 942}}}
	if got := sessionCounts(same); got != "942 / 942" {
		t.Errorf("the same sessions: %q", got)
	}
	differ := folderSize{zip: []openRun{{Sessions: 942}}, folder: []openRun{{Sessions: 941}, {Sessions: 942}}}
	if got := sessionCounts(differ); !strings.Contains(got, "differ") || !strings.Contains(got, "941") {
		t.Errorf("different sessions are not called out: %q", got)
	}
}
