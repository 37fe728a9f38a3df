# Metadata that tries to be markup, links or layout: every output must show it as text.
extensions = ["myst_parser", "paperrefs"]
bibtex_bibfiles = ["refs.bib"]
html_baseurl = "https://notes.example.org/"
project = "Hostile notes"
author = "Tester"
exclude_patterns = ["_build"]
# The theme paperrefs init sites use: it writes the page title in places of its own.
html_theme = "sphinx_book_theme"
