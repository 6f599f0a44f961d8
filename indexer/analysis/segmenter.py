"""Word segmentation with underthesea's own CRF model, scored here instead of through feature strings.

underthesea's `word_tokenize` has Rust build 43 feature strings per syllable ("T[-1,0].lower=hội nghị"),
hand them to Python as lists and back to Rust to be looked up: ~80% of its time, and segmentation is
most of indexing's. The model itself is a CRFsuite file (two labels, 50 000 attributes). Reading its
weights lets each distinct syllable, pair and triple be scored once and cached, then summed per position.

The result is underthesea's: the same tokenizer, features (their values checked against underthesea's
featurizer), weights and Viterbi. tests/test_segmenter.py compares the output with `word_tokenize`.
When the installed model is not the one this was written for, or the words differ from `word_tokenize`'s
on a few sentences checked when the model loads, `default_segmenter()` is None and indexer.analysis
calls `word_tokenize` itself.
"""

from __future__ import annotations

import logging
import re
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

# A feature template of the model, "T[-1,0].lower": span from first to last syllable offset, then a function.
_TEMPLATE = re.compile(r"T\[(-?\d+)(?:,(-?\d+))?\](?:\.(\w+))?$")
# Spans kept per width, in two generations (a full cache becomes the older one; the one before is
# dropped). Measured on 5 000 scale-up articles (2.6 million spans of each width): these limits hit 83%
# of pairs and 37% of triples for +100 MB; 300 000 of each hit 89% / 47%, ~10% faster, but took the
# 100 000-article build to 947 MB (goal < 1 GB).
_CACHE_LIMITS = {1: 100_000, 2: 100_000, 3: 60_000}


def _read_cqdb(data: bytes, start: int) -> list[str]:
    """The strings of a CRFsuite constant quark database, by id (CRFsuite's cqdb.c layout)."""
    if data[start:start + 4] != b"CQDB":
        raise ValueError("not a CQDB chunk")
    _size, _flag, _order, count, backward = struct.unpack_from("<5I", data, start + 4)
    out = []
    for (offset,) in struct.iter_unpack("<I", data[start + backward:start + backward + 4 * count]):
        _id, size = struct.unpack_from("<2I", data, start + offset)
        out.append(data[start + offset + 8:start + offset + 8 + size - 1].decode("utf-8"))
    return out


@dataclass(frozen=True)
class CrfModel:
    """A two-label CRFsuite model: per attribute string its (label 0, label 1) weights, and transitions."""

    labels: tuple[str, ...]
    state: dict[str, tuple[float, float]]
    transition: tuple[tuple[float, float], tuple[float, float]]


def read_crfsuite(path: Path) -> CrfModel:
    """Parse a CRFsuite "lCRF" model file (the layout of CRFsuite's crf1d_model.c)."""
    data = path.read_bytes()
    if data[:4] != b"lCRF" or data[8:12] != b"FOMC":
        raise ValueError(f"{path} is not a CRFsuite model")
    _n, n_labels, _n_attrs, off_features, off_labels, off_attrs = struct.unpack_from("<6I", data, 16)
    labels = _read_cqdb(data, off_labels)
    if n_labels != 2 or len(labels) != 2:
        raise ValueError("only two-label models are supported")
    attrs = _read_cqdb(data, off_attrs)
    if data[off_features:off_features + 4] != b"FEAT":
        raise ValueError("no feature chunk")
    (count,) = struct.unpack_from("<I", data, off_features + 8)
    state: dict[str, list[float]] = {}
    trans = [[0.0, 0.0], [0.0, 0.0]]
    body = data[off_features + 12:off_features + 12 + 20 * count]
    for kind, src, dst, weight in struct.iter_unpack("<3Id", body):
        if kind == 0:
            state.setdefault(attrs[src], [0.0, 0.0])[dst] += weight
        else:
            trans[src][dst] += weight
    pairs = {k: (v[0], v[1]) for k, v in state.items()}
    return CrfModel(tuple(labels), pairs, ((trans[0][0], trans[0][1]), (trans[1][0], trans[1][1])))


def _title(text: str) -> str:
    """underthesea_core's istitle: every space-separated part starts with a character upper() keeps."""
    return str(all(p[:1].upper() == p[:1] for p in text.split(" ")))


# A feature's value from the span's text, as underthesea_core's featurizer writes it.
_FUNCTIONS = {
    "": lambda text, _d: text,
    "lower": lambda text, _d: text.lower(),
    "isdigit": lambda text, _d: str(text.isascii() and text.isdigit()),
    "istitle": lambda text, _d: _title(text),
    "is_in_dict": lambda text, d: str(text.lower() in d),
}


