package policy

import "strings"

// pchar is one character of a pattern. lit marks characters that must match
// literally even if they are '*' or '?': those produced by ${*}, ${?} and by
// substituted variable values.
type pchar struct {
	r   rune
	lit bool
}

type pattern []pchar

func plainPattern(s string) pattern {
	p := make(pattern, 0, len(s))
	for _, r := range s {
		p = append(p, pchar{r: r})
	}
	return p
}

func (p *pattern) appendLiteral(s string) {
	for _, r := range s {
		*p = append(*p, pchar{r: r, lit: true})
	}
}

// text is the pattern as a plain string, for operators that compare exactly.
func (p pattern) text() string {
	var b strings.Builder
	for _, c := range p {
		b.WriteRune(c.r)
	}
	return b.String()
}

// match reports whether s matches p, '*' matching any run of characters and
// '?' any one character. The greedy backtrack-to-last-star walk is linear
// in practice and never worse than len(p)*len(s), so hostile patterns cannot
// stall evaluation.
func (p pattern) match(s string) bool {
	str := []rune(s)
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(str) {
		if pi < len(p) && !p[pi].lit && p[pi].r == '*' {
			star, mark = pi, si
			pi++
			continue
		}
		if pi < len(p) && ((!p[pi].lit && p[pi].r == '?') || p[pi].r == str[si]) {
			pi++
			si++
			continue
		}
		if star >= 0 {
			pi = star + 1
			mark++
			si = mark
			continue
		}
		return false
	}
	for pi < len(p) && !p[pi].lit && p[pi].r == '*' {
		pi++
	}
	return pi == len(p)
}

// wildcardMatch matches s against pattern without policy variables.
func wildcardMatch(pat, s string) bool { return plainPattern(pat).match(s) }

// actionMatches compares actions case-insensitively, as IAM does. Actions are
// ASCII, and a key policy lists dozens of them, so the usual case compares
// bytes in place; anything beyond ASCII takes the rune path.
func actionMatches(pat, action string) bool {
	if isASCII(pat) && isASCII(action) {
		return globFoldASCII(pat, action)
	}
	return plainPattern(strings.ToLower(pat)).match(strings.ToLower(action))
}

// globFoldASCII is pattern.match for ASCII text with ASCII case folding.
func globFoldASCII(p, s string) bool {
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		if pi < len(p) && p[pi] == '*' {
			star, mark = pi, si
			pi++
			continue
		}
		if pi < len(p) && (p[pi] == '?' || lowerASCII(p[pi]) == lowerASCII(s[si])) {
			pi++
			si++
			continue
		}
		if star >= 0 {
			pi = star + 1
			mark++
			si = mark
			continue
		}
		return false
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// expand substitutes policy variables in s. Variables exist only in version
// 2012-10-17 documents; in older ones "${...}" is plain text. ok is false when
// a variable has no value and no default: AWS then treats the element as not
// matching.
func expand(s string, vars bool, ctx *evalContext) (p pattern, ok bool) {
	if !vars || !strings.Contains(s, "${") {
		return plainPattern(s), true
	}
	p = make(pattern, 0, len(s))
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		p = append(p, plainPattern(s[:i])...)
		inner := strings.TrimSpace(s[i+2 : i+j])
		s = s[i+j+1:]
		switch inner {
		case "*", "?", "$":
			p.appendLiteral(inner)
			continue
		}
		name, def, hasDef := strings.Cut(inner, ",")
		name = strings.TrimSpace(name)
		if hasDef {
			def = strings.TrimSpace(def)
			def = strings.TrimSuffix(strings.TrimPrefix(def, "'"), "'")
		}
		if v, found := ctx.get(name); found {
			p.appendLiteral(v[0])
		} else if hasDef {
			p.appendLiteral(def)
		} else {
			return nil, false
		}
	}
	p = append(p, plainPattern(s)...)
	return p, true
}
