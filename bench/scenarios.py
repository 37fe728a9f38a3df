"""The benchmark's build sequence: a clean build, then one edit per build, on each variant.

Every run starts from the same freshly rendered corpus, applies the same edits in the
same order to the model, re-renders the variant (writing only files whose bytes changed)
and measures the build that follows. Variants are interleaved step by step (each step
runs on every variant before the next step starts), so load drift on a shared machine
hits them alike.
"""

from __future__ import annotations

import copy
import difflib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from paperrefs.entry import TakenKeys, format_work, work_key
from paperrefs.ids import ArxivId
from paperrefs.metadata import PaperMetadata

from bench.arxiv_server import FakeArxiv
from bench.corpus import Cite, Corpus, Note, Topic, add_citation, edit_remarks, new_paper
from bench.doi_server import DOI, FakeDoi, served_work
from bench.measure import Build, FileState, excess_writes, run_build, run_served_edit
from bench.sites import render, sync

Edit = Callable[[Corpus], None]
SERVE_MARKER = "and a line saved while serving"


@dataclass(frozen=True)
class Step:
    name: str
    title: str
    edit: Edit | None = None
    variants: tuple[str, ...] = ("paperrefs", "b1", "f", "b0")
    clean: bool = False
    jobs: str = "1"
    fetch: bool = False
    bib_kept: bool = True  # the build must leave the bib's bytes and mtime alone
    first_run_only: bool = False
    one_edit: bool = False  # a one-page edit: compared with F against the incremental target
    bib_edit: bool = False  # an entry changed: compared with F's one-page edit
    # A paperrefs command that makes the change before the build (the model then follows).
    command: Callable[[VariantRun], None] | None = None
    serve: bool = False  # measured through sphinx-autobuild, from the save to the served page


@dataclass
class Record:
    size: str
    variant: str
    step: str
    run: int
    build: Build
    requests: int
    excess: int
    bib_kept: bool | None  # None: no bib in this variant