class Segmenter:
    """underthesea's word segmentation, answered from per-span weight caches."""

    def __init__(self, model: CrfModel, templates: list[str], dictionary: set[str]) -> None:
        self.dictionary = dictionary
        self.begin = model.labels.index("B-W")
        self.inside = 1 - self.begin
        t, o = model.transition, (self.begin, self.inside)
        # transition weights ordered (begins, inside) × (begins, inside)
        self.transition = ((t[o[0]][o[0]], t[o[0]][o[1]]), (t[o[1]][o[0]], t[o[1]][o[1]]))
        # For each span width: per offset [(function, lean by value)], where a feature's lean is its
        # weight for "inside a word" less its weight for "begins a word": all the Viterbi below needs.
        self.groups: dict[int, dict[int, list[tuple[str, dict[str, float]]]]] = {}
        # an attribute is "<template>=<value>", and a template holds no "=": one pass sorts them all
        leans: dict[str, dict[str, float]] = {}
        for k, w in model.state.items():
            template, eq, value = k.partition("=")
            if eq:
                leans.setdefault(template, {})[value] = w[self.inside] - w[self.begin]
        for template in templates:
            match = _TEMPLATE.match(template)
            if match is None:
                raise ValueError(f"unknown feature template {template!r}")
            first = int(match.group(1))
            width = int(match.group(2)) - first + 1 if match.group(2) else 1
            table = leans.get(template, {})
            self.groups.setdefault(width, {}).setdefault(first, []).append((match.group(3) or "", table))
        self.functions = {width: sorted({f for functions in offsets.values() for f, _t in functions})
                          for width, offsets in self.groups.items()}
        self.edges = {  # what a position out of the sentence contributes: every feature's value is BOS/EOS
            width: {first: tuple(sum(t.get(edge, 0.0) for _f, t in functions) for edge in ("BOS", "EOS"))
                    for first, functions in offsets.items()}
            for width, offsets in self.groups.items()
        }
        self.caches: dict[int, dict[tuple[str, ...], tuple[float, ...]]] = {w: {} for w in self.groups}
        self.older: dict[int, dict[tuple[str, ...], tuple[float, ...]]] = {w: {} for w in self.groups}
        from underthesea.pipeline.text_normalize.character_normalize import normalize_characters_in_text
        from underthesea.pipeline.text_normalize.token_normalize import token_normalize
        from underthesea.pipeline.word_tokenize import regex_tokenize

        # The tokenizer's own pattern: each alternative is one named group spanning the whole match.
        self.pattern = re.compile("(" + "|".join(regex_tokenize.regex_patterns) + ")", re.VERBOSE | re.UNICODE)
        self.normalize_characters = normalize_characters_in_text
        self.normalize_token = token_normalize
        self.normalized: dict[str, str] = {}

    def _span(self, width: int, span: tuple[str, ...]) -> tuple[float, ...]:
        """How much one span of syllables leans to "inside a word" at each offset (cached)."""
        text = " ".join(span)
        values = {f: _FUNCTIONS[f](text, self.dictionary) for f in self.functions[width]}
        out = []
        for functions in self.groups[width].values():
            lean = 0.0
            for f, table in functions:
                w = table.get(values[f])
                if w is not None:
                    lean += w
            out.append(lean)
        limit = _CACHE_LIMITS.get(width, 0)
        if limit:
            cache = self.caches[width]
            if len(cache) >= limit:  # the full cache becomes the older one, still read by tags()
                self.older[width] = cache
                self.caches[width] = cache = {}
            cache[span] = result = tuple(out)
            return result
        return tuple(out)

    def tags(self, tokens: list[str]) -> list[bool]:
        """For each token, True when it begins a word (Viterbi over the two labels)."""
        n = len(tokens)
        if n == 0:
            return []
        columns = []
        for width, offsets in self.groups.items():
            cache, older = self.caches[width], self.older[width]
            spans = [tuple(tokens[j:j + width]) for j in range(n - width + 1)]
            weights = [cache.get(s) or older.get(s) or self._span(width, s) for s in spans]
            edges = self.edges[width]
            for k, first in enumerate(offsets):
                bos, eos = edges[first]
                lo, hi = max(0, -first), min(n, n - width - first + 1)
                if lo < hi:
                    columns.append([bos] * lo + [w[k] for w in weights[lo + first:hi + first]] + [eos] * (n - hi))
                else:  # a sentence shorter than the span: every position is at an edge
                    columns.append([bos if i + first < 0 else eos for i in range(n)])
        lean = list(map(sum, zip(*columns, strict=True)))
        (t_bb, t_bi), (t_ib, t_ii) = self.transition
        back: list[tuple[bool, bool]] = []
        b, i = 0.0, lean[0]  # best path ending in "begins" / "inside", less a shared constant
        for d in lean[1:]:
            bb, ib, bi, ii = b + t_bb, i + t_ib, b + t_bi, i + t_ii
            back.append((bb >= ib, bi >= ii))
            b, i = max(bb, ib), max(bi, ii) + d
        begins = b >= i
        path = [begins]
        for from_b_into_b, from_b_into_i in reversed(back):
            begins = from_b_into_b if begins else from_b_into_i
            path.append(begins)
        path.reverse()
        return path

    def segment(self, paragraph: str) -> list[str]:
        """Words of a paragraph, as underthesea's word_tokenize(paragraph) returns them."""
        tokens = self.tokenize(paragraph)
        out: list[str] = []
        for token, begins in zip(tokens, self.tags(tokens), strict=True):
            if begins or not out:
                out.append(token)
            else:
                out[-1] += " " + token
        return out

    def tokenize(self, text: str) -> list[str]:
        """underthesea's regex tokenizer, with each token's normalisation remembered."""
        normalized = self.normalized
        tokens = [m.group() for m in self.pattern.finditer(self.normalize_characters(text))]
        out = []
        for token in tokens:
            norm = normalized.get(token)
            if norm is None:
                if len(normalized) >= _CACHE_LIMITS[1]:
                    normalized.clear()
                norm = normalized[token] = self.normalize_token(token, use_character_normalize=True)
            out.append(norm)
        return out


