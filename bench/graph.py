"""``python -m bench.graph``: the map of the notes at 1,000 papers, in Chromium.

Builds a generated site whose references page holds a ``paper-graph`` of 1,000 papers
(40 topics, a note on every paper, each note citing three more), opens it in Debian's
Chromium through Playwright, and measures what a reader feels: how long the map takes to
settle, and the frame times while zooming in and out and while hovering. Prints the
numbers; the documentation quotes them (docs/howto/paperrefs.md). Nothing here is a test:
timings depend on the machine.
"""

from __future__ import annotations

import argparse
import functools
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

from bench.corpus import SIZES, Corpus, generate
from bench.sites import BIBTEX_CONF, CONF, EXTENSIONS

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work" / "graph"
CHROMIUM = "/usr/bin/chromium"
TOPICS = 40
CITED_PER_NOTE = 3

# Records the time between animation frames, from inside the page.
FRAME_RECORDER = """() => {
  window.frameTimes = [];
  let last = performance.now();
  const tick = (now) => {
    window.frameTimes.push(now - last);
    last = now;
    if (window.recording) requestAnimationFrame(tick);
  };
  window.recording = true;
  requestAnimationFrame(tick);
}"""


def site_files(corpus: Corpus, seed: int = 15) -> dict[str, str]:
    """A site with a note on every paper of the corpus, spread over ``TOPICS`` topics."""
    rng = random.Random(seed)
    papers = list(corpus.papers.values())
    files = {
        "docs/conf.py": CONF.format(
            variant="paperrefs", extensions=EXTENSIONS["paperrefs"], bibtex=BIBTEX_CONF
        ),
        "bib/papers.bib": corpus.bib_text(),
        "docs/references.md": "# References\n\n```{paper-graph}\n```\n",
    }
    topics: list[list[str]] = [[] for _ in range(TOPICS)]
    for number, paper in enumerate(papers):
        topic = number % TOPICS
        # Mostly papers of the same topic, sometimes any paper: clusters with bridges.
        near = [papers[(number + TOPICS * step) % len(papers)] for step in range(1, 6)]
        cited = [*rng.sample(near, CITED_PER_NOTE - 1), rng.choice(papers)]
        words = " ".join(paper.words[:6])
        citations = ", ".join(f"{{arxiv}}`{other.arxiv}`" for other in cited)
        topics[topic].append(
            f"## {words}\n```{{paper}} {paper.arxiv}\n:added: 2024-01-01\n```\n"
            f"- compared with {citations}\n"
        )
    names = []
    for topic, notes in enumerate(topics):
        name = f"topic-{topic:02}"
        names.append(name)
        files[f"docs/{name}.md"] = f"# Topic {topic:02}\n\n" + "\n".join(notes)
    toctree = "\n".join(["```{toctree}", ":maxdepth: 1", "", *names, "references", "```"])
    files["docs/index.md"] = f"# The map at 1,000 papers\n\n{toctree}\n"
    return files


def build(folder: Path) -> float:
    if folder.exists():
        shutil.rmtree(folder)
    for name, text in site_files(generate(SIZES["M"])).items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    command = [sys.executable, "-m", "sphinx", "-q", "-b", "html", "docs", "docs/_build/html"]
    subprocess.run(command, cwd=folder, check=True)
    return time.perf_counter() - started


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def frames(page: Page) -> list[float]:
    page.evaluate("window.recording = false")
    page.wait_for_timeout(100)
    times: list[float] = page.evaluate("window.frameTimes")
    return times[1:]  # the first interval starts before the gesture


def summary(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    slow = sum(1 for value in times if value > 1000 / 30)
    return (
        f"{name}: {len(times)} frames, median {statistics.median(times):.1f} ms, "
        f"95th percentile {p95:.1f} ms, worst {max(times):.1f} ms, "
        f"{slow} slower than 33 ms (30 fps)"
    )


def measure(html: Path) -> list[str]:
    handler = functools.partial(Quiet, directory=str(html))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/references.html"
    lines = []
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=CHROMIUM)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            started = time.perf_counter()
            page.goto(url)
            page.wait_for_selector("div.paperrefs-graph[data-state=drawn]", timeout=60_000)
            settled = time.perf_counter() - started
            counts = page.evaluate(
                """() => {
                  const data = document.querySelector('.paperrefs-graph-canvas')
                    .paperrefsGraph.graphData();
                  const kinds = {};
                  for (const node of data.nodes) kinds[node.kind] = (kinds[node.kind] || 0) + 1;
                  return [kinds, data.links.length];
                }"""
            )
            lines.append(f"graph: {counts[0]} nodes, {counts[1]} links")
            lines.append(f"page load to a settled layout: {settled:.1f} s")
            canvas = page.locator(".paperrefs-graph-canvas")
            canvas.scroll_into_view_if_needed()
            box = canvas.bounding_box()
            assert box is not None
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.evaluate(FRAME_RECORDER)
            for delta in [-120] * 12 + [120] * 12:
                page.mouse.wheel(0, delta)
                page.wait_for_timeout(60)
            page.wait_for_timeout(500)
            lines.append(summary("zooming in and out", frames(page)))
            page.evaluate(FRAME_RECORDER)
            for step in range(60):
                page.mouse.move(
                    box["x"] + 40 + step * (box["width"] - 80) / 60,
                    box["y"] + box["height"] / 2 + 80 * ((step % 10) / 10 - 0.5),
                )
                page.wait_for_timeout(30)
            lines.append(summary("hovering across the map", frames(page)))
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.graph", description=__doc__)
    parser.add_argument("--reuse", action="store_true", help="measure the last build again")
    options = parser.parse_args(argv)
    if not options.reuse:
        print(f"built the 1,000-paper site in {build(WORK):.1f} s", flush=True)
    for line in measure(WORK / "docs" / "_build" / "html"):
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
