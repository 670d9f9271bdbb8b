package steps_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"kmslab/steps"
)

// TestTheLabLivesInSteps checks that no code outside package steps names a
// part by its number or an experiment by its id: the TUI, `run` and awsops
// (its sub-packages too) work for any steps.Lab. It reads the string literals of every non-test Go
// file of those packages (comments may still say which part a view draws).
func TestTheLabLivesInSteps(t *testing.T) {
	t.Parallel()
	partNumber := regexp.MustCompile(`(?i)\bparts? [0-9]`)
	ids := map[string]bool{}
	for _, x := range steps.Experiments() {
		ids[x.ID] = true
	}
	for _, dir := range []string{"../ui", "../cli", "../awsops", "../awsops/*", "../tape"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
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
		}
	}
}
