"""With ``extensions = ["myst_parser", "paperrefs"]`` and nothing else, a site gets the PDF of
the notes site; every value the user sets, in ``conf.py`` or with ``-D``, wins."""

from __future__ import annotations

from pathlib import Path

import pytest
from paperrefs.sphinxext.pdf import LATEX_ELEMENTS

from tests.sphinx_build import MakeApp, build


def add_to_conf(site: Path, text: str) -> Path:
    conf = site / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")
    return site


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
