"""People named in the corpus: how well indexer.analysis.people finds them, and how fast.

Usage: .venv/bin/python bench/people.py [--sample N] [--show N] [--baselines]

1. Split every article body of ../shared/corpus/articles.jsonl into sentences (`split_sentences`,
   deterministic: the labels refer to sentences by index, with a sha1 to notice a changed split).
2. Run people() on each sentence of bench/people_labels.jsonl and print precision, recall and F1 on
   names (compared by person_key), title accuracy on the names found, the sentences it gets wrong,
   and whether the goals (precision >= 0.9, recall >= 0.8) are met.
3. Time people() on every article (title + body), in ms per article.
4. --baselines: the same scores for underthesea's NER (PER) and for runs of its proper-noun tags (Np),
   all of them or only those near a title or an honorific, and their speed on 100 articles.

The labelled set: `--sample 320` (seed 20190118) draws from sentences of 30-400 characters, in four
pools (see `candidates`): 40 agency items (sotttt-hanoi), 160 news sentences with a cue word (a title
head, an honorific), 40 sentences of any other source with a capitalised run but no cue (hard
negatives), then 80 news sentences with an office or a rank before a capitalised run. Each was labelled
by reading it, before the extractor existed, with these rules:
- a person is labelled when the sentence introduces a name of 2-5 syllables by an honorific (ông, bà,
  anh, chị, cô, đồng chí, ...) or a degree (TS, PGS, bác sĩ, ...) right before it, or by an office or
  rank before it (the organisation and place between, or not) or right after it behind a comma, a dash
  or a bracket. Bare names (artists, players), single given names ("ông Minh"), initials ("anh N.V.K")
  and descriptions (ca sĩ, chuyên gia, nhà báo, tỷ phú) are not labelled;
- the title is the office or rank nearest before the name, else the first right after it, spelt
  canonically ("Phó Giám đốc", "Chủ tịch nước", "Huấn luyện viên" for HLV), with "nguyên", "cựu",
  "thường trực", "điều hành" left out; a degree or an honorific alone gives null.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer.analysis.people import people, person_key  # noqa: E402
from indexer.analysis.text import nfc  # noqa: E402

SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "articles.jsonl"
LABELS = ROOT / "bench" / "people_labels.jsonl"
SEED = 20190118
PRECISION_GOAL = 0.9
RECALL_GOAL = 0.8

def _letters(upper: bool) -> str:
    """Latin letters of one case (Vietnamese needs Latin-1, Extended-A/B and Extended Additional)."""
    codes = [*range(0x41, 0x7B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]
    return "".join(c for c in map(chr, codes) if c.isalpha() and (c.isupper() if upper else c.islower()))


UPPER = _letters(upper=True)
LOWER = _letters(upper=False)
# Sentence-ending punctuation with any closing quotes or brackets after it.
_END = re.compile(r"[.!?…]+[\"'”’)\]]*")
# Abbreviations a full stop does not end a sentence after: "TP. Hà Nội", "PGS.TS. Lê", "John F. Kennedy".
_ABBREVIATION = re.compile(rf"(?:^|[\s(.,])(?:[{UPPER}]|TP|Tp|TS|Ts|ThS|Ths|PGS|GS|BS|Bs|KS|TSKH|Mr|Dr|St)$")


def split_sentences(body: str) -> list[str]:
    """Sentences of a body, in order: each line, cut after . ! ? … followed by a space, or glued to
    the next capitalised word after a lower-case letter or digit ("năm 2019.Cũng"), but not after a
    short capitalised abbreviation ("TP. Hà Nội") nor inside "TP.HCM" or "4.66"."""
    out: list[str] = []
    for line in nfc(body).split("\n"):
        start = 0
        for end in _END.finditer(line):
            after = line[end.end():end.end() + 1]
            before = line[end.start() - 1:end.start()]
            glued = after.isupper() and (before.islower() or before.isdigit())
            if not (after == "" or after.isspace() or glued):
                continue
            if end.group()[0] == "." and _ABBREVIATION.search(line, max(0, end.start() - 6), end.start()):
                continue
            if line[start:end.end()].strip():
                out.append(line[start:end.end()].strip())
            start = end.end()
        if line[start:].strip():
            out.append(line[start:].strip())
    return out


def sentence_sha1(sentence: str) -> str:
    """First 10 hex digits of the sentence's sha1: labels keep this instead of the text (licence)."""
    return hashlib.sha1(sentence.encode("utf-8")).hexdigest()[:10]


