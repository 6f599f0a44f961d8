"""The Whoosh schema: which fields exist and why. Text fields take tokens made by `analysis`."""

from __future__ import annotations

import sys
from array import array
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Iterator
from functools import partial
from itertools import count
from typing import Any

from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.formats import Format, Positions
from whoosh.formats import tokens as analysed_tokens

# Bump when fields change; together with analysis.ANALYSIS_VERSION it decides when to rebuild.
# 2: positions stored as packed integers (PackedPositions) instead of pickled deltas.
# 3: no `words` field: segmented words are counted per segment beside it (worddf.py);
#    exact syllables and codes carry weights only (Weights), no frequency values.
# 4: attached files' text (att_f, att_s) and their types (filetype).
# 5: the days of events (event) and the people named (person).
# 6: both as a result row shows them, stored (event_days, people).
SCHEMA_VERSION = 6

_BIG_ENDIAN = sys.byteorder == "big"
_UINT32 = partial(array, "I")


def little_endian(numbers: array) -> array:
    """`numbers` with its items in stored (little-endian) order, or back: swapped in place on big-endian machines.

    Packed positions and position keys are stored little-endian, whatever machine wrote them.
    """
    if _BIG_ENDIAN:
        numbers.byteswap()
    return numbers


def unpack_positions(raw: bytes) -> array:
    """Packed positions (PackedPositions values, one or several joined) as an array of ints, in C."""
    packed = array("I")
    packed.frombytes(raw)
    return little_endian(packed)


class PackedPositions(Positions):
    """Positions as little-endian uint32s, where Whoosh's Positions pickles a list of deltas.

    Phrase checks read the positions of common syllables in tens of thousands of documents: a block
    of packed values becomes one array in C (`postings.BlockIndex`), where unpickling them took most
    of a phrase query's time. Whoosh's own matchers read them through `decode_positions` as usual.
    """

    def encode(self, poslist: list[int]) -> bytes:
        if _BIG_ENDIAN:
            return little_endian(array("I", poslist)).tobytes()
        return array("I", poslist).tobytes()  # once per posting when indexing: no call it does not need

    def encode_many(self, poslists: Iterable[list[int]]) -> Iterator[bytes]:
        """encode() of each positions list: in C (bytes of an array) where the machine is little-endian."""
        if _BIG_ENDIAN:
            return map(self.encode, poslists)
        return map(bytes, map(_UINT32, poslists))

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return unpack_positions(valuestring).tolist()

    def decode_frequency(self, valuestring: bytes) -> int:
        return len(valuestring) // 4


class Weights(Format):
    """Frequency's postings without their values: a posting's weight (frequency × field boost) is all
    anything reads of exact syllables and codes (ranking reads weights; phrases, folded positions).

    Frequency also stores each frequency as a 4-byte value, which the segment writer kept, joined,
    pickled and compressed for nothing. Without values, Whoosh cannot say a posting's
    frequency (`supports("frequency")` is false); its weight still says it.
    """

    posting_size = 0
    __inittypes__ = dict(field_boost=float)

    def __init__(self, field_boost: float = 1.0, **options: Any) -> None:
        self.field_boost = field_boost
        self.options = options

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[tuple[str, int, float, bytes]]:
        counts = Counter(t.text for t in analysed_tokens(value, analyzer, kwargs))
        return ((w, n, n * self.field_boost, b"") for w, n in counts.items())

    def encode(self, value: Any) -> bytes:
        return b""

    def combine(self, vs: Any) -> bytes:
        return b""


