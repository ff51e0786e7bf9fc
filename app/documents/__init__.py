"""PDF documents rendered from HTML templates by WeasyPrint, never fetching anything outside."""
