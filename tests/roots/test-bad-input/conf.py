# Notes with every mistake a writer makes: a paper the bib lacks, a malformed ID, an
# unknown key, a missing, an impossible, a malformed and a swapped date.
extensions = ["myst_parser", "paperrefs"]
bibtex_bibfiles = ["refs.bib"]
html_baseurl = "https://notes.example.org/"
project = "Bad input"
author = "Tester"
exclude_patterns = ["_build"]
