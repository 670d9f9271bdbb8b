package ui

import (
	"kmslab/awsops"
)

// common is the context every component shares: sizes, styles, keys and the
// markdown cache. Components keep their own copy and receive a new one when
// the root re-lays out (SetSize), as soft-serve's common.Common does.
type common struct {
	width, height int
	styles        *Styles
	keys          *KeyMap
	md            *mdCache
	mdStyle       string
}

// ProgressFeed carries awsops progress reports (waits, retries) from the
// goroutine running a step into the program. Pass Report as
// awsops.Options.Progress and the feed as Options.Progress.
type ProgressFeed struct {
	ch chan awsops.Progress
}

// NewProgressFeed returns an empty feed.
func NewProgressFeed() *ProgressFeed {
	return &ProgressFeed{ch: make(chan awsops.Progress, 16)}
}

// Report queues p without ever blocking the AWS call that reports it: when the
// screen is behind, the oldest report is dropped, since only the latest matters.
func (f *ProgressFeed) Report(p awsops.Progress) {
	if f == nil {
		return
	}
	for {
		select {
		case f.ch <- p:
			return
		default:
			select {
			case <-f.ch:
			default:
			}
		}
	}
}
