"""One small spider per source: which URLs to follow, nothing about page layout."""
