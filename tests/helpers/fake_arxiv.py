"""One fake arXiv API, on 127.0.0.1, for every test that talks to "arXiv".

- ``entry_xml``, ``feed_xml``, ``error_feed_xml`` and ``atom_response`` build what the API
  sends; ``Paper`` is what it says about one paper (defaults made from the ID).
- ``FakeArxiv`` is a pytest-httpserver handler that answers like arXiv from a table of
  known papers, unless a scripted response is queued, and records every request.
- ``RawServer`` is a loopback TCP server for faults HTTP cannot express: connection
  resets, stalls, bytes dripped slowly, exact bodies; ``reset``, ``stall``, ``drip`` and
  ``answer`` are its actions.

Nothing here touches an outside host.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from paperrefs.ids import ArxivId, parse_arxiv_id
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

PATH = "/api/query"
ATOM_HEAD = (
    "<?xml version='1.0' encoding='UTF-8'?>"
    '<feed xmlns="http://www.w3.org/2005/Atom" '
    'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
    'xmlns:arxiv="http://arxiv.org/schemas/atom">'
    "<id>https://arxiv.org/api/fake</id><title>arXiv Query: fake</title>"
)


def ids(*texts: str) -> list[ArxivId]:
    return [parse_arxiv_id(text) for text in texts]


# -- what the API sends -------------------------------------------------------------------


@dataclass(frozen=True)
class Paper:
    """What arXiv says about one paper. ``None`` title or abstract: one made from the ID
    ("Paper 2401.00001v1"); ``None`` published, doi or journal_ref: the element is left out."""

    title: str | None = None
    authors: tuple[str, ...] = ("Ada Tester",)
    abstract: str | None = None
    published: str | None = "2024-01-15T10:00:00Z"
    updated: str = "2024-02-01T10:00:00Z"
    category: str = "cs.LG"
    doi: str | None = None
    journal_ref: str | None = None


DEFAULT_PAPER = Paper()


def entry_xml(arxiv_id: ArxivId, paper: Paper = DEFAULT_PAPER) -> str:
    """One Atom entry; every text is escaped as XML, as arXiv does."""
    title = f"Paper {arxiv_id}" if paper.title is None else paper.title
    abstract = f"About {arxiv_id}." if paper.abstract is None else paper.abstract
    published = f"<published>{paper.published}</published>" if paper.published else ""
    authors = "".join(f"<author><name>{escape(name)}</name></author>" for name in paper.authors)
    doi = f"<arxiv:doi>{escape(paper.doi)}</arxiv:doi>" if paper.doi else ""
    journal = (
        f"<arxiv:journal_ref>{escape(paper.journal_ref)}</arxiv:journal_ref>"
        if paper.journal_ref
        else ""
    )
    return (
        f"<entry><id>http://arxiv.org/abs/{arxiv_id}</id>"
        f"<title>{escape(title)}</title><updated>{paper.updated}</updated>"
        f"<summary>{escape(abstract)}</summary>{published}"
        f'<arxiv:primary_category term="{paper.category}"/>{authors}{doi}{journal}'
        "</entry>"
    )


def feed_xml(entries: Sequence[ArxivId], papers: Mapping[str, Paper] | None = None) -> bytes:
    """A feed of ``entries`` in that order; ``papers`` (by base ID) says what each is."""
    known = papers or {}
    body = "".join(entry_xml(found, known.get(found.base, DEFAULT_PAPER)) for found in entries)
    total = f"<opensearch:totalResults>{len(entries)}</opensearch:totalResults>"
    return f"{ATOM_HEAD}{total}{body}</feed>".encode()


def error_feed_xml(bad: str) -> bytes:
    """arXiv's answer to an ID it refuses: a feed with one error entry."""
    return (
        f"{ATOM_HEAD}<entry><id>https://arxiv.org/api/errors#incorrect_id_format_for_{bad}</id>"
        f"<title>Error</title><summary>incorrect id format for {bad}</summary>"
        "<author><name>arXiv api core</name></author></entry></feed>"
    ).encode()


