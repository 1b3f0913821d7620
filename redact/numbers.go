package redact

// digits runs the detectors that the run of digits s[i:j] can
// begin: an IBAN (whose check digits follow two capital letters), a
// payment card, a phone number and a US social security number. Numbers
// glued into identifiers ("blk_-5105105105105100", "id4111…", "job_1514…")
// are none of these.
func (sc *scanner) digits(i, j int) {
	s := sc.s
	if i >= 2 && isUpper(s[i-1]) && isUpper(s[i-2]) {
		if j-i >= 2 && (i == 2 || !isWordByte(s[i-3])) {
			sc.iban(i - 2)
		}
		return
	}
	var prev byte
	if i > 0 {
		prev = s[i-1]
	}
	switch {
	case isWordByte(prev), prev == '.':
		return
	case prev == '+':
		if i < 2 || !isWordByte(s[i-2]) {
			sc.intlPhone(i - 1)
		}
		return
	case prev == '-':
		return // a negative number, or glued to what is before
	case prev == '(' && j-i == 3:
		sc.nanp(i-1, i, true)
		return
	}
	switch n := j - i; {
	case n == 3:
		sc.nanp(i, i, false)
		sc.ssn(i, j)
	case n == 1 && s[i] == '1' && j+1 < len(s) && s[j] == '-' && isDigit(s[j+1]):
		sc.nanp(i, j+1, false) // 1-415-555-2671
	case n >= 4 && n <= 19:
		sc.card(i, j)
	}
}

// endsNumber reports whether a number may end before s[k]: at the end, or
// before a byte that does not continue it (not a letter, digit or '_', and
// not a '.' or '-' followed by a digit).
func endsNumber(s string, k int) bool {
	if k >= len(s) {
		return true
	}
	c := s[k]
	if isWordByte(c) {
		return false
	}
	if (c == '.' || c == '-') && k+1 < len(s) && isDigit(s[k+1]) {
		return false
	}
	return true
}

// card looks for a payment card number whose first group of digits is
// s[i:j]: 13 to 19 digits, contiguous or in groups of 3 to 6 split by one
// space or one dash (the same one throughout), with a valid Luhn checksum
// and an issuer prefix and length that fit a card brand.
func (sc *scanner) card(i, j int) {
	s := sc.s
	var d [19]byte
	n := copy(d[:], s[i:j])
	if n >= 13 {
		if endsNumber(s, j) && cardNumber(d[:n]) {
			sc.add(i, j, Card)
		}
		return
	}
	if n > 6 || j+1 >= len(s) || (s[j] != ' ' && s[j] != '-') {
		return
	}
	sep := s[j]
	// Group ends where the total could be a card, longest first.
	var cut [8]int
	var cutN [8]int
	cuts := 0
	k := j
	for cuts < len(cut) && k+1 < len(s) && s[k] == sep && isDigit(s[k+1]) {
		g := k + 1
		e := g
		for e < len(s) && isDigit(s[e]) {
			e++
		}
		if e-g < 1 || e-g > 6 || n+e-g > 19 {
			break
		}
		n += copy(d[n:], s[g:e])
		k = e
		if n >= 13 {
			cut[cuts], cutN[cuts] = e, n
			cuts++
		}
		if e-g < 3 {
			break // only the last group may be that short
		}
	}
	// The groups are one number; only when they hold more digits than a
	// card can is a shorter run of them tried ("4111 1111 1111 1111 2026").
	if cuts > 0 && k == cut[cuts-1] && (k+1 >= len(s) || s[k] != sep || !isDigit(s[k+1])) {
		cuts, cut[0], cutN[0] = 1, cut[cuts-1], cutN[cuts-1]
	}
	for c := cuts - 1; c >= 0; c-- {
		if endsNumber(s, cut[c]) && cardNumber(d[:cutN[c]]) {
			sc.add(i, cut[c], Card)
			sc.skipTo = cut[c]
			return
		}
	}
}

