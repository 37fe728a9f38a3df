"""What test modules share: fakes, runners, builders and readers.

Test modules import from here and never from each other or from conftest.py, which holds
only fixtures. Each module is named for what it holds:

- ``paths``: where the repository, the test roots and the data are; tools; file snapshots
- ``fake_arxiv``: one fake arXiv API (feed builders, a scripted handler, a raw-socket server)
- ``cli``: running ``python -m paperrefs`` as a real process against a fake arXiv
- ``bibs``: bibliography texts and readers of what the entry builder wrote
- ``sphinx``: in-process Sphinx builds of a test project and their warnings
- ``html``: reading built HTML pages
- ``seed_notes``: the seed blog post and the notes pages, parsed
"""
