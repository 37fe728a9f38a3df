extensions = ["myst_parser", "paperrefs"]
bibtex_bibfiles = ["refs.bib"]
html_baseurl = "https://notes.example.org/"
project = "Test notes"
author = "Tester"
exclude_patterns = ["_build"]
copyright = "2024, Tester"
version = "1.0"
