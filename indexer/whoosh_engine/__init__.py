"""The embedded back end: a Whoosh index in the data dir, in generations swapped atomically.

On-disk format, read and written: `schema` (fields and their posting formats), `store` (generations,
versions, the writer lock), `worddf` (segmented-word counts per segment), `positionkeys` (phrase keys
per segment). `writer/` builds and updates the index from the archive; `reader/` searches it. Neither
imports the other.
"""
