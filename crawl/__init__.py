"""Crawling agency sites into the archive: profiles, polite fetching, extraction."""
