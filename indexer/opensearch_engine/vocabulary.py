"""The OpenSearch index's answers to the suggester (indexer/engine/suggest.py), each batch in one request.

- Marked forms and one-edit neighbours come from OpenSearch's term suggester (Lucene's
  DirectSpellChecker walking the field's term dictionary), then are kept only when they fold to the
  key (or are one folded edit away), the rule the Whoosh back end applies to its lexicon.
- Document frequencies of syllables and segmented words come from the term vectors API with an
  artificial document: the terms dictionary's docFreq, as Whoosh's doc_frequency, deleted documents
  counted until merged away. Those statistics are a shard's, so the document is sent once to each
  shard (a routing value found for each) and the counts are added up.
- Adjacent syllables are folded phrases counted by a multi-search.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Iterable
from typing import Any

from indexer.analysis.text import fold
from indexer.engine.suggest import Pair, one_edit

EXACT_FIELDS = ("title_s", "body_s")
FOLDED_FIELDS = ("title_f", "body_f")
# candidates the term suggester returns per text: fold-alike forms compete with every other spelling
# within two edits ("hoi": "hội", "hỏi" but also "hoa", "hai"), and ties go to the most frequent
OPTIONS = 500
MAX_ROUTING_PROBES = 1000


class ShardRoutings:
    """A routing value that lands on each shard of the index behind an alias.

    Found once and kept for `ttl` seconds: a rebuild may give the alias an index with another number of
    shards, and until the next look its counts are those of the shards known (a suggestion may differ
    for that long, nothing else). Asking on every search would cost each search a request.
    """

    def __init__(self, ttl: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._lock = threading.Lock()
        self._known: dict[str, tuple[float, list[str | None]]] = {}

    def of(self, client: Any, alias: str) -> list[str | None]:
        with self._lock:
            found = self._known.get(alias)
            if found is None or self.clock() - found[0] > self.ttl:
                found = self._known[alias] = (self.clock(), self._find(client, alias))
            return found[1]

    @staticmethod
    def _find(client: Any, alias: str) -> list[str | None]:
        settings = client.indices.get_settings(index=alias, name="index.number_of_shards")
        shards = max(int(s["settings"]["index"]["number_of_shards"]) for s in settings.values())
        if shards == 1:
            return [None]
        found: dict[int, str] = {}
        for probe in range(MAX_ROUTING_PROBES):
            groups = client.search_shards(index=alias, routing=str(probe))["shards"]
            found.setdefault(groups[0][0]["shard"], str(probe))
            if len(found) == shards:
                break
        return [found[s] for s in sorted(found)]


class OpenSearchVocabulary:
    """The vocabulary of the index behind an alias. Requests go to the alias: a rebuild's swap between
    two of them changes a count by what the swap changed, no more."""

    def __init__(self, client: Any, alias: str, routings: ShardRoutings) -> None:
        self.client = client
        self.alias = alias
        self._routings = routings

    def _suggestions(self, texts: dict[str, tuple[str, str, int]]) -> dict[str, list[str]]:
        """Term suggester options for named (text, field, max edits) requests, in one search."""
        if not texts:
            return {}
        suggest = {
            name: {"text": text, "term": {"field": field, "suggest_mode": "always", "max_edits": edits,
                                          "prefix_length": 0, "min_word_length": 1, "size": OPTIONS,
                                          "accuracy": 0.0, "max_term_freq": 2**31 - 1, "sort": "score"}}
            for name, (text, field, edits) in texts.items()}
        found = self.client.search(index=self.alias, body={"size": 0, "track_total_hits": False,
                                                                 "suggest": suggest})
        return {name: [o["text"] for entry in entries for o in entry["options"]]
                for name, entries in found.get("suggest", {}).items()}

    def _doc_freqs(self, field_terms: dict[str, Iterable[str]]) -> dict[str, dict[str, int]]:
        """field → term → documents holding it, summed over the shards."""
        doc = {field: " ".join(dict.fromkeys(terms)) for field, terms in field_terms.items()}
        doc = {field: text for field, text in doc.items() if text}
        out: dict[str, dict[str, int]] = {field: {} for field in field_terms}
        if not doc:
            return out
        for routing in self._routings.of(self.client, self.alias):
            params = {"routing": routing} if routing is not None else {}
            found = self.client.termvectors(index=self.alias, body={
                "doc": doc, "fields": list(doc), "term_statistics": True, "field_statistics": False,
                "positions": False, "offsets": False, "payloads": False}, **params)
            for field, vector in found.get("term_vectors", {}).items():
                counts = out.setdefault(field, {})
                for term, stats in vector.get("terms", {}).items():
                    counts[term] = counts.get(term, 0) + int(stats.get("doc_freq", 0))
        return out

    def syllable_df(self, syllables: Collection[str]) -> dict[str, int]:
        counts = self._doc_freqs({field: syllables for field in EXACT_FIELDS})
        return {s: max(counts[f].get(s, 0) for f in EXACT_FIELDS) for s in syllables}

    def word_df(self, words: Collection[str]) -> dict[str, int]:
        return self.counts((), words)[1]

    def counts(self, syllables: Collection[str], words: Collection[str]) -> tuple[dict[str, int], dict[str, int]]:
        found = self._doc_freqs({**{field: syllables for field in EXACT_FIELDS}, "words": words})
        return ({s: max(found[f].get(s, 0) for f in EXACT_FIELDS) for s in syllables},
                {w: found["words"].get(w, 0) for w in words})

    def forms(self, folded: Collection[str]) -> dict[str, list[str]]:
        keys = sorted(folded)
        texts: dict[str, tuple[str, str, int]] = {}
        for n, key in enumerate(keys):
            # đ is a letter of its own: "duong" is three edits from "đường", "đuong" two
            for variant in {key, "đ" + key[1:]} if key.startswith("d") else {key}:
                for field in EXACT_FIELDS:
                    texts[f"{n}|{variant}|{field}"] = (variant, field, 2)
        options = self._suggestions(texts)
        itself = self.syllable_df(keys)  # the suggester never offers a text as its own suggestion
        out: dict[str, list[str]] = {}
        for n, key in enumerate(keys):
            found = {o for name, opts in options.items() if name.startswith(f"{n}|") for o in opts}
            found = {o for o in found if fold(o) == key}
            if itself[key]:
                found.add(key)
            out[key] = sorted(found)
        return out

    def near(self, folded: str) -> set[str]:
        options = self._suggestions({field: (folded, field, 1) for field in FOLDED_FIELDS})
        edits = one_edit(folded)
        return {o for opts in options.values() for o in opts if o in edits}

    def adjacent(self, pairs: Collection[Pair]) -> dict[Pair, int]:
        ordered = list(pairs)
        if not ordered:
            return {}
        body: list[dict[str, Any]] = []
        for pair in ordered:
            body.append({})
            body.append({"size": 0, "track_total_hits": True,
                         "query": {"match_phrase": {"body_f": " ".join(pair)}}})
        found = self.client.msearch(index=self.alias, body=body)
        return {pair: int(r.get("hits", {}).get("total", {}).get("value", 0))
                for pair, r in zip(ordered, found["responses"], strict=True)}
