"""The development OpenSearch cluster (scripts/opensearch/run) against real nodes: it forms, it indexes and
searches Vietnamese text, a replica keeps answering when the node with the primary goes away, and a second
cluster on a busy port says so."""

from __future__ import annotations

import os
import subprocess
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from opensearchpy import OpenSearch
from opensearchpy.exceptions import ConnectionError as NodeUnreachable

from tests.opensearch_cluster import RUN, OpenSearchCluster

pytestmark = pytest.mark.slow

INDEX = "tracuu-cluster-test"
DOCS = {
    "1": "Ủy ban nhân dân tỉnh ban hành quyết định bổ nhiệm giám đốc sở",
    "2": "Hội nghị tổng kết công tác cải cách hành chính năm 2024",
    "3": "Thông báo lịch tiếp công dân của chủ tịch ủy ban",
}


def client(url: str) -> OpenSearch:
    # No retries on other hosts: each client talks to the one node it names, so a test sees what that node does.
    return OpenSearch(hosts=[url], timeout=30, max_retries=0)


def matching_ids(node: OpenSearch, text: str) -> list[str]:
    response = node.search(index=INDEX, body={"query": {"match": {"title": text}}})
    assert response["_shards"]["failed"] == 0
    return [hit["_id"] for hit in response["hits"]["hits"]]


@pytest.fixture(scope="module")
def clients(opensearch_cluster: OpenSearchCluster) -> Iterator[list[OpenSearch]]:
    nodes = [client(url) for url in opensearch_cluster.nodes]
    yield nodes
    for node in nodes:
        node.close()


@pytest.fixture(scope="module")
def articles(clients: list[OpenSearch]) -> Iterator[str]:
    """One shard with one replica, so each of the two nodes holds a full copy."""
    first = clients[0]
    first.indices.create(index=INDEX, body={"settings": {"number_of_shards": 1, "number_of_replicas": 1}})
    # `timeout` is the server's wait; opensearch-py takes it as the client's own unless request_timeout is given.
    health = first.cluster.health(index=INDEX, wait_for_status="green", timeout="240s", request_timeout=270)
    assert health["status"] == "green", health
    for doc_id, title in DOCS.items():
        first.index(index=INDEX, id=doc_id, body={"title": title})
    first.indices.refresh(index=INDEX)
    yield INDEX
    first.indices.delete(index=INDEX)


def test_nodes_form_one_cluster_on_loopback(opensearch_cluster: OpenSearchCluster, clients: list[OpenSearch]) -> None:
    assert len(opensearch_cluster.nodes) == 2
    assert all(urlsplit(url).hostname == "127.0.0.1" for url in opensearch_cluster.nodes)
    for node in clients:
        health = node.cluster.health()
        assert health["cluster_name"] == "tracuu-dev"
        assert health["number_of_nodes"] == 2
        assert health["status"] in ("green", "yellow")
    info = clients[0].nodes.info(metric="http,transport")
    for node in info["nodes"].values():
        for address in (node["http"]["bound_address"] + node["transport"]["bound_address"]):
            assert address.startswith("127.0.0.1:"), address


def test_every_node_finds_indexed_documents(clients: list[OpenSearch], articles: str) -> None:
    for node in clients:
        assert matching_ids(node, "hội nghị tổng kết")[0] == "2"
        assert set(matching_ids(node, "ủy ban")) == {"1", "3"}
        assert node.count(index=articles)["count"] == len(DOCS)


# a stalled recovery is reported in the summary (see the end of the test), not made an error as other warnings are
@pytest.mark.filterwarnings("default:the returning copy did not recover:UserWarning")
def test_replica_answers_when_the_primary_node_stops(
    opensearch_cluster: OpenSearchCluster, clients: list[OpenSearch], articles: str
) -> None:
    shards = clients[0].cat.shards(index=articles, format="json")
    assert sorted(shard["prirep"] for shard in shards) == ["p", "r"]
    assert len({shard["node"] for shard in shards}) == 2, shards
    primary = next(shard["node"] for shard in shards if shard["prirep"] == "p")
    stopped = int(primary.removeprefix("node-"))
    survivor = clients[2 - stopped]

    opensearch_cluster.stop_node(stopped)
    try:
        with pytest.raises(NodeUnreachable):
            clients[stopped - 1].info()
        # With two nodes only one of them votes: when that one stops, the other has no cluster manager and
        # refuses writes, but still serves searches from its copy.
        assert matching_ids(survivor, "hội nghị tổng kết")[0] == "2"
        assert set(matching_ids(survivor, "ủy ban")) == {"1", "3"}
    finally:
        opensearch_cluster.start_node(stopped)
    # The node is back in the cluster, and either node answers again.
    health = survivor.cluster.health(index=articles, wait_for_nodes="2", timeout="60s", request_timeout=90)
    assert health["number_of_nodes"] == 2
    for node in clients:
        assert set(matching_ids(node, "ủy ban")) == {"1", "3"}
    # Its copy usually recovers within a second. In two CI runs of the whole suite (more indexes on these nodes)
    # the peer recovery stayed in its "init" stage for minutes, which runs of this file alone never showed:
    # a matter of restarting a node inside the runner's one JVM, not of what this test is about, so it is
    # reported rather than failed.
    health = survivor.cluster.health(index=articles, wait_for_status="green", timeout="60s", request_timeout=90,
                                     ignore=408)
    if health["status"] != "green":
        warnings.warn(f"the returning copy did not recover in 60 s: "
                      f"{survivor.cat.recovery(index=articles, active_only='true')}", stacklevel=1)


def test_second_cluster_on_a_busy_port_says_so(opensearch_cluster: OpenSearchCluster, tmp_path: Path) -> None:
    port = urlsplit(opensearch_cluster.url).port
    env = {**os.environ, "OPENSEARCH_HTTP_PORT": str(port), "OPENSEARCH_DATA": str(tmp_path / "second")}
    result = subprocess.run(["bash", str(RUN)], env=env, capture_output=True, text=True, timeout=120,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"OpenSearch: port {port} on 127.0.0.1 is in use (another OpenSearch running?); "
        "set OPENSEARCH_HTTP_PORT to another port"
    )
