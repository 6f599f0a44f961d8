"""A real OpenSearch cluster for the tests: scripts/opensearch/run on free ports with a temporary data directory.

Started once per session, on first use, and stopped at its end. The nodes all run in one JVM; `stop_node` and
`start_node` take one node away and bring it back through the runner's standard input, for failover tests.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUN = ROOT / "scripts" / "opensearch" / "run"
NODES = 2
# The first Maven build on a fresh machine downloads about 60 MB; starting two nodes takes a few seconds.
BUILD_TIMEOUT = 600.0
READY_TIMEOUT = 180.0
COMMAND_TIMEOUT = 90.0
STOP_TIMEOUT = 60.0


@dataclass
class OpenSearchCluster:
    process: subprocess.Popen[str]
    output: Path
    nodes: list[str] = field(default_factory=list)
    _read: int = 0

    @property
    def url(self) -> str:
        return self.nodes[0]

    def stop_node(self, number: int) -> None:
        """Close node `number` (from 1) as if it went away; the others keep running."""
        self._command(f"stop {number}", f"ok: node {number} stopped")

    def start_node(self, number: int) -> None:
        """Start node `number` again, on the same ports and data, and wait until it has rejoined the cluster."""
        self._command(f"start {number}", f"ok: node {number} started")

    def tail(self, lines: int = 30) -> str:
        text = self.output.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def _command(self, command: str, expected: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        reply = self._wait_for_line(("ok:", "error:"), COMMAND_TIMEOUT)
        if not reply.startswith(expected):
            raise RuntimeError(f"OpenSearch runner answered {reply!r} to {command!r}")

    def _wait_for_line(self, prefixes: tuple[str, ...], timeout: float) -> str:
        """The next line of output starting with one of `prefixes`; fails on timeout or when the runner exits."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.output.read_text(encoding="utf-8", errors="replace")
            # Only whole lines: the runner may be halfway through writing the last one.
            complete = text[: text.rfind("\n") + 1]
            for line in complete[self._read :].splitlines():
                self._read += len(line) + 1
                if line.startswith(prefixes):
                    return line
            if self.process.poll() is not None:
                raise RuntimeError(f"OpenSearch runner exited ({self.process.returncode}):\n{self.tail()}")
            time.sleep(0.1)
        raise TimeoutError(f"no line starting with {prefixes} from the OpenSearch runner in {timeout:.0f} s:\n"
                           f"{self.tail()}")

    def close(self) -> int:
        """Stop every node as Ctrl-C would; the runner's exit status (0 when it stopped cleanly)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT)
        if self.process.stdin is not None:
            self.process.stdin.close()
        return self.process.returncode


def start_cluster(data: Path, nodes: int = NODES) -> OpenSearchCluster:
    """Build the runner if needed, start `nodes` nodes on free ports and wait until they form a cluster."""
    env = {**os.environ, "OPENSEARCH_HTTP_PORT": "0", "OPENSEARCH_NODES": str(nodes), "OPENSEARCH_DATA": str(data)}
    build = subprocess.run(["bash", str(RUN), "--build"], env=env, capture_output=True, text=True,
                           timeout=BUILD_TIMEOUT)
    if build.returncode != 0:
        raise RuntimeError(f"building the OpenSearch runner failed:\n{build.stdout[-3000:]}{build.stderr[-3000:]}")
    output = data / "runner.out"
    with output.open("w", encoding="utf-8") as sink:
        process = subprocess.Popen(["bash", str(RUN)], env=env, stdin=subprocess.PIPE, stdout=sink,
                                   stderr=subprocess.STDOUT, text=True, start_new_session=True)
    cluster = OpenSearchCluster(process, output)
    try:
        cluster._wait_for_line(("OpenSearch ready:",), READY_TIMEOUT)
        for _ in range(nodes):
            line = cluster._wait_for_line(("node ",), 10.0)
            cluster.nodes.append(line.split(": ", 1)[1])
    except BaseException:
        cluster.close()
        raise
    return cluster


@pytest.fixture(scope="session")
def opensearch_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenSearchCluster]:
    """A running 2-node OpenSearch cluster on 127.0.0.1 (cluster tracuu-dev), shared by the session."""
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"OpenSearch tests need a JDK and Maven: {' and '.join(missing)} not on PATH")
    try:
        cluster = start_cluster(tmp_path_factory.mktemp("opensearch"))
    except (RuntimeError, TimeoutError) as error:
        pytest.fail(f"could not start the OpenSearch cluster: {error}", pytrace=False)
    try:
        yield cluster
    finally:
        status = cluster.close()
    assert status == 0, f"the OpenSearch runner exited with {status} on SIGTERM:\n{cluster.tail()}"