class TokenField(TEXT):
    """A TEXT field over space-separated tokens that skips Whoosh's per-token objects when indexing.

    Whoosh's analyzer chain builds a Token object per word and its formats count them one at a
    time; for text that is already a list of tokens, str.split() and a Counter give the same
    postings (same terms, frequencies, weights and encoded positions) at a fraction of the CPU —
    which matters because indexing should cost little more than segmentation
    (docs/performance.md: a full index within 1.3× of segmentation alone).
    Queries and anything else that analyses text still go through the analyzer.
    """

    def __init__(self, *, phrase: bool = False, **kwargs: Any) -> None:
        super().__init__(phrase=phrase, **kwargs)
        boost = self.format.field_boost
        self.format = PackedPositions(field_boost=boost) if phrase else Weights(field_boost=boost)

    @property
    def positional(self) -> bool:
        return isinstance(self.format, Positions)

    def index(self, value: object, **kwargs: object) -> Iterator[tuple[bytes, int, float, bytes]]:
        if not isinstance(value, str):
            yield from super().index(value, **kwargs)
            return
        boost = self.format.field_boost
        if self.positional:
            encode = self.format.encode
            for token, where in self.occurrences(value.split()).items():
                yield token.encode("utf-8"), len(where), len(where) * boost, encode(where)
        else:
            for token, n in self.occurrences(value.split()).items():
                yield token.encode("utf-8"), n, n * boost, b""

    def occurrences(self, tokens: list[str]) -> dict[str, Any]:
        """Each distinct token → its positions (a positional field) or its count, first seen first.

        What `index` encodes for Whoosh and segwriter's pool inverts; built in C-level loops (map over
        dict lookups and list appends), as indexing's hottest step.
        """
        if not self.positional:
            return Counter(tokens)
        positions: defaultdict[str, list[int]] = defaultdict(list)
        deque(map(list.append, map(positions.__getitem__, tokens), count()), maxlen=0)
        return positions


def build_schema() -> Schema:
    """Fields, one reason each.

    Tokens are produced by `indexer.analysis.text` and joined by spaces, so every text field only
    splits on whitespace: the Vietnamese logic lives in one place, shared with queries.
    """
    tokens = SpaceSeparatedTokenizer()
    return Schema(
        # the archive's id (updates replace by it) and content hash: columns, so `update_index`
        # diffs 100 000 articles against the archive without loading stored fields
        id=ID(stored=True, unique=True, sortable=True),
        content_hash=ID(stored=True, sortable=True),
        title=STORED(), url=STORED(), published=STORED(),  # shown in results without a DB trip
        event_days=STORED(), people=STORED(),  # as results show them, found once (documents.article_fields)
        # folded syllables with positions: matching without diacritics, and phrases
        title_f=TokenField(analyzer=tokens, phrase=True, field_boost=2.0),
        body_f=TokenField(analyzer=tokens, phrase=True),
        # exact (tone-normalised) syllables: an exact-diacritic match ranks above a folded one
        title_s=TokenField(analyzer=tokens, phrase=False, field_boost=2.0),
        body_s=TokenField(analyzer=tokens, phrase=False),
        # the text of attached files (PDF, Word, Excel...): matched like the body, weighed below it
        att_f=TokenField(analyzer=tokens, phrase=True),
        att_s=TokenField(analyzer=tokens, phrase=False),
        # attachments' types, "any" first: the filter "có tệp đính kèm" and by type
        filetype=TokenField(analyzer=tokens, phrase=False),
        # (underthesea's words are no field: the suggester reads only their counts, kept beside each
        # segment by `worddf`; as a ranking boost they measured worse than phrases)
        # the days events take place on, as year, month and day tokens: the event_from/event_to filter
        event=TokenField(analyzer=tokens, phrase=False),
        # the people named, one token each ("Hà_Lê_Thanh_Chung"): the "Người" facet and filter, counted
        # from its (document, term) pairs (matching.facet_pairs), as an article names several
        person=TokenField(analyzer=tokens, phrase=False),
        # document numbers and dates kept whole ("15/2003/qh11")
        codes=TokenField(analyzer=tokens, phrase=False),
        # facets and filters: one column each, counted per query
        year=ID(stored=True, sortable=True),
        department=ID(stored=True, sortable=True),
        category=ID(stored=True, sortable=True),
        site=ID(stored=True, sortable=True),
        # yyyymmddHHMM: sort by newest and filter by date range
        pubdate=NUMERIC(bits=64, stored=False, sortable=True, signed=False),
    )
