"""Translation workflow: which English pages are missing or stale, and do they still match their source."""