def model_dir() -> Path:
    """Where underthesea keeps the word segmentation model this module was written for."""
    import underthesea.pipeline.word_tokenize as word_tokenize

    return Path(word_tokenize.__file__).parent / "models" / "ws_crf_vlsp2013_20230727"


# Segmented both ways when the model loads: names, numbers, codes, dates, capitals, punctuation, the text
# this archive holds. Any difference means underthesea changed under this reimplementation.
CHECK_SENTENCES = (
    "Sáng ngày 18/01/2019, Trung tâm Khuyến công tổ chức Hội nghị tổng kết phong trào thi đua năm 2018.",
    "Ủy ban nhân dân tỉnh Quảng Nam ban hành Quyết định số 12/2019/QĐ-UBND.",
    "Ông Nguyễn Văn A, Giám đốc Sở Công Thương, phát biểu tại hội nghị (lần 2) – kinh phí 30.000.000 đồng.",
    "HỘI NGHỊ TRIỂN KHAI NHIỆM VỤ NĂM 2020 của Phòng HC-TH",
)


def first_difference(segmenter: Segmenter, sentences: tuple[str, ...] = CHECK_SENTENCES) -> str | None:
    """Where the segmenter's words first differ from underthesea's word_tokenize, or None if nowhere."""
    from underthesea import word_tokenize

    for sentence in sentences:
        ours, theirs = segmenter.segment(sentence), word_tokenize(sentence)
        if ours != theirs:
            i = next((i for i, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b),
                     min(len(ours), len(theirs)))
            mine, its = (ours[i] if i < len(ours) else "(end)"), (theirs[i] if i < len(theirs) else "(end)")
            return f"in {sentence!r}, word {i + 1} is {mine!r} here and {its!r} in underthesea"
    return None


def _load_strings(path: Path) -> list[str] | set[str]:
    """A list or set of strings that joblib saved: a plain pickle, read by the C unpickler (joblib's own
    is Python's: 0.11 s against 0.02 s for the 72 000-word dictionary); anything else through joblib."""
    import pickle

    try:
        with path.open("rb") as f:
            value = pickle.load(f)
    except Exception:  # noqa: BLE001 - not a plain pickle (compressed, say): joblib knows its formats
        value = None
    if isinstance(value, list | set) and all(isinstance(item, str) for item in value):
        return value
    import joblib

    return joblib.load(path)


@lru_cache(maxsize=1)
def default_segmenter() -> Segmenter | None:
    """The segmenter for underthesea's installed model, or None when it is not the known one or its words
    differ from underthesea's on CHECK_SENTENCES (checked once: ~0.2 s, mostly underthesea loading its
    own tagger; `_load_strings` wins about half of it back)."""
    base = model_dir()
    try:
        templates = _load_strings(base / "features.bin")
        dictionary = _load_strings(base / "dictionary.bin")
        segmenter = Segmenter(read_crfsuite(base / "models.bin"), list(templates), set(dictionary))
        difference = first_difference(segmenter)
    except Exception as exc:  # noqa: BLE001 - any surprise in the model files: underthesea's own path
        log.warning("word segmentation through underthesea's word_tokenize (%s: %s)", type(exc).__name__, exc)
        return None
    if difference is not None:
        log.warning("word segmentation through underthesea's word_tokenize: the installed underthesea "
                    "segments differently from tracuu's faster reimplementation (%s)", difference)
        return None
    return segmenter
