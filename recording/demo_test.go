package recording

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"kmslab/internal/testbin"
	"kmslab/tape"
)

// regenerate is the README's command for its pictures.
const regenerate = "go run . record --fast"

// TestRecordDemoTape records ../demo.tape twice at once, as `kmslab record
// --fast` does, and checks what the issue asks of a recording: the two are
// the same bytes (kmslab --seed 1 and the tape's own clock); the files the
// README shows are these very bytes, so a screen that changed without them
// fails here; the .cast is asciicast v2; the SVG's frames hold the denial,
// the WHY panel and the diff as text; and the film lasts what VHS would film.
func TestRecordDemoTape(t *testing.T) {
	bin := testbin.KmslabUnlessShort(t, "builds kmslab and films demo.tape in a terminal")
	src, err := os.ReadFile("../demo.tape")
	if err != nil {
		t.Fatal(err)
	}
	cmds, err := tape.Parse(string(src))
	if err != nil {
		t.Fatal(err)
	}
	dirs := [2]string{t.TempDir(), t.TempDir()}
	var reps [2]*Report
	var errs [2]error
	var wg sync.WaitGroup
	for i := range dirs {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			reps[i], errs[i] = Record(ctx, cmds, Options{Bin: bin, Fast: true, Dir: dirs[i], Title: TitleOf("demo.tape")})
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	read := func(dir, name string) []byte {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	written := reps[0].Written
	for _, want := range []string{"docs/demo.svg", "docs/demo.cast", "docs/part5.svg", "docs/experiment.svg"} {
		if !strings.Contains(strings.Join(written, " "), want) {
			t.Errorf("wrote %v, not %s", written, want)
		}
	}

	t.Run("byte-identical", func(t *testing.T) {
		for _, name := range written {
			a, b := read(dirs[0], name), read(dirs[1], name)
			if bytes.Equal(a, b) {
				continue
			}
			t.Errorf("%s differs between two recordings with --seed 1", name)
			if strings.HasSuffix(name, ".svg") {
				fa, fb := svgFrames(t, a), svgFrames(t, b)
				for i := range min(len(fa), len(fb)) {
					if fa[i] != fb[i] {
						t.Errorf("frame %d of %d/%d:\n%s\n-- versus --\n%s", i, len(fa), len(fb), fa[i], fb[i])
						break
					}
				}
			}
		}
	})

	t.Run("README pictures are current", func(t *testing.T) {
		for _, name := range written {
			committed, err := os.ReadFile(filepath.Join("..", name))
			if err != nil {
				t.Errorf("%s: %v (make it with %s)", name, err, regenerate)
				continue
			}
			if !bytes.Equal(committed, read(dirs[0], name)) {
				t.Errorf("%s is stale: the program or demo.tape changed what it films; run %s and commit the result", name, regenerate)
			}
		}
	})

	t.Run("asciicast v2", func(t *testing.T) {
		events := checkCast(t, read(dirs[0], "docs/demo.cast"))
		var all strings.Builder
		for _, e := range events {
			all.WriteString(e)
		}
		for _, want := range []string{"./kmslab --seed 1", "ACCESS DENIED", "Summary"} {
			if !strings.Contains(all.String(), want) {
				t.Errorf("the cast never writes %q", want)
			}
		}
	})

	t.Run("SVG frames as text", func(t *testing.T) {
		frames := svgFrames(t, read(dirs[0], "docs/demo.svg"))
		if len(frames) < 20 {
			t.Fatalf("%d frames: the walkthrough is not filmed screen by screen", len(frames))
		}
		// Each moment the README promises must be a frame, as text.
		for _, want := range []struct{ what, re string }{
			{"the denial", `(?s)ACCESS DENIED.*kms:Decrypt`},
			{"the WHY headline", `(?s)WHY.*The key policy lets in the account root`},
			{"the WHY verdict", `Implicit deny: AWS refuses every request that no statement allows`},
			{"part 6's key policy diff", `(?s)Key policy change.*\+\s+"arn:aws:iam::111122223333:user/kmslab-user-`},
			{"the experiment's prediction", `You predicted denied: right`},
			{"the experiment's diff", `(?s)\+\+\+ inline policy .*-deny-decrypt.*\+\s+"Effect": "Deny"`},
			{"the summary", `(?s)Summary.*What you did`},
		} {
			re := regexp.MustCompile(want.re)
			found := false
			for _, f := range frames {
				if re.MatchString(f) {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("no frame shows %s (/%s/)", want.what, want.re)
			}
		}
		for name, re := range map[string]string{"docs/part5.svg": `(?s)ACCESS DENIED.*WHY`, "docs/experiment.svg": `(?s)You predicted denied: right.*What changed`} {
			still := svgFrames(t, read(dirs[0], name))
			if len(still) != 1 || !regexp.MustCompile(re).MatchString(still[0]) {
				t.Errorf("%s does not show /%s/", name, re)
			}
		}
	})

	t.Run("length", func(t *testing.T) {
		if got, want := reps[0].Length, tape.PlayLength(cmds); got != want {
			t.Errorf("film of %s, the tape's Sleeps and typing make %s", got, want)
		}
	})
}

// BenchmarkRecordDemoTape is what the README's command costs: demo.tape
// filmed with --fast, and its four files written.
func BenchmarkRecordDemoTape(b *testing.B) {
	bin := testbin.Kmslab(b)
	src, err := os.ReadFile("../demo.tape")
	if err != nil {
		b.Fatal(err)
	}
	cmds, err := tape.Parse(string(src))
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	for b.Loop() {
		if _, err := Record(context.Background(), cmds, Options{Bin: bin, Fast: true, Dir: dir}); err != nil {
			b.Fatal(err)
		}
	}
}
