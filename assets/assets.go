// Package assets holds Certdesk's bundled resources.
package assets

import _ "embed"

// Icon is the application icon, 512×512 PNG.
//
//go:embed icon.png
var Icon []byte
