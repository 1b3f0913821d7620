package web

import (
	"html/template"
	"net/http"
	"sync"

	discreet "github.com/discreet-dev/discreet"
)

// policyHTML is PRIVACY.md rendered once: the page users read is the
// very text the project's tests check.
var policyHTML = sync.OnceValue(func() template.HTML { return renderMarkdown(discreet.PrivacyPolicy) })

// GET /privacy
func (s *Server) privacyPage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "privacy", &page{Title: "Privacy policy", Nav: "privacy", Data: policyHTML()})
	return nil
}
