"""Event dates in post bodies: how well indexer.analysis.event_dates finds them, and how fast.

What it measures (figures printed, exit 0):
1. Precision, recall and F1 of `event_dates(sentence, published)` on bench/event_dates_labels.jsonl,
   counted over (sentence, date) pairs, then the first 20 sentences where it errs (expected vs got).
2. Milliseconds per article of `event_dates(body, published)` over every article of the corpus.
3. The same figures for `dateparser.search.search_dates(sentence, languages=["vi"])` when dateparser is
   importable (it is not a dependency of tracuu: a reference only).

The labelled set (no sentence text: the corpus's licence is not ours). Sentences come from
`sentences()` below, run on the bodies of ../shared/corpus/articles.jsonl; a sentence is a candidate
when it holds a digit followed by / - . and a digit, or "tháng". Candidates fall in two strata:
"date-shaped" (1–2 digits, a joiner, 1–2 digits not followed by a digit, or "ngày N tháng") and the
rest (money, document numbers, months, durations). `--sample` draws SHAPED from the first and OTHER
from the second, each shuffled by random.Random(SEED) from (article id, sentence index) order, so the
hard negatives (document numbers, scores, fractions, "tháng 3/2020") are in the set as often as the
corpus has them. Each line: article id, sentence index, first 10 hex digits of the sentence's sha1
(to notice a changed corpus), the article's published, and the dates a reader finds.

How the sentences were labelled (by reading, before running the extractor on them): a date is a
calendar day on which the sentence places something — a meeting, a match, an announcement, a case, a
deadline, an entry into force — whose year is written or follows from the publication date (none
when the article has no published date). Not dates: a document's issue date (after its number, its
name or "ban hành"), months ("tháng 3/2020"), holidays named by their day ("lễ 30/4", "Quốc khánh
2/9"), fractions, scores, amounts, versions, phone numbers, and years outside 1945..published + 1.
A range gives its two ends; a list of days ("ngày 15, 16 và 17/5") gives each day.

Usage: .venv/bin/python bench/event_dates.py [--sample] [--errors 20] [--repeat 3]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer.analysis.text import nfc  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "articles.jsonl"
LABELS = ROOT / "bench" / "event_dates_labels.jsonl"
SEED = 2019
SHAPED, OTHER = 100, 50

# A sentence ends at . ! ? … (and closing quotes) before a space and a capital, digit or opening quote.
_END = re.compile(r"[.!?…]+[\"”’)\]]*\s+")
_ABBREVIATIONS = frozenset({"tp", "ths", "ts", "pgs", "gs", "bs", "q", "p", "tt", "mr", "ms", "st", "ks", "ncs"})
_CANDIDATE = re.compile(r"[0-9][/.\-][0-9]|tháng", re.IGNORECASE)
_SHAPED = re.compile(r"(?<![0-9])[0-9]{1,2}\s*[/.\-]\s*[0-9]{1,2}(?![0-9])|ngày\s+[0-9]{1,2}\s+tháng", re.IGNORECASE)


def sentences(body: str) -> list[str]:
    """The body's sentences, NFC, in order: lines, cut after end punctuation before a capital.

    Deterministic and dependency-free so the labels' sentence indexes stay valid; it need not be a
    good splitter, only a fixed one (an abbreviation such as "TP." does not end a sentence).
    """
    out: list[str] = []
    for line in nfc(body).split("\n"):
        start = 0
        for end in _END.finditer(line):
            following = line[end.end():end.end() + 1]
            if not following or not (following.isupper() or following.isdigit() or following in "\"“("):
                continue
            before = line[start:end.start()].rsplit(None, 1)
            if before and before[-1].lower().rstrip(".") in _ABBREVIATIONS:
                continue
            if line[start:end.end()].strip():
                out.append(line[start:end.end()].strip())
            start = end.end()
        if line[start:].strip():
            out.append(line[start:].strip())
    return out


def sha1(sentence: str) -> str:
    return hashlib.sha1(sentence.encode("utf-8")).hexdigest()[:10]


def articles() -> Iterator[dict]:
    with CORPUS.open(encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


def sample() -> list[tuple[dict, int, str]]:
    """The labelling sample: SHAPED date-shaped candidates, then OTHER others (see the module doc)."""
    shaped: list[tuple[dict, int, str]] = []
    other: list[tuple[dict, int, str]] = []
    for article in articles():
        for index, sentence in enumerate(sentences(article["body"] or "")):
            if _CANDIDATE.search(sentence):
                (shaped if _SHAPED.search(sentence) else other).append((article, index, sentence))
    rng = random.Random(SEED)
    rng.shuffle(shaped)
    rng.shuffle(other)
    return shaped[:SHAPED] + other[:OTHER]


def load_labels() -> list[tuple[str, str | None, list[date]]]:
    """(sentence, published, dates) of each labelled line, the sentence read back from the corpus."""
    wanted = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]
    bodies = {row["article"]: None for row in wanted}
    for article in articles():
        if article["id"] in bodies:
            bodies[article["id"]] = sentences(article["body"] or "")
    out = []
    for row in wanted:
        split = bodies[row["article"]]
        if split is None or row["sentence"] >= len(split) or sha1(split[row["sentence"]]) != row["sha1"]:
            raise ValueError(f"the corpus changed: {row['article']} sentence {row['sentence']} is not the one labelled")
        out.append((split[row["sentence"]], row["published"], [date.fromisoformat(d) for d in row["dates"]]))
    return out


def score(labelled: list[tuple[str, str | None, list[date]]],
          extract: Callable[[str, str | None], list[date]]) -> tuple[float, float, float, list[str]]:
    """Precision, recall, F1 over (sentence, date) pairs, and a line per sentence with an error."""
    found = right = expected = 0
    errors = []
    for index, (sentence, published, dates) in enumerate(labelled):
        got = set(extract(sentence, published))
        want = set(dates)
        found += len(got)
        right += len(got & want)
        expected += len(want)
        if got != want:
            errors.append(f"  #{index} published {published}: expected {sorted(map(str, want))}, "
                          f"got {sorted(map(str, got))}")
    precision = right / found if found else 1.0
    recall = right / expected if expected else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, errors


def report(name: str, labelled: list[tuple[str, str | None, list[date]]],
           extract: Callable[[str, str | None], list[date]], errors: int) -> None:
    precision, recall, f1, wrong = score(labelled, extract)
    print(f"{name}: precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}  "
          f"({len(labelled)} sentences, {sum(len(d) for _, _, d in labelled)} dates, {len(wrong)} with an error)")
    for line in wrong[:errors]:
        print(line)


def speed(repeat: int) -> None:
    from indexer.analysis.event_dates import event_dates

    corpus = [(a["body"] or "", a["published"]) for a in articles()]
    chars = sum(len(body) for body, _ in corpus)
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for body, published in corpus:
            event_dates(body, published)
        best = min(best, time.perf_counter() - started)
    per_article = best * 1000 / len(corpus)
    print(f"speed: {per_article:.3f} ms per article over {len(corpus)} articles "
          f"(mean {chars / len(corpus):.0f} chars; {per_article * 3000 * len(corpus) / chars:.3f} ms per 3 000 chars; "
          f"best of {repeat}); goal <= 0.3 ms per 3 000 chars")


def dateparser_extract(sentence: str, published: str | None) -> list[date]:
    from dateparser.search import search_dates

    # Relative to publication, as event_dates is, so a yearless "16/5" can be right.
    settings = {"RELATIVE_BASE": datetime.fromisoformat(published[:10])} if published else {}
    found = search_dates(sentence, languages=["vi"], settings=settings) or []
    return sorted({when.date() for _, when in found})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", action="store_true", help="print the candidate sentences to label")
    parser.add_argument("--errors", type=int, default=20, help="how many erring sentences to show")
    parser.add_argument("--repeat", type=int, default=3, help="timing runs over the corpus (best kept)")
    args = parser.parse_args()
    if not CORPUS.is_file():
        print(f"../shared is absent ({CORPUS}): nothing to measure")
        return
    if args.sample:
        for article, index, sentence in sample():
            print(json.dumps({"article": article["id"], "sentence": index, "sha1": sha1(sentence),
                              "published": article["published"], "text": sentence}, ensure_ascii=False))
        return

    from indexer.analysis.event_dates import event_dates

    try:
        labelled = load_labels()
    except ValueError as error:
        print(error)
        return
    report("event_dates", labelled, event_dates, args.errors)
    speed(args.repeat)
    try:
        import dateparser.search  # noqa: F401 - only to know whether it is there
    except ImportError:
        print("dateparser: not installed (not a dependency of tracuu): no comparison")
        return
    report("dateparser.search.search_dates(languages=['vi'])", labelled, dateparser_extract, args.errors)


if __name__ == "__main__":
    main()
