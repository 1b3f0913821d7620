package web

import (
	"html"
	"html/template"
	"strings"
	"unicode"
)

// renderMarkdown turns the Markdown subset PRIVACY.md uses into HTML:
// ATX headings (with GitHub-style ids, so "#how-the-promises-are-tested"
// links work), paragraphs, "-" bullet lists with indented continuation
// lines, pipe tables, and inline code, bold and links. Everything else is
// escaped text, and links may only point to http(s) URLs, site paths or
// fragments, so the output is safe whatever the input holds.
func renderMarkdown(src string) template.HTML {
	lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	var b strings.Builder
	ids := map[string]int{}
	for i := 0; i < len(lines); {
		line := lines[i]
		trim := strings.TrimSpace(line)
		switch {
		case trim == "":
			i++
		case strings.HasPrefix(trim, "#"):
			level := 0
			for level < len(trim) && trim[level] == '#' {
				level++
			}
			if level > 6 || (level < len(trim) && trim[level] != ' ') {
				i = paragraph(&b, lines, i)
				continue
			}
			text := strings.TrimSpace(strings.TrimRight(trim[level:], "#"))
			id := slug(text)
			if n := ids[id]; n > 0 {
				ids[id] = n + 1
				id += "-" + itoa(n)
			} else {
				ids[id] = 1
			}
			tag := "h" + itoa(level)
			b.WriteString("<" + tag + ` id="` + html.EscapeString(id) + `">` + inline(text) + "</" + tag + ">\n")
			i++
		case strings.HasPrefix(trim, "- ") || trim == "-":
			b.WriteString("<ul>\n")
			for i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), "- ") && !strings.HasPrefix(lines[i], "  ") {
				item := strings.TrimSpace(lines[i])[2:]
				i++
				for i < len(lines) && strings.HasPrefix(lines[i], "  ") && strings.TrimSpace(lines[i]) != "" {
					item += " " + strings.TrimSpace(lines[i])
					i++
				}
				b.WriteString("<li>" + inline(item) + "</li>\n")
			}
			b.WriteString("</ul>\n")
		case strings.HasPrefix(trim, "|") && i+1 < len(lines) && isTableRule(lines[i+1]):
			i = table(&b, lines, i)
		default:
			i = paragraph(&b, lines, i)
		}
	}
	return template.HTML(b.String()) // #nosec: built only from escaped text and fixed tags
}

// paragraph writes the lines from i up to a blank line or a new block.
func paragraph(b *strings.Builder, lines []string, i int) int {
	var parts []string
	for i < len(lines) {
		t := strings.TrimSpace(lines[i])
		if t == "" || (len(parts) > 0 && (strings.HasPrefix(t, "#") || strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "|"))) {
			break
		}
		parts = append(parts, t)
		i++
	}
	b.WriteString("<p>" + inline(strings.Join(parts, " ")) + "</p>\n")
	return i
}

func isTableRule(s string) bool {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "|") {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("|-: ", c) {
			return false
		}
	}
	return strings.Contains(s, "-")
}

func cells(row string) []string {
	row = strings.TrimSpace(row)
	row = strings.TrimPrefix(row, "|")
	row = strings.TrimSuffix(row, "|")
	parts := strings.Split(row, "|")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

func table(b *strings.Builder, lines []string, i int) int {
	b.WriteString("<div class=\"table-wrap\"><table>\n<thead><tr>")
	for _, c := range cells(lines[i]) {
		b.WriteString(`<th scope="col">` + inline(c) + "</th>")
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	i += 2
	for i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), "|") {
		b.WriteString("<tr>")
		for _, c := range cells(lines[i]) {
			b.WriteString("<td>" + inline(c) + "</td>")
		}
		b.WriteString("</tr>\n")
		i++
	}
	b.WriteString("</tbody></table></div>\n")
	return i
}

// inline renders `code`, **bold** and [text](url) and escapes the rest.
func inline(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		switch {
		case s[0] == '`':
			if end := strings.IndexByte(s[1:], '`'); end >= 0 {
				b.WriteString("<code>" + html.EscapeString(s[1:1+end]) + "</code>")
				s = s[end+2:]
				continue
			}
		case strings.HasPrefix(s, "**"):
			if end := strings.Index(s[2:], "**"); end > 0 {
				b.WriteString("<strong>" + inline(s[2:2+end]) + "</strong>")
				s = s[end+4:]
				continue
			}
		case s[0] == '[':
			if text, href, rest, ok := link(s); ok {
				if safeHref(href) {
					ext := strings.HasPrefix(href, "http://") || strings.HasPrefix(href, "https://")
					b.WriteString(`<a href="` + html.EscapeString(href) + `"`)
					if ext {
						b.WriteString(` rel="noopener noreferrer"`)
					}
					b.WriteString(">" + inline(text) + "</a>")
				} else {
					b.WriteString(inline(text))
				}
				s = rest
				continue
			}
		}
		// Copy up to the next character that may start markup.
		n := strings.IndexAny(s[1:], "`*[")
		if n < 0 {
			n = len(s) - 1
		}
		b.WriteString(html.EscapeString(s[:n+1]))
		s = s[n+1:]
	}
	return b.String()
}

// link splits "[text](href)rest".
func link(s string) (text, href, rest string, ok bool) {
	close := strings.Index(s, "](")
	if close < 0 {
		return
	}
	end := strings.IndexByte(s[close+2:], ')')
	if end < 0 {
		return
	}
	return s[1:close], s[close+2 : close+2+end], s[close+3+end:], true
}

// safeHref allows http(s) URLs, site paths and fragments. A backslash is
// refused anywhere, as safeNext refuses it: browsers read "/\evil.example"
// as "//evil.example", a link to another site.
func safeHref(h string) bool {
	if strings.ContainsAny(h, "\\\r\n\t") {
		return false
	}
	switch {
	case strings.HasPrefix(h, "https://"), strings.HasPrefix(h, "http://"):
		return !strings.ContainsAny(h, " \"'<>")
	case strings.HasPrefix(h, "#"), strings.HasPrefix(h, "/") && !strings.HasPrefix(h, "//"):
		return !strings.ContainsAny(h, " \"'<>:")
	}
	return false
}

// slug is GitHub's heading id: lower case, spaces to hyphens, other
// punctuation dropped.
func slug(s string) string {
	// Drop markup characters first, so "`code`" and "**b**" slug as text.
	s = strings.NewReplacer("`", "", "*", "").Replace(s)
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