def atom_response(
    body: bytes, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    return Response(
        body, status, headers={"Content-Type": "application/atom+xml", **(headers or {})}
    )


@functools.cache
def gzip_bomb() -> bytes:
    """About 30 KB on the wire, 30 MB of feed once decompressed."""
    return gzip.compress(feed_xml([]).replace(b"</feed>", b" " * 30_000_000 + b"</feed>"))


# -- a scripted fake behind pytest-httpserver ----------------------------------------------


@dataclass
class Seen:
    """One request as the server saw it."""

    at: float
    id_list: list[str]
    max_results: str | None
    headers: dict[str, str]


@dataclass
class FakeArxiv:
    """Answers like arXiv from a table of known papers, unless a scripted answer is queued.

    Unknown IDs are silently left out, like the current API; results come back in reverse
    order so nothing can rely on position; ``max_results`` truncates like the real default.
    A bare ID gets the latest version, a versioned one that version if it exists.
    ``any_id`` makes every ID a paper at version 1; ``answer``, when set, is the response
    to every request the script does not cover (a recorded feed, an error status).
    """

    latest: dict[str, int] = field(default_factory=dict)
    papers: dict[str, Paper] = field(default_factory=dict)
    rejects: set[str] = field(default_factory=set)
    reject_status: int = 400
    any_id: bool = False
    answer: Response | None = None
    script: list[Response] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    url: str = ""

    def serve(self, server: HTTPServer) -> FakeArxiv:
        """Answer the API path of ``server``; ``url`` is then the API's address."""
        server.expect_request(PATH, method="GET").respond_with_handler(self.handle)
        self.url = server.url_for(PATH)
        return self

    def add(self, *texts: str, version: int = 1, paper: Paper | None = None) -> None:
        """Make papers known, at ``version`` as their latest, described by ``paper``."""
        for text in texts:
            base = parse_arxiv_id(text).base
            self.latest[base] = version
            if paper is not None:
                self.papers[base] = paper

    @property
    def asked(self) -> list[str]:
        """The ``id_list`` of each request, as sent."""
        return [",".join(seen.id_list) for seen in self.seen]

    def handle(self, request: Request) -> Response:
        id_list = request.args.get("id_list", "").split(",")
        self.seen.append(
            Seen(time.monotonic(), id_list, request.args.get("max_results"), dict(request.headers))
        )
        if self.script:
            return self.script.pop(0)
        if self.answer is not None:
            return self.answer
        return self.default(id_list, int(request.args.get("max_results", "10")))

    def default(self, id_list: list[str], max_results: int) -> Response:
        if bad := [text for text in id_list if text in self.rejects]:
            return atom_response(error_feed_xml(bad[0]), self.reject_status)
        entries = [found for text in id_list if (found := self.lookup(text)) is not None]
        return atom_response(feed_xml(list(reversed(entries[:max_results])), self.papers))

    def lookup(self, text: str) -> ArxivId | None:
        requested = parse_arxiv_id(text)
        latest = 1 if self.any_id else self.latest.get(requested.base)
        if latest is None or (requested.version or 0) > latest:
            return None
        return ArxivId(requested.base, requested.version or latest)


@contextlib.contextmanager
def serving(fake: FakeArxiv) -> Iterator[FakeArxiv]:
    """``fake`` on a private server, for fixtures wider than one test."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        yield fake.serve(server)
        server.check()  # surfaces exceptions raised inside the handler
    finally:
        server.stop()


# -- the network misbehaving: raw sockets --------------------------------------------------


Action = Callable[[socket.socket, threading.Event], None]


class RawServer:
    """A loopback TCP server that treats the n-th connection with the n-th action
    (the last action again for any later connection)."""

    def __init__(self, actions: list[Action]) -> None:
        self.actions = actions
        self.connections = 0
        self.stop = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}{PATH}"
        self.threads = [threading.Thread(target=self._accept, daemon=True)]
        self.threads[0].start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            action = self.actions[min(self.connections, len(self.actions) - 1)]
            self.connections += 1
            worker = threading.Thread(target=self._serve, args=(conn, action), daemon=True)
            self.threads.append(worker)
            worker.start()

    def _serve(self, conn: socket.socket, action: Action) -> None:
        with conn:
            conn.settimeout(5)
            request = b""
            while b"\r\n\r\n" not in request and (chunk := conn.recv(4096)):
                request += chunk
            action(conn, self.stop)

    def close(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=5)
        self.listener.close()


def reset(conn: socket.socket, stop: threading.Event) -> None:
    # Linger 0 makes close() send a TCP RST: "connection reset by peer".
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")


def stall(conn: socket.socket, stop: threading.Event) -> None:
    stop.wait(10)


def drip(conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n<")
    # Each byte arrives well within the read timeout; only a total deadline stops this.
    for _ in range(30):
        if stop.wait(0.1):
            return
        conn.sendall(b" ")


def answer(body: bytes, extra_headers: str = "") -> Action:
    def send(conn: socket.socket, stop: threading.Event) -> None:
        head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n{extra_headers}\r\n"
        conn.sendall(head.encode() + body)

    return send
