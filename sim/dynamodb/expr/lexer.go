package expr

import (
	"strconv"
	"strings"

	"kmslab/sim/dynamodb/attr"
)

type tokKind uint8

const (
	tokEOF    tokKind = iota
	tokIdent          // name, keyword or function: [A-Za-z_][A-Za-z0-9_]*
	tokName           // #placeholder
	tokValue          // :placeholder
	tokNumber         // digits (list indexes)
	tokPunct          // = <> < <= > >= ( ) , . [ ] + -
	tokBad            // a character no token starts with
)

type token struct {
	kind       tokKind
	text       string
	start, end int
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentChar(c byte) bool { return isIdentStart(c) || (c >= '0' && c <= '9') }

// lex splits an expression into tokens. It never fails: an unknown character becomes a
// tokBad token so the parser reports it with DynamoDB's "Syntax error; token" message.
func lex(src string) []token {
	var toks []token
	i := 0
	for i < len(src) {
		c := src[i]
		start := i
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case isIdentStart(c):
			for i < len(src) && isIdentChar(src[i]) {
				i++
			}
			toks = append(toks, token{tokIdent, src[start:i], start, i})
		case c >= '0' && c <= '9':
			for i < len(src) && src[i] >= '0' && src[i] <= '9' {
				i++
			}
			toks = append(toks, token{tokNumber, src[start:i], start, i})
		case (c == '#' || c == ':') && i+1 < len(src) && isIdentChar(src[i+1]):
			i++
			for i < len(src) && isIdentChar(src[i]) {
				i++
			}
			k := tokName
			if c == ':' {
				k = tokValue
			}
			toks = append(toks, token{k, src[start:i], start, i})
		case c == '<' || c == '>':
			i++
			if i < len(src) && (src[i] == '=' || (c == '<' && src[i] == '>')) {
				i++
			}
			toks = append(toks, token{tokPunct, src[start:i], start, i})
		case strings.IndexByte("=(),.[]+-", c) >= 0:
			i++
			toks = append(toks, token{tokPunct, src[start:i], start, i})
		default:
			// Keep whole UTF-8 sequences together so the message quotes a real character.
			i++
			for i < len(src) && src[i]&0xC0 == 0x80 {
				i++
			}
			toks = append(toks, token{tokBad, src[start:i], start, i})
		}
	}
	return append(toks, token{kind: tokEOF, text: "<EOF>", start: len(src), end: len(src)})
}

type parser struct {
	kind  Kind
	src   string
	toks  []token
	pos   int
	sc    *Scope
	depth int
}

func newParser(kind Kind, src string, sc *Scope) (*parser, error) {
	if len(src) > MaxExpressionLength {
		return nil, invalid(kind, "Expression size has exceeded the maximum allowed size; expression size: %d", len(src))
	}
	if strings.TrimSpace(src) == "" {
		return nil, invalid(kind, "The expression can not be empty;")
	}
	return &parser{kind: kind, src: src, toks: lex(src), sc: sc}, nil
}

func (p *parser) peek() token { return p.toks[p.pos] }
func (p *parser) peekAt(n int) token {
	if p.pos+n < len(p.toks) {
		return p.toks[p.pos+n]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tokEOF {
		p.pos++
	}
	return t
}

func (p *parser) isPunct(s string) bool {
	t := p.peek()
	return t.kind == tokPunct && t.text == s
}

func (p *parser) isKeyword(kw string) bool {
	t := p.peek()
	return t.kind == tokIdent && strings.EqualFold(t.text, kw)
}

func (p *parser) expectPunct(s string) error {
	if !p.isPunct(s) {
		return p.syntaxErr()
	}
	p.next()
	return nil
}

// syntaxErr reports the current token as DynamoDB does: the token, and "near" the text from
// the previous token to the next one.
func (p *parser) syntaxErr() error {
	t := p.peek()
	from := t.start
	if p.pos > 0 {
		from = p.toks[p.pos-1].start
	}
	to := t.end
	if t.kind != tokEOF {
		if n := p.peekAt(1); n.kind != tokEOF {
			to = n.end
		}
	} else {
		to = len(p.src)
	}
	return invalid(p.kind, "Syntax error; token: \"%s\", near: \"%s\"", t.text, p.src[from:to])
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxNesting {
		return invalid(p.kind, "The expression has too many nested levels;")
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// parseName reads one attribute name: a placeholder resolved through the scope, or a plain
// identifier that must not be a reserved word.
func (p *parser) parseName() (string, error) {
	t := p.peek()
	switch t.kind {
	case tokName:
		p.next()
		return p.sc.name(p.kind, t.text)
	case tokIdent:
		if IsReserved(t.text) {
			return "", invalid(p.kind, "Attribute name is a reserved keyword; reserved keyword: %s", t.text)
		}
		p.next()
		return t.text, nil
	}
	return "", p.syntaxErr()
}

// parsePath reads name ( '.' name | '[' index ']' )*.
func (p *parser) parsePath() (Path, error) {
	first, err := p.parseName()
	if err != nil {
		return nil, err
	}
	path := Path{{Name: first}}
	for {
		switch {
		case p.isPunct("."):
			p.next()
			n, err := p.parseName()
			if err != nil {
				return nil, err
			}
			path = append(path, Elem{Name: n})
		case p.isPunct("["):
			p.next()
			t := p.peek()
			if t.kind != tokNumber {
				return nil, p.syntaxErr()
			}
			idx, err := strconv.Atoi(t.text)
			if err != nil || idx > 1<<24 {
				return nil, p.syntaxErr()
			}
			p.next()
			if err := p.expectPunct("]"); err != nil {
				return nil, err
			}
			path = append(path, Elem{Index: idx, IsIndex: true})
		default:
			return path, nil
		}
	}
}

func (p *parser) parseValue() (ValueOperand, error) {
	t := p.peek()
	if t.kind != tokValue {
		return ValueOperand{}, p.syntaxErr()
	}
	p.next()
	v, err := p.sc.value(p.kind, t.text)
	if err != nil {
		return ValueOperand{}, err
	}
	return ValueOperand{Name: t.text, Value: v}, nil
}

func (p *parser) expectEOF() error {
	if p.peek().kind != tokEOF {
		return p.syntaxErr()
	}
	return nil
}

func numberValue(n int) attr.Value { return attr.Int(int64(n)) }