// cardNumber reports whether d, 13 to 19 ASCII digits, passes the Luhn
// check and starts with an issuer prefix that fits its length.
func cardNumber(d []byte) bool {
	n := len(d)
	p := func(k int) int {
		v := 0
		for _, c := range d[:k] {
			v = v*10 + int(c-'0')
		}
		return v
	}
	ok := false
	switch d[0] {
	case '4': // Visa
		ok = n == 13 || n == 16 || n == 19
	case '5':
		switch p2 := p(2); {
		case p2 >= 51 && p2 <= 55: // Mastercard
			ok = n == 16
		case p2 == 50 || p2 >= 56: // Maestro
			ok = n >= 13
		}
	case '2':
		switch p4 := p(4); {
		case p4 >= 2221 && p4 <= 2720: // Mastercard 2-series
			ok = n == 16
		case p4 >= 2200 && p4 <= 2204: // Mir
			ok = n >= 16
		}
	case '3':
		switch p2, p3, p4 := p(2), p(3), p(4); {
		case p2 == 34 || p2 == 37: // American Express
			ok = n == 15
		case p3 >= 300 && p3 <= 305, p4 == 3095, p2 == 36, p2 == 38, p2 == 39: // Diners Club
			ok = n >= 14
		case p4 >= 3528 && p4 <= 3589: // JCB
			ok = n >= 16
		}
	case '6': // Discover, UnionPay, Maestro, RuPay
		ok = n >= 16 || p(2) >= 60 && n >= 13 && maestro6(p(4))
	}
	return ok && luhn(d)
}

// maestro6 reports the Maestro ranges under 6 that issue numbers shorter
// than 16 digits.
func maestro6(p4 int) bool {
	switch p4 {
	case 6304, 6759, 6761, 6762, 6763:
		return true
	}
	return false
}

