package steps_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"kmslab/steps"
)

// TestTheLabLivesInSteps checks that no code outside package steps names a
// part by its number or an experiment by its id, in a string or in a
// comment: the TUI, `run`, awsops and the tools around them work for any
// steps.Lab, and a comment that says "part 4" would be wrong for the next
// lab. It reads every non-test Go file of the module outside steps/.
func TestTheLabLivesInSteps(t *testing.T) {
	t.Parallel()
	partNumber := regexp.MustCompile(`(?i)\bparts? [0-9]`)
	ids := map[string]bool{}
	for _, x := range steps.Experiments() {
		ids[x.ID] = true
	}
	files := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (path == "../steps" || (path != ".." && strings.HasPrefix(d.Name(), ".")) || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		files++
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution|parser.ParseComments)
		if err != nil {
			return err
		}
		for _, g := range f.Comments {
			for _, c := range g.List {
				if partNumber.MatchString(c.Text) {
					t.Errorf("%s: comment %q names a part of the KMS lab by its number", fset.Position(c.Pos()), c.Text)
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			if partNumber.MatchString(s) || ids[s] {
				t.Errorf("%s: %q names a part or an experiment of the KMS lab", fset.Position(lit.Pos()), s)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 100 {
		t.Fatalf("read only %d files: the walk missed the module", files)
	}
}
