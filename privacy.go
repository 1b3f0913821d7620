package discreet

import _ "embed"

// PrivacyPolicy is the text of the project's PRIVACY.md, in Markdown: the
// numbered promises (C1…R3) that discreet's tests check. Applications built
// on discreet may show it to their users as it stands, as the reference time
// tracker does at /privacy, so that what users read is what the tests prove.
//
//go:embed PRIVACY.md
var PrivacyPolicy string
