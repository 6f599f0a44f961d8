"""Hinted filters on the real corpus: what clicking every chip does to the "mixed" queries' ranking.

Usage: .venv/bin/python bench/hints_relevance.py [--show]

The "mixed" queries of bench/relevance_queries.tsv mix words a person remembers of one article with a
filter typed as words ("... 2021", "năm 2020", "thể thao", "dantri"). Over the index bench/relevance.py
builds (cached under bench/out/), this prints MRR@10 and Success@1 of the queries as typed and after
clicking every chip offered (each hint's filter set, its words removed), how many queries got a chip, how
many chips were wrong (a value that is not the target article's), and what offering them costs per query.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import relevance  # noqa: E402  (bench/relevance.py: the index, the queries' file and its format)
from relevance import QUERIES, SHARED, TOP, BenchQuery  # noqa: E402

from archive import Archive, Article  # noqa: E402
from indexer.engine import SearchEngine, SearchRequest  # noqa: E402
from indexer.engine.hints import PARAMETERS, Hint, HintTable, apply_hint  # noqa: E402
from indexer.whoosh_engine.reader.search import SearchIndex  # noqa: E402

KIND = "mixed"


def load_all(path: Path = QUERIES) -> list[BenchQuery]:
    """Every query of the file, whatever its kind: relevance.load_queries stops at a kind its KINDS lacks,
    and the cover posts (so the cached index) depend on the other kinds' queries."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("#") or len(parts) < 3:
            continue
        filters = dict(kv.split("=", 1) for kv in parts[3].split(";") if kv) if len(parts) > 3 else {}
        out.append(BenchQuery(parts[0], parts[1], parts[2], filters))
    return out


def known_values(index: SearchEngine) -> dict[str, list[str]]:
    """The facet values of the whole index, most frequent first: what a HintTable is built from."""
    facets = index.search(SearchRequest(q="", per_page=1)).facets
    return {name: [v.value for v in facets.get(name, [])] for name in PARAMETERS}


def target_value(article: Article, parameter: str) -> str | None:
    return str(article.year) if parameter == "year" and article.year else getattr(article, parameter, None)


@dataclass
class Clicked:
    """One query as typed and after its chips: ranks (None past TOP) and the chips offered."""

    query: BenchQuery
    typed: int | None
    clicked: int | None
    right_only: int | None
    hints: list[Hint]
    wrong: list[Hint]
    text: str


def rank(index: SearchEngine, text: str, filters: dict[str, str], target: str) -> int | None:
    found = [h.id for h in index.search(SearchRequest(q=text, per_page=TOP, **filters)).results]
    return found.index(target) + 1 if target in found else None


def click(text: str, filters: dict[str, str], chosen: list[Hint]) -> tuple[str, dict[str, str]]:
    """The query and filters after clicking each chip in turn."""
    filters = dict(filters)
    for hint in chosen:
        text = apply_hint(text, hint)
        filters[hint.parameter] = hint.value
    return text, filters


def evaluate(index: SearchEngine, table: HintTable, archive: Archive, queries: list[BenchQuery],
             anywhere: bool = False) -> list[Clicked]:
    out = []
    for q in queries:
        article = archive.get(q.target)
        if article is None:
            sys.exit(f"a mixed query names an article not in the archive: {q.target}")
        offered = table.hints(q.text, q.filters, anywhere=anywhere)
        wrong = [h for h in offered if h.value != target_value(article, h.parameter)]
        text, filters = click(q.text, q.filters, offered)
        right_text, right_filters = click(q.text, q.filters, [h for h in offered if h not in wrong])
        out.append(Clicked(q, rank(index, q.text, q.filters, q.target), rank(index, text, filters, q.target),
                           rank(index, right_text, right_filters, q.target), offered, wrong, text))
    return out


def stray_chips(table: HintTable, archive: Archive, queries: list[BenchQuery],
                anywhere: bool = False) -> tuple[int, int, int]:
    """On the other kinds' queries (no filter typed on purpose): how many get a chip, chips, wrong ones."""
    asked = offered = wrong = 0
    for q in queries:
        chips = table.hints(q.text, q.filters, anywhere=anywhere)
        article = archive.get(q.target)
        asked += bool(chips)
        offered += len(chips)
        wrong += sum(article is None or h.value != target_value(article, h.parameter) for h in chips)
    return asked, offered, wrong


def mrr(ranks: list[int | None]) -> float:
    return sum(1 / r for r in ranks if r) / max(len(ranks), 1)