def busiest_note(corpus: Corpus) -> Note:
    """The middle note of the middle topic: an ordinary note, neither first nor last."""
    topic = corpus.topics[len(corpus.topics) // 2]
    return topic.notes[len(topic.notes) // 2]


def edit_text(corpus: Corpus) -> None:
    edit_remarks(busiest_note(corpus), "and a sentence added later")


def cite_existing(corpus: Corpus) -> None:
    note = busiest_note(corpus)
    cited = {
        item.key
        for paragraph in [*note.bullets, note.remarks]
        for item in paragraph
        if isinstance(item, Cite)
    }
    key = next(key for key in reversed(corpus.papers) if key not in cited and key != note.paper)
    add_citation(note, key)


def note_on_new_paper(corpus: Corpus, count: int, seed: int) -> None:
    """A new note, dated after every other, about a paper the bib does not hold yet."""
    papers = new_paper(corpus, seed, count)
    last = max(note.added for _, note in corpus.notes())
    existing = [key for key in corpus.papers if key not in corpus.unfetched][:2]
    number = len(corpus.notes()) + 1
    bullets: list[list[str | Cite]] = [
        ["first", "impressions", "of", "a", "new", "paper"],
        ["builds", "on", *(Cite(key, "arxiv") for key in existing)],
    ]
    bullets += [["also", "related:", Cite(paper.key, "link")] for paper in papers[1:]]
    note = Note(f"n{number:05d}", f"Note {number}: Fresh", papers[0].key, last, (), bullets)
    topic = corpus.topics[-1]
    corpus.topics[-1] = Topic(topic.name, topic.title, [*topic.notes, note])


def retitle_cited_paper(corpus: Corpus) -> None:
    """A hand edit of one bib entry: the title of a paper that several notes cite."""
    note = busiest_note(corpus)
    key = next(item.key for item in note.bullets[1] if isinstance(item, Cite))
    paper = corpus.papers[key]
    corpus.papers[key] = replace(
        paper, meta=replace(paper.meta, title=paper.meta.title + " Revisited")
    )


def updated_paper(corpus: Corpus) -> str:
    """The paper arXiv has a new version of: one the busiest note cites, not the edited one."""
    note = busiest_note(corpus)
    cited = [item.key for item in note.bullets[1] if isinstance(item, Cite)]
    return cited[1] if len(cited) > 1 else note.paper


def new_version(corpus: Corpus) -> None:
    """What ``paperrefs update --apply`` writes when arXiv has version 2 of a paper: the
    version. (The corpus' entries record none, so any other field that differs counts as
    set by hand, and update leaves it.)"""
    key = updated_paper(corpus)
    paper = corpus.papers[key]
    meta = replace(paper.meta, arxiv_id=ArxivId(paper.meta.arxiv_id.base, 2))
    corpus.papers[key] = replace(paper, meta=meta)


def run_update(site: VariantRun) -> None:
    site.run_paperrefs("update", updated_paper(site.corpus), "--apply")


def add_doi_work(corpus: Corpus) -> None:
    """What ``paperrefs add DOI`` writes: the served work, under the key it would get."""
    work = served_work()
    key = work_key(work, TakenKeys([*corpus.papers, *corpus.works]))
    corpus.works[key] = format_work(key, work)


def run_add_doi(site: VariantRun) -> None:
    site.run_paperrefs("add", DOI)


def save_while_serving(corpus: Corpus) -> None:
    edit_remarks(busiest_note(corpus), SERVE_MARKER)


STEPS = (
    Step("clean", "clean build", clean=True),
    Step("noop", "no-op rebuild", one_edit=True),
    Step("edit-text", "edit one note's text", edit_text, one_edit=True),
    Step("add-citation", "add a citation of an existing paper", cite_existing, one_edit=True),
    Step(
        "new-id",
        "add a note on a new arXiv ID (fetched)",
        lambda corpus: note_on_new_paper(corpus, 1, 1),
        fetch=True,
        bib_kept=False,
    ),
    Step(
        "edit-bib",
        "hand-edit one bib entry",
        retitle_cited_paper,
        variants=("paperrefs", "b1", "f"),
        bib_edit=True,
    ),
    Step("touch-bib", "touch the bib, no change", variants=("paperrefs", "b1"), one_edit=True),
    Step(
        "update-apply",
        "`paperrefs update --apply` of one entry",
        new_version,
        variants=("paperrefs",),
        bib_kept=False,
        bib_edit=True,
        command=run_update,
    ),
    Step(
        "new-doi",
        "`paperrefs add` of a new DOI entry",
        add_doi_work,
        variants=("paperrefs",),
        bib_kept=False,
        bib_edit=True,
        command=run_add_doi,
    ),
    Step(
        "serve-edit",
        "`make serve`: save one note, until served",
        save_while_serving,
        variants=("paperrefs", "b1", "f"),
        serve=True,
    ),
    Step("noop-fetch", "no-op, fetching enabled", variants=("paperrefs",), fetch=True),
    Step(
        "fetch-150",
        "add a note citing 150 new IDs (fetched)",
        lambda corpus: note_on_new_paper(corpus, 150, 2),
        variants=("paperrefs",),
        fetch=True,
        bib_kept=False,
        first_run_only=True,
    ),
    Step("clean-jauto", "clean build, -j auto", clean=True, jobs="auto", first_run_only=True),
)


class VariantRun:
    """One variant's copy of the corpus on disk, kept in step with the model."""

    def __init__(
        self,
        variant: str,
        corpus: Corpus,
        root: Path,
        server: FakeArxiv,
        doi_server: FakeDoi | None = None,
    ) -> None:
        self.variant = variant
        self.corpus = corpus
        self.root = root
        self.server = server
        self.doi_server = doi_server
        self.rendered: dict[str, str] | None = None

    @property
    def bib(self) -> Path | None:
        path = self.root / "bib" / "papers.bib"
        return path if self.variant in {"paperrefs", "b1"} else None

    def reset(self, base: Corpus) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        self.corpus = copy.deepcopy(base)
        self.rendered = None
        self.refresh()

    def refresh(self) -> None:
        files = render(self.variant, self.corpus)
        sync(self.root, files, self.rendered)
        self.rendered = files

    def environment(self, fetch: bool) -> dict[str, str]:
        env = {
            "PAPERREFS_ARXIV_API": self.server.url,
            "PAPERREFS_THROTTLE_FILE": str(self.root.parent / f"throttle-{self.variant}"),
        }
        if self.doi_server is not None:
            env["PAPERREFS_DOI_URL"] = self.doi_server.url
        if fetch:
            env["PAPERREFS_FETCH"] = "1"
        return env

    def run_paperrefs(self, *args: str) -> None:
        """The command line, in the site as an author runs it (it finds docs/conf.py)."""
        done = subprocess.run(
            [sys.executable, "-m", "paperrefs", *args],
            cwd=self.root,
            env={**os.environ, **self.environment(fetch=False)},
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"paperrefs {' '.join(args)} failed:\n{done.stdout}{done.stderr}")

    def follow_command(self, step: Step) -> None:
        """After a command changed the bib, the model takes the same change, and the bib
        must then be exactly what the model renders."""
        assert step.edit is not None
        assert self.bib is not None
        step.edit(self.corpus)
        expected = render(self.variant, self.corpus)["bib/papers.bib"]
        written = self.bib.read_text(encoding="utf-8")
        if written != expected:
            diff = difflib.unified_diff(
                expected.splitlines(), written.splitlines(), "model", "written", lineterm=""
            )
            raise RuntimeError(f"{step.name}: the bib differs from the model\n" + "\n".join(diff))
        self.refresh()

    def page_of_busiest_note(self) -> str:
        topic = self.corpus.topics[len(self.corpus.topics) // 2]
        return f"{topic.name}.html"

    def parents(self) -> dict[str, str]:
        pages = ["changelog", "references", *(topic.name for topic in self.corpus.topics)]
        return {f"{page}.html": "index.html" for page in pages}

    def step(self, step: Step, base: Corpus) -> tuple[Build, int, bool | None]:
        if step.clean:
            self.reset(base)
        if step.serve:
            return self.served_step(step)
        if step.command is not None:
            step.command(self)
            self.follow_command(step)
        elif step.edit is not None:
            step.edit(self.corpus)
            self.refresh()
        if step.name == "touch-bib" and self.bib is not None:
            now = time.time_ns()
            os.utime(self.bib, ns=(now, now))
        before = FileState.of(self.bib) if self.bib and not step.command else None
        asked = len(self.server.requests)
        build = run_build(self.root, step.jobs, self.environment(step.fetch))
        if build.returncode != 0:
            raise RuntimeError(f"{self.variant} {step.name} failed:\n{build.log[-3000:]}")
        requests = len(self.server.requests) - asked
        kept = FileState.of(self.bib) == before if self.bib and before else None
        if step.command is not None:
            kept = False  # the command changed it, on purpose
        if self.corpus.unfetched:
            self.settle_fetch()
        return build, requests, kept

    def served_step(self, step: Step) -> tuple[Build, int, bool | None]:
        assert step.edit is not None
        edit = step.edit
        before = FileState.of(self.bib) if self.bib else None
        asked = len(self.server.requests)

        def save() -> None:
            edit(self.corpus)
            self.refresh()

        build = run_served_edit(
            self.root, self.page_of_busiest_note(), SERVE_MARKER, save, self.environment(False)
        )
        if build.warnings:
            raise RuntimeError(f"{self.variant} {step.name} warned:\n{build.log[-3000:]}")
        kept = FileState.of(self.bib) == before if self.bib and before else None
        return build, len(self.server.requests) - asked, kept

    def settle_fetch(self) -> None:
        """After a fetching build the bib must hold exactly what the model says."""
        if self.variant == "paperrefs":
            assert self.bib is not None
            fetched = self.bib.read_text(encoding="utf-8")
            if fetched != self.corpus.bib_text():
                raise RuntimeError("the fetched bib differs from the model's bib")
        self.corpus.unfetched.clear()
        self.rendered = render(self.variant, self.corpus)
        sync(self.root, self.rendered, None)


def run_size(
    size: str,
    base: Corpus,
    work: Path,
    runs: int,
    variants: tuple[str, ...],
    log: Callable[[str], None],
    steps: tuple[Step, ...] = STEPS,
) -> list[Record]:
    records: list[Record] = []
    with FakeArxiv(served_papers(base, steps)) as server, FakeDoi() as doi_server:
        for run in range(runs):
            sites = {v: VariantRun(v, base, work / size / v, server, doi_server) for v in variants}
            # Step by step, every variant in turn: a spell of load on the host then falls
            # on all variants of a step alike, and the ratios of one step stay fair.
            for step in steps:
                for variant, site in sites.items():
                    if variant not in step.variants or (step.first_run_only and run > 0):
                        continue
                    build, requests, kept = site.step(step, base)
                    excess = len(excess_writes(build, site.parents()))
                    records.append(
                        Record(size, variant, step.name, run, build, requests, excess, kept)
                    )
                    log(
                        f"{size} run {run + 1}/{runs} {variant:9} {step.name:12} "
                        f"{build.wall:7.2f} s  reread {build.reread:5}  "
                        f"rewritten {len(build.rewritten):5} (excess {excess})  http {requests}"
                    )
    return records


def served_papers(base: Corpus, steps: tuple[Step, ...]) -> dict[str, PaperMetadata]:
    """Every paper of the corpus and every paper a step will add, by arXiv ID."""
    probe = copy.deepcopy(base)
    for step in steps:
        if step.edit is not None:
            step.edit(probe)
    return {paper.arxiv: paper.meta for paper in probe.papers.values()}


def save_records(records: list[Record], path: Path, note: str) -> None:
    """Keep a size's records, so a later run can add a size without redoing this one."""
    rows = []
    for record in records:
        row = asdict(record)
        row["build"]["rewritten"] = sorted(record.build.rewritten)
        row["build"]["changed"] = sorted(record.build.changed)
        row["build"]["log"] = ""
        rows.append(row)
    path.write_text(json.dumps({"note": note, "records": rows}), encoding="utf-8")


def load_records(path: Path) -> tuple[list[Record], str]:
    saved = json.loads(path.read_text(encoding="utf-8"))
    records = []
    for row in saved["records"]:
        build = row.pop("build")
        build["rewritten"], build["changed"] = set(build["rewritten"]), set(build["changed"])
        records.append(Record(build=Build(**build), **row))
    return records, str(saved["note"])
