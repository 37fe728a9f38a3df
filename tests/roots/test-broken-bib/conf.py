# refs.bib is intact; each other .bib is it broken in one way a hand edit or a bad copy
# breaks a file. A test builds with one of them:
#     @pytest.mark.sphinx(..., confoverrides={"bibtex_bibfiles": ["cut-mid-entry.bib"]})
extensions = ["myst_parser", "paperrefs"]
bibtex_bibfiles = ["refs.bib"]
html_baseurl = "https://notes.example.org/"
project = "Broken bib"
author = "Tester"
exclude_patterns = ["_build"]