def s1(ranks: list[int | None]) -> float:
    return sum(r == 1 for r in ranks) / max(len(ranks), 1)


def hint_cost(table: HintTable, queries: list[BenchQuery], rounds: int = 50) -> float:
    """Microseconds per HintTable.hints call over the queries (what every search would add)."""
    started = time.perf_counter()
    for _ in range(rounds):
        for q in queries:
            table.hints(q.text, q.filters)
    return (time.perf_counter() - started) / (rounds * max(len(queries), 1)) * 1e6


def report(results: list[Clicked], show: bool) -> None:
    typed, clicked = [r.typed for r in results], [r.clicked for r in results]
    right = [r.right_only for r in results]
    print(f"{len(results)} mixed queries; target's rank in the top {TOP}\n")
    print(f"  {'':<28} {'S@1':>6} {'MRR@10':>7}")
    print(f"  {'as typed':<28} {s1(typed):6.3f} {mrr(typed):7.3f}")
    print(f"  {'every chip clicked':<28} {s1(clicked):6.3f} {mrr(clicked):7.3f}")
    print(f"  {'only the right chips':<28} {s1(right):6.3f} {mrr(right):7.3f}")
    with_hint = sum(bool(r.hints) for r in results)
    offered = sum(len(r.hints) for r in results)
    wrong = sum(len(r.wrong) for r in results)
    print(f"\n  queries with a chip: {with_hint}/{len(results)}; chips offered: {offered}, wrong: {wrong}")
    for parameter in PARAMETERS:
        n = sum(h.parameter == parameter for r in results for h in r.hints)
        bad = sum(h.parameter == parameter for r in results for h in r.wrong)
        print(f"    {parameter:<11} offered {n:>3}  wrong {bad:>3}")
    better = sum((c or TOP + 1) < (t or TOP + 1) for t, c in zip(typed, clicked, strict=True))
    worse = sum((c or TOP + 1) > (t or TOP + 1) for t, c in zip(typed, clicked, strict=True))
    print(f"  clicking every chip: {better} ranked higher, {worse} lower")
    if show:
        print("\nper query (typed rank → clicked rank; chips, wrong ones marked !):")
        for r in results:
            chips = ", ".join(("!" if h in r.wrong else "") + f"{h.parameter}={h.value}" for h in r.hints)
            print(f"  {r.typed or '-':>2} → {r.clicked or '-':>2}  {r.query.text!r} → {r.text!r}  [{chips}]"
                  f"  {r.query.target}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="list every query with its chips and ranks")
    args = parser.parse_args()
    if not SHARED.is_dir():
        print(f"../shared not found at {SHARED}: this benchmark needs the project's shared data.")
        return 0
    queries = load_all()
    mixed = [q for q in queries if q.kind == KIND]
    if not mixed:
        print(f"no '{KIND}' queries in {QUERIES}")
        return 0
    archive_path, index_path = relevance.build_tracuu(relevance.out_dir(queries), relevance.cover_ids(queries))
    index = SearchIndex(index_path, archive_path)
    try:
        known = known_values(index)
        started = time.perf_counter()
        table = HintTable.of(known)
        built_ms = (time.perf_counter() - started) * 1000
        others = [q for q in queries if q.kind != KIND]
        with Archive(archive_path) as archive:
            results = evaluate(index, table, archive, mixed)
            anywhere = evaluate(index, table, archive, mixed, anywhere=True)
            stray = {edge: stray_chips(table, archive, others, anywhere=not edge) for edge in (True, False)}
        report(results, args.show)
        print(f"\n  chips on the {len(others)} queries of other kinds (typed with no filter in mind):")
        for edge, (asked, offered, wrong) in stray.items():
            rule = "at the ends only (shipped)" if edge else "anywhere in the query"
            print(f"    {rule:<28} {asked:>3} queries get one; chips {offered:>3}, wrong {wrong:>3}")
        clicked = [r.clicked for r in anywhere]
        print(f"  mixed queries, chips anywhere: MRR@10 every chip clicked {mrr(clicked):.3f}; chips "
              f"{sum(len(r.hints) for r in anywhere)}, wrong {sum(len(r.wrong) for r in anywhere)}")
        values = sum(len(v) for v in known.values())
        print(f"\n  HintTable.of over {values} facet values: {built_ms:.1f} ms; hints(): "
              f"{hint_cost(table, mixed):.0f} µs per query")
    finally:
        index.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
