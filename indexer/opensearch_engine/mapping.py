"""The OpenSearch index: its settings and mapping, and how tracuu recognises indexes it made.

Text fields are analysed by whitespace only: tracuu's own analysis (indexer.analysis) has already
produced their tokens, exactly as for the Whoosh index. Stored fields are kept in `_source` and not
indexed. `_meta` records what made the index, so a job deletes only indexes it made and rebuilds one
made by another analysis or mapping version.
"""

from __future__ import annotations

from typing import Any

from indexer.analysis.text import ANALYSIS_VERSION
from indexer.engine.request import FACETS, MAX_PAGE, MAX_PER_PAGE

MAPPING_VERSION = 5  # bump when fields change; with ANALYSIS_VERSION it decides when to rebuild
TOKENS = {"type": "text", "analyzer": "tracuu_tokens", "similarity": "BM25"}
STORED = {"type": "keyword", "index": False, "doc_values": False}


def versions() -> dict[str, int]:
    return {"analysis_version": ANALYSIS_VERSION, "mapping_version": MAPPING_VERSION}


def index_body(name: str, *, shards: int, replicas: int) -> dict[str, Any]:
    """Settings and mapping of a new index called `name`."""
    return {
        "settings": {
            "index": {
                "number_of_shards": shards,
                "number_of_replicas": replicas,
                # the web app pages up to MAX_PAGE pages of MAX_PER_PAGE results
                "max_result_window": MAX_PAGE * MAX_PER_PAGE,
            },
            "analysis": {"analyzer": {"tracuu_tokens": {"type": "custom", "tokenizer": "whitespace"}}},
        },
        "mappings": {
            "dynamic": "strict",
            "_meta": {"created_by": "tracuu", "generation": name, **versions()},
            "properties": {
                "id": {"type": "keyword"},
                "content_hash": {"type": "keyword"},
                "title": STORED, "url": STORED, "published": STORED,
                # as a result row shows them (documents.article_fields): ISO days, {"name", "title"} objects
                "event_days": STORED, "people": {"type": "object", "enabled": False},
                "pubdate": {"type": "long"},
                **{facet: {"type": "keyword"} for facet in FACETS},
                # folded syllables keep positions (phrases); exact ones and codes only rank
                "title_f": TOKENS, "body_f": TOKENS,
                "title_s": {**TOKENS, "index_options": "freqs"}, "body_s": {**TOKENS, "index_options": "freqs"},
                "codes": {**TOKENS, "index_options": "freqs"},
                # attached files' text, as the body's; their types only filter
                "att_f": TOKENS, "att_s": {**TOKENS, "index_options": "freqs"},
                "filetype": {**TOKENS, "index_options": "docs", "norms": False},
                # the days of events as year, month and day tokens (plan.event_cover); `person` is a facet
                "event": {**TOKENS, "index_options": "docs", "norms": False},
                # segmented words: only counted (indexer/engine/suggest.py), so no positions, no norms
                "words": {**TOKENS, "index_options": "docs", "norms": False},
            },
        },
    }


def made_by_us(meta: dict[str, Any] | None, name: str) -> bool:
    """Whether tracuu made the index `name` (its `_meta` names it: a copy or a restore under another name
    is not ours to delete)."""
    return bool(meta) and meta.get("created_by") == "tracuu" and meta.get("generation") == name


def current_versions(meta: dict[str, Any] | None) -> bool:
    return bool(meta) and all(meta.get(k) == v for k, v in versions().items())
