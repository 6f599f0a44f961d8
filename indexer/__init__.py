"""Search over the archive: Vietnamese analysis, the engine contract, and the back ends behind it.

    backend.py       the one door: EngineConfig (which back end, which data dir), open_search, update_index
    errors.py        what every part raises, so the CLI and the web app handle it once
    analysis/        Vietnamese text → tokens, shared by indexing and querying (and by every back end)
    engine/          the back end-neutral contract: SearchRequest, SearchResponse, query syntax, snippets
    whoosh_engine/   the embedded back end: on-disk format, writer/ (archive → index), reader/ (search)
    schema.py        only an alias: indexes of release 0.1 pickled their field classes under this name

Imports point upstream only (tests/test_layout.py): analysis ← engine ← whoosh_engine ← backend.
"""