def read_corpus() -> dict[str, dict]:
    with CORPUS.open(encoding="utf-8") as f:
        return {a["id"]: a for a in map(json.loads, f)}


# -- drawing sentences to label ----------------------------------------------------------------------

# Any of these words (any case) or a run of two capitalised syllables past the first word makes a
# sentence a candidate: what a person-finder has to look at, whether or not a person is there.
_CUE = re.compile(
    r"(?<!\w)(?:ông|bà|anh|chị|đồng chí|đ/c|chủ tịch|giám đốc|trưởng|bí thư|thủ tướng|thứ trưởng|"
    r"chánh|đại biểu|tổng thống|tiến sĩ|ts|gs|pgs|bác sĩ|luật sư|đại tá|thiếu tướng|trung tướng)(?!\w)",
    re.IGNORECASE)
_RUN = re.compile(rf"\s[{UPPER}][{LOWER}]+\s[{UPPER}][{LOWER}]+")


@dataclass(frozen=True)
class Candidate:
    article: str
    index: int
    sentence: str


# An office or rank: the "titled" pool holds news sentences with one of these before a capitalised run.
_OFFICE = re.compile(
    r"(?<!\w)(?:chủ tịch|giám đốc|trưởng|bí thư|thủ tướng|tổng thống|chánh|đại biểu|đại tá|thượng tá|"
    r"trung tá|thiếu tá|đại tướng|thượng tướng|trung tướng|thiếu tướng)(?!\w)", re.IGNORECASE)


