extensions = ["myst_parser", "paperrefs"]
bibtex_bibfiles = ["refs.bib"]
html_baseurl = "https://notes.example.org/"
project = "DOI notes"
author = "Tester"
exclude_patterns = ["_build"]
