"""Searching the Whoosh index: `search` (the engine: requests to responses), `queries` (query trees),
`matching` (bitsets), `ranking` (BM25F top k), `postings` (posting blocks), `leafdata` (per-segment
caches), `suggest` (did-you-mean)."""
