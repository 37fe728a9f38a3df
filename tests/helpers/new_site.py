"""What the tests of a brand-new site share: the paper its author adds first, and the note."""

from __future__ import annotations

from tests.helpers.fake_arxiv import Paper

# BERT, as arXiv's API describes it; the fake serves it at version 2.
BERT_ID = "1810.04805"
BERT = Paper(
    title="BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
    authors=("Jacob Devlin", "Ming-Wei Chang", "Kenton Lee", "Kristina Toutanova"),
    published="2018-10-11T00:50:01Z",
    updated="2019-05-24T20:37:26Z",
    category="cs.CL",
)
NOTE = """
## BERT
```{paper} 1810.04805
:added: 2026-01-15
```
- pre-trains a bidirectional encoder by predicting masked words, then fine-tunes it
"""
