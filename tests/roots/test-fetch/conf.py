# A note cites a paper (2502.11873) that refs.bib lacks: an opted-in build fetches it.
extensions = ["myst_parser", "paperrefs"]
bibtex_bibfiles = ["refs.bib"]
html_baseurl = "https://notes.example.org/"
project = "Fetching notes"
author = "Tester"
exclude_patterns = ["_build"]