def candidates(corpus: dict[str, dict], n: int) -> list[Candidate]:
    """The fixed draw (seed SEED) from sentences of 30-400 characters, in four pools.

    An eighth from the agency items (sotttt-hanoi) with a cue word or a capitalised run; half from news
    (uts-unc, danes) with a cue word; an eighth from any other source with a capitalised run but no cue
    word (hard negatives: organisations, places, laws); the rest from news with an office or rank
    before a capitalised run (where officials are named), none drawn twice.
    """
    pools: dict[str, list[Candidate]] = {"agency": [], "officials": [], "runs": [], "titled": []}
    for article_id in sorted(corpus):
        agency = article_id.startswith("sotttt-hanoi/")
        news = article_id.startswith(("uts-unc/", "danes/"))
        for i, sentence in enumerate(split_sentences(corpus[article_id]["body"] or "")):
            if not 30 <= len(sentence) <= 400:
                continue
            cue, run = _CUE.search(sentence), _RUN.search(sentence)
            pool = ("agency" if agency and (cue or run) else "officials" if news and cue
                    else "runs" if run and not cue and not agency else None)
            if pool:
                pools[pool].append(Candidate(article_id, i, sentence))
            office = _OFFICE.search(sentence) if news else None
            if office and _RUN.search(sentence, office.end() - 1):
                pools["titled"].append(Candidate(article_id, i, sentence))
    rng = random.Random(SEED)
    sizes = {"agency": n // 8, "officials": n // 2, "runs": n // 8}
    sizes["titled"] = n - sum(sizes.values())
    drawn: list[Candidate] = []
    for name in ("agency", "officials", "runs", "titled"):
        pool = [c for c in pools[name] if c not in drawn] if name == "titled" else pools[name]
        drawn += rng.sample(pool, min(sizes[name], len(pool)))
    return drawn


# -- measuring ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    article: str
    index: int
    sha1: str
    people: list[tuple[str, str | None]]


def read_labels(path: Path = LABELS) -> list[Label]:
    with path.open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return [Label(r["article"], r["sentence"], r["sha1"], [(n, t) for n, t in r["people"]]) for r in rows]


@dataclass
class Score:
    """Counts over the labelled sentences, and the sentences where the extractor disagrees."""

    true_pos: int = 0
    false_pos: int = 0
    false_neg: int = 0
    titles_right: int = 0
    changed: int = 0
    wrong: list[tuple[Label, list[tuple[str, str | None]]]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.true_pos / max(1, self.true_pos + self.false_pos)

    @property
    def recall(self) -> float:
        return self.true_pos / max(1, self.true_pos + self.false_neg)

    @property
    def f1(self) -> float:
        return 2 * self.precision * self.recall / max(1e-9, self.precision + self.recall)


def score(labels: list[Label], corpus: dict[str, dict]) -> Score:
    """Names compared by person_key; a title counts as right when it equals the label's (None too)."""
    result = Score()
    for label in labels:
        sentences = split_sentences(corpus[label.article]["body"] or "") if label.article in corpus else []
        sentence = sentences[label.index] if label.index < len(sentences) else ""
        if sentence_sha1(sentence) != label.sha1:
            result.changed += 1
            continue
        got = [(p.name, p.title) for p in people(sentence)]
        expected = {person_key(n): t for n, t in label.people}
        found = {person_key(n): t for n, t in got}
        hits = expected.keys() & found.keys()
        result.true_pos += len(hits)
        result.false_pos += len(found.keys() - hits)
        result.false_neg += len(expected.keys() - hits)
        result.titles_right += sum(expected[k] == found[k] for k in hits)
        if hits != expected.keys() or hits != found.keys() or any(expected[k] != found[k] for k in hits):
            result.wrong.append((label, got))
    return result


def speed(corpus: dict[str, dict]) -> tuple[float, float]:
    """ms per article (title and body) over the whole corpus, and per 3 000 characters."""
    texts = [f"{a['title'] or ''}\n{a['body'] or ''}" for a in corpus.values()]
    people(texts[0])
    start = time.perf_counter()
    for text in texts:
        people(text)
    elapsed = time.perf_counter() - start
    return elapsed * 1000 / len(texts), elapsed * 1000 / sum(map(len, texts)) * 3000


# -- underthesea baselines (--baselines) ----------------------------------------------------------

# Words that make an underthesea proper-noun run a person for the "anchored" baseline: a title's head
# word or an honorific among the four words before the run or the two after it.
_BASELINE_CUES = set(
    "ông bà anh chị đồng chí đ/c chủ tịch giám đốc trưởng bí thư thủ tướng bộ trưởng thứ trưởng tổng thống "
    "ngoại trưởng phó đại biểu đại sứ tiến sĩ ts pgs gs bác sĩ hlv đại tá trung tá thiếu tướng trung tướng "
    "thượng tướng đại tướng".split(" "))


def _np_runs(tagged: list[tuple[str, ...]], anchored: bool) -> list[str]:
    """Runs of proper nouns (Np) of 2-5 syllables; anchored: only near a title or an honorific."""
    out: list[str] = []
    i = 0
    while i < len(tagged):
        if tagged[i][1] != "Np":
            i += 1
            continue
        j = i
        while j < len(tagged) and tagged[j][1] == "Np":
            j += 1
        name = " ".join(t[0] for t in tagged[i:j])
        near = [t[0].lower() for t in tagged[max(0, i - 4):i] + tagged[j:j + 2]]
        if 2 <= len(name.split()) <= 5 and (not anchored or any(w in _BASELINE_CUES for w in near)):
            out.append(name)
        i = j
    return out


def _ner_people(sentence: str) -> list[str]:
    from underthesea import ner

    out: list[str] = []
    for word, _pos, _chunk, tag in ner(sentence):
        if tag == "B-PER":
            out.append(word)
        elif tag == "I-PER" and out:
            out[-1] += " " + word
    return [n for n in out if 2 <= len(n.split()) <= 5]


def baselines(labels: list[Label], corpus: dict[str, dict], articles: int = 100) -> None:
    """Precision and recall of names from underthesea's NER and POS tags, and their speed."""
    from underthesea import ner, pos_tag

    extractors = {
        "underthesea ner (PER)": _ner_people,
        "underthesea pos_tag Np runs": lambda s: _np_runs(pos_tag(s), anchored=False),
        "underthesea pos_tag Np runs near a title": lambda s: _np_runs(pos_tag(s), anchored=True),
    }
    for name, extract in extractors.items():
        result = Score()
        for label in labels:
            sentences = split_sentences(corpus[label.article]["body"] or "")
            if label.index >= len(sentences) or sentence_sha1(sentences[label.index]) != label.sha1:
                continue
            expected = {person_key(n) for n, _ in label.people}
            found = {person_key(n) for n in extract(sentences[label.index])}
            result.true_pos += len(expected & found)
            result.false_pos += len(found - expected)
            result.false_neg += len(expected - found)
        print(f"{name}: precision {result.precision:.3f}  recall {result.recall:.3f}  F1 {result.f1:.3f}")
    texts = [f"{a['title'] or ''}\n{a['body'] or ''}" for a in random.Random(SEED).sample(list(corpus.values()),
                                                                                           articles)]
    for name, tagger in (("pos_tag", pos_tag), ("ner", ner)):
        start = time.perf_counter()
        for text in texts:
            for line in text.split("\n"):
                if line.strip():
                    tagger(line)
        print(f"underthesea {name}: {(time.perf_counter() - start) * 1000 / articles:.1f} ms per article "
              f"({articles} articles drawn with seed {SEED})")


def report(result: Score, show: int) -> None:
    print(f"labelled names: {result.true_pos + result.false_neg}, found: {result.true_pos + result.false_pos}")
    print(f"precision {result.precision:.3f}  recall {result.recall:.3f}  F1 {result.f1:.3f}")
    print(f"title accuracy on matched names: {result.titles_right / max(1, result.true_pos):.3f} "
          f"({result.titles_right}/{result.true_pos})")
    if result.changed:
        print(f"WARNING: {result.changed} labelled sentences changed (the split or the corpus differs): not scored")
    met = result.precision >= PRECISION_GOAL and result.recall >= RECALL_GOAL
    print(f"goals precision >= {PRECISION_GOAL}, recall >= {RECALL_GOAL}: {'MET' if met else 'NOT MET'}")
    print(f"sentences with a difference: {len(result.wrong)} (first {show})")
    for label, got in result.wrong[:show]:
        print(f"  {label.article} #{label.index}: expected {label.people} got {got}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, metavar="N", help="print N candidate sentences to label, and stop")
    parser.add_argument("--show", type=int, default=20, metavar="N", help="sentences with a difference to print")
    parser.add_argument("--baselines", action="store_true", help="also score underthesea's NER and POS tags (slow)")
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"../shared is absent: no corpus at {CORPUS}")
        return
    corpus = read_corpus()
    if args.sample:
        for c in candidates(corpus, args.sample):
            print(json.dumps({"article": c.article, "sentence": c.index, "text": c.sentence}, ensure_ascii=False))
        return
    labels = read_labels()
    print(f"{len(labels)} labelled sentences, {sum(not lb.people for lb in labels)} with no person")
    report(score(labels, corpus), args.show)
    per_article, per_3000 = speed(corpus)
    print(f"speed: {per_article:.3f} ms per article over {len(corpus)} articles "
          f"({per_3000:.3f} ms per 3 000 characters)")
    if args.baselines:
        baselines(labels, corpus)


if __name__ == "__main__":
    main()
