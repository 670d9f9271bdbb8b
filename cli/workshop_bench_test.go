package cli

import (
	"context"
	"testing"

	"kmslab/ui"
)

// BenchmarkAttendeeStart is what the workshop does for a new attendee
// before the SSH side draws: their own offline AWS, SDK clients and
// identity (openAttendeeLab), then the walkthrough at 80x24 and its first
// frame. Every attendee of a room pays it within the same seconds (issue
// 24's first-screen target).
func BenchmarkAttendeeStart(b *testing.B) {
	ctx := context.Background()
	g := &globals{region: "us-east-1"}
	b.ReportAllocs()
	for b.Loop() {
		lab, err := openAttendeeLab(ctx, g)
		if err != nil {
			b.Fatal(err)
		}
		opts := lab.Options
		opts.Remote, opts.Width, opts.Height = true, 80, 24
		if v := ui.New(opts).View(); v.Content == "" {
			b.Fatal("no first frame")
		}
		lab.Close()
	}
}
