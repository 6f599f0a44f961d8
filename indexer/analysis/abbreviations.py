"""Administrative abbreviations ("UBND" ↔ "Ủy ban nhân dân"), so that a search for either form finds both.

Agencies write either form and people type either, so the query planner looks typed runs of syllables up
here. The table is data: abbreviations.tsv beside this module (its header says where the rows come from
and how to extend it), plus any files of the same format a deployment names. Forms are compared as
folded syllables, so case, tone marks, the tone-mark convention and the punctuation inside an
abbreviation ("TP.HCM", "TP HCM") make no difference.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from indexer.analysis.text import fold, syllables
from indexer.errors import IndexerError

Form = tuple[str, ...]  # folded syllables: ("ubnd",), ("uy", "ban", "nhan", "dan")

BUILTIN = "abbreviations.tsv"
# A one-syllable abbreviation this short (QĐ, TT, KH, TB) is expanded when typed but never searched for
# when its full form is typed: as a bare word in a text it is too often part of something else.
SHORT_LETTERS = 2


class AbbreviationsError(IndexerError, ValueError):
    """A table file that cannot be read or has a malformed row; the message names the file and line."""


@dataclass(frozen=True)
class Match:
    """Units [start, end) of `find`'s input, typed as one form of an entry, and the entry's other forms."""

    start: int
    end: int
    forms: tuple[Form, ...]


def _form(text: str) -> Form:
    return tuple(fold(s) for s in syllables(text))


def _short(form: Form) -> bool:
    return len(form) == 1 and len(form[0]) <= SHORT_LETTERS


class Abbreviations:
    """Forms that mean the same: each abbreviation with its full form(s), looked up in either direction.

    Rows sharing a full form make one entry (TP.HCM, TPHCM, "TP Hồ Chí Minh" → Thành phố Hồ Chí Minh), and
    an abbreviation with two full forms joins them, so any form of an entry leads to all the others; a
    short abbreviation (`SHORT_LETTERS`) leads to its entries but is never led to.
    """

    def __init__(self, rows: Iterable[tuple[Form, Form]] = ()) -> None:
        parent: dict[Form, Form] = {}

        def root(form: Form) -> Form:
            while parent[form] != form:
                form = parent[form]
            return form

        order: list[Form] = []  # forms in table order, so lookups answer in a fixed order
        short: dict[Form, list[Form]] = {}
        for abbr, full in rows:
            for form in (abbr, full):
                if form not in parent and not _short(form):
                    parent[form] = form
                    order.append(form)
            if _short(abbr):
                short.setdefault(abbr, [])
                if full not in short[abbr]:
                    short[abbr].append(full)
            elif not _short(full):
                parent[root(abbr)] = root(full)
        groups: dict[Form, list[Form]] = {}
        for form in order:
            groups.setdefault(root(form), []).append(form)
        self._others: dict[Form, tuple[Form, ...]] = {}
        for group in groups.values():
            for form in group:
                if len(group) > 1:
                    self._others[form] = tuple(f for f in group if f != form)
        for abbr, fulls in short.items():
            linked = [f for full in fulls for f in (full, *self._others.get(full, ())) if not _short(f)]
            self._others[abbr] = tuple(dict.fromkeys(linked))
        self._longest = max((len(f) for f in self._others), default=0)

    def __len__(self) -> int:
        """How many forms lead somewhere."""
        return len(self._others)

    def others(self, words: Sequence[str]) -> tuple[Form, ...]:
        """The other forms of the entry these syllables spell (any case or marks), () when they spell none."""
        return self._others.get(tuple(fold(w) for w in words), ())

    def find(self, units: Sequence[Sequence[str]]) -> list[Match]:
        """Runs of whole units that spell a form, longest first from the left, not overlapping.

        A unit is what was typed as one token: "TP.HCM" is one unit of two syllables, so it matches as a
        whole or not at all (its "HCM" alone is never a match), while "TP" "HCM" typed apart is two units
        that together spell the same form.
        """
        folded = [[fold(s) for s in unit] for unit in units]
        found: list[Match] = []
        start = 0
        while start < len(folded):
            best: Match | None = None
            words: list[str] = []
            for end in range(start, len(folded)):
                words += folded[end]
                if len(words) > self._longest:
                    break
                forms = self._others.get(tuple(words))
                if forms:
                    best = Match(start, end + 1, forms)
            if best is None:
                start += 1
            else:
                found.append(best)
                start = best.end
        return found


def read_table(path: Path) -> list[tuple[Form, Form]]:
    """The (abbreviation, full form) rows of one table file, folded; AbbreviationsError names a bad line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise AbbreviationsError(f"{path}: cannot read the abbreviations table: {exc}") from exc
    return parse_table(text, str(path))


def parse_table(text: str, name: str) -> list[tuple[Form, Form]]:
    """Rows of `abbreviation<TAB>full form<TAB>source`; blank lines and lines starting with # are skipped."""
    rows: list[tuple[Form, Form]] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) != 3:
            raise AbbreviationsError(f"{name}:{lineno}: expected 'abbreviation<TAB>full form<TAB>source' "
                                     f"(3 tab-separated fields), found {len(fields)}: {line!r}")
        abbr, full, source = fields
        if not source:
            raise AbbreviationsError(f"{name}:{lineno}: no source: say where {abbr!r} comes from")
        short, long = _form(abbr), _form(full)
        if not short or not long:
            raise AbbreviationsError(f"{name}:{lineno}: the abbreviation and the full form need letters: {line!r}")
        if short == long:
            raise AbbreviationsError(f"{name}:{lineno}: {abbr!r} and {full!r} are the same once folded")
        rows.append((short, long))
    return rows


@lru_cache(maxsize=1)
def _builtin_rows() -> tuple[tuple[Form, Form], ...]:
    resource = files(__package__).joinpath(BUILTIN)
    return tuple(parse_table(resource.read_text(encoding="utf-8"), f"{__package__}/{BUILTIN}"))


@lru_cache(maxsize=1)
def builtin_abbreviations() -> Abbreviations:
    """The built-in table (abbreviations.tsv), built once per process."""
    return Abbreviations(_builtin_rows())


def load_abbreviations(extra: Sequence[Path] = ()) -> Abbreviations:
    """The built-in table plus the rows of each `extra` file (same format).

    The extra files are read on every call: keep the result. Raises AbbreviationsError naming the file
    and line of a malformed row.
    """
    if not extra:
        return builtin_abbreviations()
    rows = list(_builtin_rows())
    for path in extra:
        rows += read_table(Path(path))
    return Abbreviations(rows)
