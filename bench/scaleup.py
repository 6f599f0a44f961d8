"""A 100 000-article scale-up corpus built from the real sentences of ../shared/corpus/articles.jsonl.

The sentences are real (so is the vocabulary and what segmentation costs); only their grouping into
articles, the titles, dates, departments, categories and sites are made up, deterministically from a seed.
Used by bench/index_speed.py and the query-speed benchmark.

Usage: python bench/scaleup.py N OUT.jsonl [--seed S]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus" / "articles.jsonl"

# Made-up but typical: five agency portals, each with its own departments.
SITES = ("sotttt.example.gov.vn", "socongthuong.example.gov.vn", "sonnptnt.example.gov.vn",
         "ubnd-quan.example.gov.vn", "khuyencong.example.gov.vn")
DEPARTMENTS = (
    "Văn phòng Sở", "Thanh tra Sở", "Phòng Hành chính - Tổng hợp", "Phòng Kế hoạch - Tài chính",
    "Phòng Tổ chức cán bộ", "Phòng Pháp chế", "Phòng Quản lý thương mại", "Phòng Quản lý công nghiệp",
    "Phòng Kỹ thuật an toàn - Môi trường", "Phòng Quản lý năng lượng", "Phòng Báo chí - Xuất bản",
    "Phòng Bưu chính - Viễn thông", "Phòng Công nghệ thông tin", "Trung tâm Công nghệ thông tin",
    "Trung tâm Khuyến công", "Trung tâm Xúc tiến thương mại", "Chi cục Quản lý thị trường",
    "Chi cục Thủy lợi", "Chi cục Kiểm lâm", "Chi cục Trồng trọt và Bảo vệ thực vật",
    "Chi cục Chăn nuôi và Thú y", "Trung tâm Khuyến nông", "Phòng Kinh tế", "Phòng Tài nguyên và Môi trường",
    "Phòng Văn hóa và Thông tin", "Phòng Giáo dục và Đào tạo", "Phòng Y tế", "Phòng Lao động - Thương binh và Xã hội",
    "Phòng Quản lý đô thị", "Phòng Nội vụ",
)
CATEGORIES = (
    "Tin hoạt động", "Thông báo", "Chỉ đạo điều hành", "Văn bản pháp luật", "Cải cách hành chính",
    "Chuyển đổi số", "Kinh tế", "Xã hội", "Giáo dục", "Y tế", "Văn hóa", "Thể thao", "Khoa học - Công nghệ",
    "Môi trường", "Nông nghiệp", "Công nghiệp", "Thương mại", "Du lịch", "Phòng chống tham nhũng",
    "Hỏi đáp",
)
# More posts in recent years, as on real portals.
YEARS = tuple(range(2012, 2026))
YEAR_WEIGHTS = tuple(1.0 + 0.25 * i for i in range(len(YEARS)))

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def real_sentences(corpus: Path = CORPUS) -> list[str]:
    """Distinct sentences of the real corpus, in corpus order (so a seed gives the same articles)."""
    seen: dict[str, None] = {}
    with corpus.open(encoding="utf-8") as f:
        for line in f:
            body = json.loads(line).get("body") or ""
            for paragraph in body.split("\n"):
                for sentence in _SENTENCE_END.split(paragraph.strip()):
                    if 20 <= len(sentence) <= 600:
                        seen.setdefault(sentence, None)
    return list(seen)


def _title(rng: random.Random, sentences: list[str]) -> str:
    words = rng.choice(sentences).split()
    return " ".join(words[: rng.randint(6, 14)]).rstrip(".,;:!?…")


def _body(rng: random.Random, sentences: list[str]) -> str:
    # ~16.5 sentences per article on average, a long tail of long ones, as measured in the notes
    count = max(3, min(90, round(rng.lognormvariate(2.65, 0.55))))
    picked = [rng.choice(sentences) for _ in range(count)]
    paragraphs, i = [], 0
    while i < len(picked):
        size = rng.randint(1, 4)
        paragraphs.append(" ".join(picked[i:i + size]))
        i += size
    return "\n".join(paragraphs)


def scaleup_records(n: int, sentences: list[str], seed: int = 0) -> list[dict[str, object]]:
    """`n` articles in the import format, deterministic for a given seed."""
    rng = random.Random(seed)
    site_departments = {site: rng.sample(DEPARTMENTS, 8) for site in SITES}
    records = []
    for i in range(n):
        site = rng.choice(SITES)
        year = rng.choices(YEARS, YEAR_WEIGHTS)[0]
        published = (f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                     f"T{rng.randint(7, 17):02d}:{rng.randint(0, 59):02d}:00+07:00")
        records.append({
            "id": f"scaleup-{seed}/{i:06d}", "url": f"https://{site}/tin-tuc/bai-{seed}-{i:06d}.html",
            "title": _title(rng, sentences), "published": published,
            "department": rng.choice(site_departments[site]) if rng.random() < 0.9 else None,
            "category": rng.choice(CATEGORIES), "site": site, "body": _body(rng, sentences),
        })
    return records


def build_scaleup(n: int, out: Path, seed: int = 0) -> Path:
    """Write `n` scale-up articles as JSON Lines (the import format) to `out`; returns `out`."""
    if not CORPUS.is_file():
        raise FileNotFoundError(f"No corpus at '{CORPUS}': the scale-up needs ../shared beside the checkout.")
    sentences = real_sentences()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for record in scaleup_records(n, sentences, seed):
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    tmp.replace(out)  # a killed run never leaves a half-written corpus behind
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("out", type=Path, help="output JSON Lines file")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if not CORPUS.is_file():
        print(f"scaleup: no corpus at {CORPUS}; it needs ../shared beside the checkout.", file=sys.stderr)
        return 0
    path = build_scaleup(args.n, args.out, args.seed)
    print(f"wrote {args.n} articles to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