func luhn(d []byte) bool {
	sum := 0
	double := false
	for k := len(d) - 1; k >= 0; k-- {
		v := int(d[k] - '0')
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return sum%10 == 0
}

// nanp looks for a North American number: "(415) 555-2671" when paren (at
// s[start] the '('), else "415-555-2671" or "415.555.2671" whose area code
// begins at s[area]; start may sit earlier on a leading "1-". Area code and
// exchange start with 2 to 9.
func (sc *scanner) nanp(start, area int, paren bool) {
	s := sc.s
	k := area
	if !nxx(s, k) {
		return
	}
	k += 3
	var sep byte
	if paren {
		if k >= len(s) || s[k] != ')' {
			return
		}
		k++
		if k < len(s) && s[k] == ' ' {
			k++
		}
	} else {
		if k >= len(s) || (s[k] != '-' && s[k] != '.') || start < area && s[k] != '-' {
			return
		}
		sep = s[k]
		k++
	}
	if !nxx(s, k) {
		return
	}
	k += 3
	if k >= len(s) {
		return
	}
	if paren {
		if s[k] != '-' && s[k] != '.' && s[k] != ' ' {
			return
		}
	} else if s[k] != sep {
		return
	}
	k++
	if k+4 > len(s) || !isDigit(s[k]) || !isDigit(s[k+1]) || !isDigit(s[k+2]) || !isDigit(s[k+3]) {
		return
	}
	k += 4
	if !endsNumber(s, k) {
		return
	}
	sc.add(start, k, Phone)
	sc.skipTo = k
}

// nxx reports three digits at s[k], the first of them 2 to 9.
func nxx(s string, k int) bool {
	return k+3 <= len(s) && s[k] >= '2' && s[k] <= '9' && isDigit(s[k+1]) && isDigit(s[k+2]) &&
		(k+3 == len(s) || !isDigit(s[k+3]))
}

// intlPhone looks for an international number at the '+' in s[plus]: a
// country code of 1 to 3 digits that does not start with 0, then groups of
// digits split by one space, dash or dot, or a bracketed group, 8 to 15
// digits in all (E.164); or 10 to 15 digits written together, so that a
// signed count ("+52428800 bytes") is not taken for a number to call.
func (sc *scanner) intlPhone(plus int) {
	s := sc.s
	k := plus + 1
	if k >= len(s) || s[k] < '1' || s[k] > '9' {
		return
	}
	total, groups, first := 0, 0, 0
	var ends [12]int
	var totals [12]int
	for groups < len(ends) {
		closeParen := false
		if k < len(s) && s[k] == '(' {
			k++
			closeParen = true
		}
		g := k
		for k < len(s) && isDigit(s[k]) {
			k++
		}
		if k == g || closeParen && (k >= len(s) || s[k] != ')' || k-g > 4) {
			break
		}
		if closeParen {
			k++
		}
		total += k - g
		if groups == 0 {
			first = k - g
		}
		ends[groups], totals[groups] = k, total
		groups++
		if k+1 < len(s) && (s[k] == ' ' || s[k] == '-' || s[k] == '.') && (isDigit(s[k+1]) || s[k+1] == '(') {
			k++
			continue
		}
		if k < len(s) && (s[k] == '(' || closeParen && isDigit(s[k])) {
			continue
		}
		break
	}
	if groups == 0 || groups > 1 && first > 3 || groups == 1 && first < 10 {
		return
	}
	for c := groups - 1; c >= 0; c-- {
		if totals[c] < 8 {
			return
		}
		if totals[c] <= 15 && endsNumber(s, ends[c]) {
			sc.add(plus, ends[c], Phone)
			sc.skipTo = ends[c]
			return
		}
	}
}

// ssn looks for a US social security number "AAA-GG-SSSS" whose area is
// s[i:j]: the area is not 000, 666 or 900 and up, the group not 00 and
// the serial not 0000.
func (sc *scanner) ssn(i, j int) {
	s := sc.s
	if j+8 > len(s) || s[j] != '-' || s[j+3] != '-' {
		return
	}
	for _, k := range [...]int{j + 1, j + 2, j + 4, j + 5, j + 6, j + 7} {
		if !isDigit(s[k]) {
			return
		}
	}
	if !endsNumber(s, j+8) {
		return
	}
	area, group, serial := s[i:j], s[j+1:j+3], s[j+4:j+8]
	if area == "000" || area == "666" || area[0] == '9' || group == "00" || serial == "0000" {
		return
	}
	sc.add(i, j+8, IDNumber)
	sc.skipTo = j + 8
}

// ibanLen holds the IBAN length of each country, indexed by its two
// letters; 0 means the country issues none.
var ibanLen = func() (t [26 * 26]uint8) {
	for _, c := range []struct {
		cc string
		n  uint8
	}{
		{"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16},
		{"BG", 22}, {"BH", 22}, {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22},
		{"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DJ", 27}, {"DK", 18}, {"DO", 28}, {"EE", 20},
		{"EG", 29}, {"ES", 24}, {"FI", 18}, {"FK", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22},
		{"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28},
		{"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30},
		{"KZ", 20}, {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21},
		{"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MN", 20}, {"MR", 27},
		{"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23}, {"PK", 24},
		{"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"RU", 33},
		{"SA", 24}, {"SC", 31}, {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27},
		{"SO", 23}, {"ST", 25}, {"SV", 28}, {"TL", 23}, {"TN", 24}, {"TR", 26}, {"UA", 29},
		{"VA", 22}, {"VG", 24}, {"XK", 20}, {"YE", 30},
	} {
		t[int(c.cc[0]-'A')*26+int(c.cc[1]-'A')] = c.n
	}
	return t
}()

// iban looks for an IBAN at s[i]: a country code, two check digits and the
// account number, together or in groups of four split by single spaces,
// as long as the country's IBANs are and passing the ISO 13616 mod-97
// check.
func (sc *scanner) iban(i int) {
	s := sc.s
	want := int(ibanLen[int(s[i]-'A')*26+int(s[i+1]-'A')])
	if want == 0 {
		return
	}
	var b [34]byte
	n := 0
	k := i
	grouped := false
	for k < len(s) && n < want {
		c := s[k]
		switch {
		case isDigit(c) || isUpper(c):
			b[n] = c
			n++
			k++
		case c == ' ' && n%4 == 0 && n > 0 && (grouped || n == 4) && k+1 < len(s) && (isDigit(s[k+1]) || isUpper(s[k+1])):
			grouped = true
			k++
		default:
			goto done
		}
	}
done:
	if n != want || !endsNumber(s, k) {
		return
	}
	if !mod97(b[:n]) {
		return
	}
	sc.add(i, k, IBAN)
	sc.skipTo = k
}

// mod97 reports whether the IBAN in b passes its check: moved four
// characters to the end, letters as 10 to 35, the number mod 97 is 1.
func mod97(b []byte) bool {
	r := 0
	for k := range len(b) {
		c := b[(k+4)%len(b)]
		if isDigit(c) {
			r = (r*10 + int(c-'0')) % 97
		} else {
			r = (r*100 + int(c-'A') + 10) % 97
		}
	}
	return r == 1
}
