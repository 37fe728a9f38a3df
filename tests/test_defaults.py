"""With ``extensions = ["myst_parser", "paperrefs"]`` and nothing else, a site looks and behaves
like the notes site; every value the user sets, in ``conf.py`` or with ``-D``, wins."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from paperrefs.sphinxext.pdf import LATEX_ELEMENTS

from tests.helpers.sphinx import MakeApp, build, html, warnings_of

pytestmark = pytest.mark.slow  # real Sphinx builds


def add_to_conf(site: Path, text: str) -> Path:
    conf = site / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")
    return site


def cite_label(page: str) -> str:
    """How the note's ``{cite:t}`sutton2018reinforcement``` reads."""
    citation = BeautifulSoup(page, "html.parser").select_one("span.bibtex-citation")
    assert citation is not None
    return " ".join(citation.get_text().split())


def test_cite_labels_are_author_year_like_the_arxiv_role(make_app: MakeApp, site: Path) -> None:
    app = build(make_app, site)
    assert app.config.bibtex_reference_style == "author_year"
    assert app.config.bibtex_default_style == "plain"
    assert cite_label(html(app, "notes/preferences")) == "Sutton and Barto [2018]"


def test_the_users_cite_style_wins(make_app: MakeApp, site: Path) -> None:
    app = build(make_app, add_to_conf(site, 'bibtex_reference_style = "label"'))
    assert app.config.bibtex_reference_style == "label"
    assert app.config.bibtex_default_style == "plain"
    assert cite_label(html(app, "notes/preferences")) == "Sutton and Barto [1]"


def test_math_is_served_from_the_site(make_app: MakeApp, site: Path) -> None:
    app = build(make_app, site)
    assert app.config.mathjax_path == "mathjax/tex-chtml.js"
    mathjax = Path(app.outdir) / "_static" / "mathjax"
    assert (mathjax / "tex-chtml.js").is_file()
    assert (mathjax / "input" / "tex" / "extensions" / "ams.js").is_file()
    assert not (mathjax / "tex-svg-full.js").exists()  # only what the pages load
    assert warnings_of(app) == ""


@pytest.mark.parametrize(
    ("conf", "path"),
    [
        ("paperrefs_offline_math = False", None),
        ('mathjax_path = "https://math.example.org/mj.js"', "https://math.example.org/mj.js"),
    ],
)
def test_the_users_math_wins(make_app: MakeApp, site: Path, conf: str, path: str | None) -> None:
    app = build(make_app, add_to_conf(site, conf))
    assert app.config.mathjax_path != "mathjax/tex-chtml.js"
    if path:
        assert app.config.mathjax_path == path
    assert not (Path(app.outdir) / "_static" / "mathjax").exists()


def test_the_book_theme_shows_one_search_field(make_app: MakeApp, site: Path) -> None:
    app = build(make_app, add_to_conf(site, 'html_theme = "sphinx_book_theme"'))
    assert app.config.html_theme_options["navbar_persistent"] == []
    assert app.config.html_context["default_mode"] == "auto"
    soup = BeautifulSoup(html(app, "notes/policy"), "html.parser")
    # Only the sidebar's: the parent theme would add one to a header bar and its mobile copy.
    assert len(soup.select(".search-button-field")) == 1


def test_the_users_theme_options_win_key_by_key(make_app: MakeApp, site: Path) -> None:
    conf = (
        'html_theme = "sphinx_book_theme"\n'
        'html_theme_options = {"navbar_persistent": ["search-button"], "show_toc_level": 3}\n'
        'html_context = {"default_mode": "dark"}'
    )
    app = build(make_app, add_to_conf(site, conf))
    options = app.config.html_theme_options
    assert options["navbar_persistent"] == ["search-button"]
    assert options["show_toc_level"] == 3
    assert app.config.html_context["default_mode"] == "dark"


def test_other_themes_get_no_theme_options(make_app: MakeApp, site: Path) -> None:
    app = build(make_app, site)
    assert "navbar_persistent" not in app.config.html_theme_options
    assert "default_mode" not in app.config.html_context


def test_the_pdf_is_lualatex_with_fonts_for_every_script(make_app: MakeApp, site: Path) -> None:
    app = build(make_app, site, "latex")
    assert app.config.latex_engine == "lualatex"
    for key, value in LATEX_ELEMENTS.items():
        assert app.config.latex_elements[key] == value
    outdir = Path(app.outdir)
    assert "$pdflatex = 'lualatex" in (outdir / "latexmkrc").read_text(encoding="utf-8")
    assert (outdir / "paperrefs.sty").is_file()
    assert (outdir / "paperrefs.lua").is_file()
    tex = next(outdir.glob("*.tex")).read_text(encoding="utf-8")
    assert r"\usepackage{paperrefs}" in tex
    assert r"\usepackage[bidi=basic]{babel}" in tex


def test_the_users_latex_elements_win_key_by_key(make_app: MakeApp, site: Path) -> None:
    conf = 'latex_elements = {"fontpkg": r"\\setmainfont{DejaVu Serif}", "papersize": "a4paper"}'
    app = build(make_app, add_to_conf(site, conf), "latex")
    elements = app.config.latex_elements
    assert elements["fontpkg"] == r"\setmainfont{DejaVu Serif}"
    assert elements["papersize"] == "a4paper"
    assert elements["fontenc"] == LATEX_ELEMENTS["fontenc"]
    tex = next(Path(app.outdir).glob("*.tex")).read_text(encoding="utf-8")
    assert r"\setmainfont{DejaVu Serif}" in tex
    assert "FreeSerif" not in tex


@pytest.mark.parametrize("engine", ["pdflatex", "xelatex"])
def test_the_users_engine_wins_even_when_it_is_sphinxs_default(
    make_app: MakeApp, site: Path, engine: str
) -> None:
    app = build(make_app, add_to_conf(site, f'latex_engine = "{engine}"'), "latex")
    assert app.config.latex_engine == engine
    assert "fontenc" not in app.config.latex_elements
    assert not (Path(app.outdir) / "paperrefs.sty").exists()


def test_an_engine_given_on_the_command_line_wins(make_app: MakeApp, site: Path) -> None:
    app = build(make_app, site, "latex", confoverrides={"latex_engine": "xelatex"})
    assert app.config.latex_engine == "xelatex"
    assert "fontenc" not in app.config.latex_elements


def test_a_latex_element_given_on_the_command_line_wins(make_app: MakeApp, site: Path) -> None:
    app = build(make_app, site, "latex", confoverrides={"latex_elements.babel": ""})
    assert app.config.latex_elements["babel"] == ""
    assert app.config.latex_elements["fontpkg"] == LATEX_ELEMENTS["fontpkg"]


def test_a_language_with_an_engine_of_its_own_keeps_it(make_app: MakeApp, site: Path) -> None:
    app = build(make_app, site, "latex", confoverrides={"language": "ja"})
    assert app.config.latex_engine == "uplatex"
    assert "fontenc" not in app.config.latex_elements
