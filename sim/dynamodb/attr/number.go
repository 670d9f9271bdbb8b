package attr

import (
	"math/big"
	"strings"
)

// DynamoDB numbers: up to 38 significant digits, magnitude between 1E-130 and
// 9.9999999999999999999999999999999999999E+125.
const (
	maxDigits = 38
	maxAdjExp = 125
	minAdjExp = -130
)

// Messages DynamoDB returns for numbers it cannot store.
const (
	msgNotNumber = "A value provided cannot be converted into a number"
	msgOverflow  = "Number overflow. Attempting to store a number with magnitude larger than supported range"
	msgUnderflow = "Number underflow. Attempting to store a number with magnitude smaller than supported range"
	msgPrecision = "Attempting to store more than 38 significant digits in a Number"
)

// decimal is an exact decimal: value = (neg ? -1 : 1) * digits * 10^exp, where digits has no
// leading or trailing zeros and is empty for zero.
type decimal struct {
	neg    bool
	digits string
	exp    int
}

// adjExp is the power of ten of the leading digit (1.5 -> 0, 150 -> 2).
func (d decimal) adjExp() int { return d.exp + len(d.digits) - 1 }

// parseDecimal reads the number syntax DynamoDB accepts (Java BigDecimal's): optional sign,
// digits with an optional point, optional exponent. It checks nothing about range.
func parseDecimal(s string) (decimal, bool) {
	var d decimal
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		d.neg = s[i] == '-'
		i++
	}
	var mant strings.Builder
	seenDigit, seenPoint := false, false
	frac := 0
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			seenDigit = true
			mant.WriteByte(c)
			if seenPoint {
				frac++
			}
		case c == '.' && !seenPoint:
			seenPoint = true
		default:
			goto exponent
		}
	}
exponent:
	if !seenDigit {
		return decimal{}, false
	}
	exp := 0
	if i < len(s) {
		if s[i] != 'e' && s[i] != 'E' {
			return decimal{}, false
		}
		i++
		eneg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			eneg = s[i] == '-'
			i++
		}
		if i == len(s) {
			return decimal{}, false
		}
		for ; i < len(s); i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return decimal{}, false
			}
			// Saturate: anything this large is out of range anyway, and it keeps int from overflowing.
			if exp < 1_000_000 {
				exp = exp*10 + int(c-'0')
			}
		}
		if eneg {
			exp = -exp
		}
	}
	m := strings.TrimLeft(mant.String(), "0")
	trimmed := strings.TrimRight(m, "0")
	d.digits = trimmed
	d.exp = exp - frac + (len(m) - len(trimmed))
	if d.digits == "" {
		d.neg = false
		d.exp = 0
	}
	return d, true
}

// check applies DynamoDB's precision and range limits.
func (d decimal) check() error {
	if d.digits == "" {
		return nil
	}
	if len(d.digits) > maxDigits {
		return &ValidationError{Message: msgPrecision}
	}
	if d.adjExp() > maxAdjExp {
		return &ValidationError{Message: msgOverflow}
	}
	if d.adjExp() < minAdjExp {
		return &ValidationError{Message: msgUnderflow}
	}
	return nil
}

// String is the canonical plain form: no exponent, no leading or trailing zeros.
func (d decimal) String() string {
	if d.digits == "" {
		return "0"
	}
	var b strings.Builder
	if d.neg {
		b.WriteByte('-')
	}
	switch {
	case d.exp >= 0:
		b.WriteString(d.digits)
		b.WriteString(strings.Repeat("0", d.exp))
	case len(d.digits) > -d.exp:
		p := len(d.digits) + d.exp
		b.WriteString(d.digits[:p])
		b.WriteByte('.')
		b.WriteString(d.digits[p:])
	default:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -d.exp-len(d.digits)))
		b.WriteString(d.digits)
	}
	return b.String()
}

func canonicalNumber(s string) (string, error) {
	d, ok := parseDecimal(s)
	if !ok {
		return "", &ValidationError{Message: msgNotNumber}
	}
	if err := d.check(); err != nil {
		return "", err
	}
	return d.String(), nil
}

// CanonicalNumber validates a DynamoDB number and returns its canonical form ("01.50" -> "1.5").
// The error is a *ValidationError with DynamoDB's message.
func CanonicalNumber(s string) (string, error) { return canonicalNumber(s) }

func cmpDecimal(a, b decimal) int {
	sa, sb := a.sign(), b.sign()
	if sa != sb {
		if sa < sb {
			return -1
		}
		return 1
	}
	if sa == 0 {
		return 0
	}
	m := cmpMagnitude(a, b)
	if sa < 0 {
		return -m
	}
	return m
}

func (d decimal) sign() int {
	switch {
	case d.digits == "":
		return 0
	case d.neg:
		return -1
	}
	return 1
}

func cmpMagnitude(a, b decimal) int {
	if ea, eb := a.adjExp(), b.adjExp(); ea != eb {
		if ea < eb {
			return -1
		}
		return 1
	}
	// Same leading power of ten: the digit strings compare lexicographically, a shorter string
	// being a prefix padded with zeros.
	return strings.Compare(a.digits, b.digits)
}

// CompareNumbers orders two decimal strings numerically; unparsable input sorts as zero.
func CompareNumbers(a, b string) int {
	da, _ := parseDecimal(a)
	db, _ := parseDecimal(b)
	return cmpDecimal(da, db)
}

func (d decimal) bigInt() *big.Int {
	n := new(big.Int)
	if d.digits == "" {
		return n
	}
	n.SetString(d.digits, 10)
	if d.neg {
		n.Neg(n)
	}
	return n
}

// AddNumbers returns a+b exactly, in canonical form. It fails with DynamoDB's message when an
// operand is not a number or the result is out of DynamoDB's range or precision.
func AddNumbers(a, b string) (string, error) { return addNumbers(a, b, false) }

// SubNumbers returns a-b exactly, in canonical form (see AddNumbers).
func SubNumbers(a, b string) (string, error) { return addNumbers(a, b, true) }

func addNumbers(a, b string, sub bool) (string, error) {
	da, ok := parseDecimal(a)
	if !ok {
		return "", &ValidationError{Message: msgNotNumber}
	}
	db, ok := parseDecimal(b)
	if !ok {
		return "", &ValidationError{Message: msgNotNumber}
	}
	// Range-check the operands first so the alignment below stays small.
	if err := da.check(); err != nil {
		return "", err
	}
	if err := db.check(); err != nil {
		return "", err
	}
	if sub {
		db.neg = !db.neg && db.digits != ""
	}
	exp := min(da.exp, db.exp)
	x := da.bigInt()
	x.Mul(x, pow10(da.exp-exp))
	y := db.bigInt()
	y.Mul(y, pow10(db.exp-exp))
	x.Add(x, y)
	neg := x.Sign() < 0
	x.Abs(x)
	digits := x.String()
	res, _ := parseDecimal(digits + "e" + itoa(exp))
	res.neg = neg && res.digits != ""
	if err := res.check(); err != nil {
		return "", err
	}
	return res.String(), nil
}

func pow10(n int) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
}

func itoa(n int) string { return big.NewInt(int64(n)).String() }

// numberDigits is the count of significant digits, used for item size.
func numberDigits(n string) int {
	d, _ := parseDecimal(n)
	return len(d.digits)
}
