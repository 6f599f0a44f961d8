"""The running web app follows the index: new commits and swapped-in generations, without a restart."""

from __future__ import annotations

from pathlib import Path

from archive import Archive, Article
from indexer.backend import EngineConfig
from indexer.whoosh_engine import store
from indexer.whoosh_engine.writer.build import update_index
from tests.corpus import ARTICLES
from webapp import create_app


def _index(data: Path, *articles: Article, rebuild: bool = False) -> None:
    with Archive(data / "archive.sqlite3") as archive:
        for article in articles:
            archive.upsert(article)
        update_index(archive, data / "index", data / "segments.sqlite3", rebuild=rebuild, workers=1)


def _ids(client: object, q: str) -> set[str]:
    response = client.get("/api/search", query_string={"q": q, "per_page": 100})  # type: ignore[attr-defined]
    assert response.status_code == 200
    return {r["id"] for r in response.get_json()["results"]}


def test_two_app_processes_see_a_new_commit_and_a_new_generation(data_dir: Path) -> None:
    _index(data_dir, *ARTICLES)
    # two apps stand for two `serve` worker processes: each has its own long-lived searcher
    clients = [create_app(EngineConfig(data_dir)).test_client()
               for _ in range(2)]
    for client in clients:
        assert _ids(client, "logistics") == set()

    _index(data_dir, Article(id="t100", title="Khai trương trung tâm logistics", body="Trung tâm logistics mới.",
                             published="2022-02-02", site="sct"))
    for client in clients:
        assert _ids(client, "logistics") == {"t100"}  # a commit: picked up on the next request

    first = store.current_dir(data_dir / "index")
    _index(data_dir, Article(id="t101", title="Hội chợ logistics", body="Hội chợ logistics khu vực.", site="sct"),
           rebuild=True)
    assert store.current_dir(data_dir / "index") != first
    for client in clients:
        assert _ids(client, "logistics") == {"t100", "t101"}  # a new generation: reopened
        assert client.get("/article", query_string={"id": "t101"}).status_code == 200


def test_the_previous_generation_outlives_the_swap_until_the_next_job(data_dir: Path) -> None:
    _index(data_dir, *ARTICLES)
    client = create_app(EngineConfig(data_dir)).test_client()
    assert _ids(client, "hội nghị tổng kết")
    first = store.current_dir(data_dir / "index")
    assert first is not None

    _index(data_dir, rebuild=True)
    assert first.is_dir()  # a query that began before the swap can still read its files
    _index(data_dir)
    assert not first.exists()
    assert _ids(client, "hội nghị tổng kết")
