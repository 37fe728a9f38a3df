# Nothing but the extension: the PDF must compile with its defaults alone.
extensions = ["myst_parser", "paperrefs"]
bibtex_bibfiles = ["refs.bib"]
project = "Scripts"
author = "Tester"
copyright = "2024, Tester"
version = "1.0"
exclude_patterns = ["_build"]
