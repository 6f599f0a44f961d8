"""Vietnamese text analysis shared by indexing and querying: one code path for both.

1. NFC, then one tone-mark convention ("hoà" → "hòa", "thuỷ" → "thủy", "baỏ" → "bảo") — a rewrite
   that keeps the character count, so offsets into the original text stay valid for snippets.
2. Syllables (exact, lower-cased) and folded syllables (no tone marks, đ → d) for matching.
3. Words from underthesea's segmentation model (before lower-casing: it depends on case), counted per
   segment for spelling suggestions; segmenter.py runs the model several times faster than underthesea's
   own word_tokenize.
4. Codes such as "15/2003/QH11" and dates "18/01/2019" kept whole as well, since people search by them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

# Bump when any token an article produces changes: the index stores it and rebuilds on a mismatch.
ANALYSIS_VERSION = 1

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng
_VOWELS = set("aăâeêioôơuưy")
_MARKED_VOWELS = set("ăâêôơư")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")
_SYLLABLE = re.compile(r"[^\W_]+")
# A code: letters/digits joined by / - . (document numbers, dates, "HC-TH"); at least one joiner.
# Starting only where a word starts, and never giving letters back (a joiner cannot follow a letter
# given back): the same matches, without retrying inside every word (a quarter of analysis time).
_CODE = re.compile(r"(?<![^\W_])[^\W_]++(?:[/\-.][^\W_]++)+")
# Where a code can be: a joiner followed by a letter or digit (a few per article). The engine finds a
# pattern that starts with a character set by a fast scan, where _CODE is tried at every position.
_JOINER = re.compile(r"[/\-.](?=[^\W_])")


def nfc(text: str) -> str:
    """NFC with the icelandic Ð (a common mistake for Đ) and control characters fixed."""
    text = unicodedata.normalize("NFC", text)
    return _CONTROL.sub(" ", text).replace("\u00d0", "\u0110").replace("\u00f0", "\u0111")


@lru_cache(maxsize=200_000)
def normalize_syllable(syllable: str) -> str:
    """Put the tone mark where the old (underthesea's) convention puts it: hòa, thủy, khỏe.

    Steps: 1. split the tone mark off; 2. find the vowel cluster (after "qu"/"gi");
    3. choose the vowel: ơ of "ươ", else a marked vowel (â, ê, ô, ơ, ư, ă), else the only vowel,
    else the first of two with no final consonant, else the middle of three, else the last vowel;
    4. put the mark back there. Same length before and after, in NFC.
    """
    decomposed = unicodedata.normalize("NFD", syllable)
    tones = [c for c in decomposed if c in _TONES]
    if len(tones) != 1:
        return syllable
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    if len(base) != len(syllable):
        return syllable
    low = base.lower()
    start = 2 if (low[:2] in ("qu", "gi") and len(low) > 2 and low[2] in _VOWELS) else 0
    i = start
    while i < len(low) and low[i] not in _VOWELS:
        i += 1
    j = i
    while j < len(low) and low[j] in _VOWELS:
        j += 1
    if i == j:  # "gì": the i of gi is the vowel
        i, j = (1, 2) if low[:2] == "gi" else (i, j)
        if i == j:
            return syllable
    cluster = low[i:j]
    if "ơ" in cluster:
        pos = i + cluster.index("ơ")
    elif any(c in _MARKED_VOWELS for c in cluster):
        pos = i + next(k for k, c in enumerate(cluster) if c in _MARKED_VOWELS)
    elif len(cluster) == 1:
        pos = i
    elif j == len(low):
        pos = i if len(cluster) == 2 else i + 1
    else:
        pos = j - 1
    out = base[:pos] + unicodedata.normalize("NFC", base[pos] + tones[0]) + base[pos + 1:]
    return out if len(out) == len(syllable) else syllable


def normalize_text(text: str) -> str:
    """NFC plus one tone-mark convention; the result has the same length as nfc(text)."""
    text = nfc(text)
    return _SYLLABLE.sub(lambda m: normalize_syllable(m.group()), text)


@lru_cache(maxsize=200_000)
def fold(token: str) -> str:
    """Strip tone and vowel marks, đ → d, lower-case: what a user typing without diacritics types."""
    low = token.lower().replace("đ", "d").replace("ð", "d")  # ð: the Icelandic look-alike
    decomposed = unicodedata.normalize("NFD", low)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class _CharFolds(dict[int, str]):
    """fold() of single characters, each computed when first seen, for str.translate (in C).

    fold() of a lower-case syllable is the fold of each of its characters: lower-casing, đ → d and
    dropping combining marks after canonical decomposition all go character by character.
    """

    def __missing__(self, code: int) -> str:
        folded = self[code] = fold(chr(code))
        return folded


_CHAR_FOLDS = _CharFolds()


def syllables(text: str) -> list[str]:
    """Lower-cased, tone-normalised syllables (letters and digits), in order."""
    return _syllables(normalize_text(text))


def _syllables(normalized: str) -> list[str]:
    return _lowered_matches(_SYLLABLE, normalized)


def _lowered_matches(pattern: re.Pattern[str], text: str,
                     find: Callable[[str], list[str]] | None = None) -> list[str]:
    """Each match, lower-cased: found in the lower-cased text in one call (`find`, by default the
    pattern's findall) where that is the same thing.

    It is unless lower-casing changes a length ("İ" → "i̇") or depends on context (a final "Σ"):
    no other character changes class when lower-cased (checked over all of Unicode).
    """
    low = text.lower()
    if len(low) == len(text) and "\u03a3" not in text:
        return (find or pattern.findall)(low)
    return [m.group().lower() for m in pattern.finditer(text)]


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """Per-character folding for Latin letters whose fold is one character (so lengths never change)."""
    table: dict[int, str] = {}
    for code in [*range(0x41, 0x5B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        folded = fold(chr(code))
        if len(folded) == 1 and folded != chr(code):
            table[code] = folded
    return table


@lru_cache(maxsize=1)
def _fold_codes() -> np.ndarray:
    """`_fold_table` as an array: the folded code point of each code point below the table's last one + 1."""
    table = _fold_table()
    codes = np.arange(max(table) + 1, dtype=np.uint32)
    codes[list(table)] = [ord(c) for c in table.values()]
    return codes


def fold_text(text: str) -> str:
    """fold() applied to a whole text, keeping every offset (for snippets).

    The code points are looked up in an array, in C: str.translate calls its table once a character
    outside ASCII, ~7x slower on an article, and snippets fold every hit's text.
    """
    table = _fold_codes()
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    inside = codes < len(table)
    folded = codes.copy()
    folded[inside] = table[codes[inside]]
    return folded.tobytes().decode("utf-32-le", "surrogatepass")


def codes(text: str) -> list[str]:
    """Document numbers, dates and abbreviations kept whole: "15/2003/qh11", "qđ-ubnd", "18/01/2019"."""
    return _codes(normalize_text(text))


def _codes(normalized: str) -> list[str]:
    return _lowered_matches(_CODE, normalized, _codes_at_joiners)


def _codes_at_joiners(text: str) -> list[str]:
    """_CODE.findall(text), searched for only near joiners: a quarter of the time on our articles.

    Every code holds a joiner after a word character, and codes are found in order, so no code lies
    wholly between the last one found and the next such joiner: from the start of that joiner's
    whitespace-delimited chunk (a code has no spaces) the next code is the one holding the joiner, or
    one after it. The same matches, in the same order.
    """
    out: list[str] = []
    end = 0
    search = _CODE.search
    for joiner in _JOINER.finditer(text):
        at = joiner.start()
        if at < end or not text[at - 1:at].isalnum():  # inside the last code, or no word before it
            continue
        code = search(text, max(end, text.rfind(" ", 0, at) + 1, text.rfind("\n", 0, at) + 1))
        if code is None:
            break
        out.append(code.group())
        end = code.end()
    return out


def has_marks(token: str) -> bool:
    """True when the token carries Vietnamese diacritics (so an exact match means something)."""
    return fold(token) != token.lower()


def _segment_paragraph(paragraph: str) -> list[str]:
    from indexer.analysis.segmenter import default_segmenter  # imported late: loading the model costs ~1 s

    try:
        segmenter = default_segmenter()
        if segmenter is not None:
            return segmenter.segment(paragraph)
        from underthesea import word_tokenize  # a model this project does not know: underthesea itself

        return word_tokenize(paragraph)
    except Exception:  # noqa: BLE001 - segmentation is a ranking aid: fall back to syllables, never fail
        return paragraph.split()


def words(text: str) -> list[str]:
    """Multi-syllable words from underthesea, lower-cased and joined by "_" ("hội_nghị").

    Single syllables are left to the syllable fields. Segmented per paragraph: faster than a whole
    article, and case is kept for the segmenter, which relies on it for names.
    """
    return _words(normalize_text(text))


def _words(normalized: str) -> list[str]:
    out: list[str] = []
    for paragraph in normalized.split("\n"):
        if not paragraph.strip():
            continue
        for token in _segment_paragraph(paragraph):
            parts = _SYLLABLE.findall(token)
            if len(parts) > 1:
                out.append("_".join(p.lower() for p in parts))
    return out


@dataclass(frozen=True)
class AnalyzedText:
    """One text's tokens, each list space-joined for Whoosh's whitespace tokenizer."""

    exact: str
    folded: str
    words: str
    codes: str


def analyze(text: str, *, segment: bool = True) -> AnalyzedText:
    """Tokens of one text (a title or a body) for every index field.

    Normalises once and takes syllables, codes and words from that (what syllables(), codes() and
    words() each do on their own): indexing should cost little more than segmentation.
    """
    normalized = normalize_text(text)
    exact = " ".join(_syllables(normalized))
    return AnalyzedText(
        exact=exact,
        folded=exact.translate(_CHAR_FOLDS),  # fold() of each syllable: it folds character by character
        words=" ".join(_words(normalized)) if segment else "",
        codes=" ".join(_codes(normalized)),
    )


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Vietnamese stopwords from the maintained `stop-words` package, tone-normalised."""
    from stop_words import get_stop_words

    return frozenset(" ".join(syllables(w)) for w in get_stop_words("vietnamese"))
