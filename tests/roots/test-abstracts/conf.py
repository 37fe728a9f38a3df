extensions = ["myst_parser", "paperrefs"]
bibtex_bibfiles = ["refs.bib"]
html_baseurl = "https://notes.example.org/"
project = "Abstract notes"
author = "Tester"
exclude_patterns = ["_build"]
myst_enable_extensions = ["dollarmath"]
