"""A Sphinx ``conf.py`` read without running it: the values it assigns as literals.

Sphinx executes ``conf.py``. The command line does not: a conf.py imports what the build
needs (themes and extensions, which import Sphinx), may need packages that only the docs
environment has, and may do anything else a program does; ``paperrefs add`` should start
fast, without Sphinx, and without side effects.
What the command line needs from conf.py are a few plain settings, which conf.py files
write as literals. So this module parses the file and follows its top-level statements
in order, evaluating only what has a literal value: strings, numbers, lists, tuples and
dicts of them, names assigned such values earlier, ``+`` of those, ``+=``, and
``.append``/``.extend``/``.insert``/``.remove`` on a known list. A value computed any
other way (a call, an ``if``, an import) is *unreadable*: asking for it raises
:class:`ConfError`, which names the line and says how to write it instead.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from paperrefs.location import Location

T = TypeVar("T")
_LIST_METHODS = frozenset({"append", "extend", "insert", "remove"})


class ConfError(Exception):
    """conf.py cannot be read, or a value the command needs is not readable from it."""

    def __init__(self, where: Location, message: str) -> None:
        super().__init__(where, message)
        self.where = where
        self.message = message

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class _Unreadable(Exception):
    """An expression without a literal value."""


@dataclass(frozen=True)
class Assigned:
    """What conf.py last assigned to a name, and where."""

    line: int
    value: object = None
    why: str = ""  # set when the value is unreadable: what the statement does instead

    @property
    def readable(self) -> bool:
        return not self.why


@dataclass(frozen=True)
class ConfFile:
    """The names conf.py assigns at its top level."""

    path: Path
    names: dict[str, Assigned]

    @property
    def folder(self) -> Path:
        return self.path.parent

    def value(
        self, name: str, default: T, check: Callable[[object], bool], expected: str
    ) -> object:
        """The literal value of ``name`` (``default`` when conf.py does not set it).

        Raises ConfError when it is set in a way that has no literal value, or when
        ``check`` rejects the value (``expected`` says what it should be).
        """
        assigned = self.names.get(name, self.names.get("*"))
        if assigned is None:
            return default
        where = Location(self.path, assigned.line)
        if not assigned.readable:
            raise ConfError(
                where,
                f"{name} is {assigned.why}; paperrefs reads conf.py without running it, so "
                f"it needs {name} as a literal value ({expected})",
            )
        if not check(assigned.value):
            raise ConfError(where, f"{name} should be {expected}, not {assigned.value!r}")
        return assigned.value

    def string(self, name: str, default: str) -> str:
        value = self.value(name, default, lambda v: isinstance(v, str), "a string")
        assert isinstance(value, str)
        return value

    def strings(self, name: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = self.value(
            name,
            default,
            lambda v: isinstance(v, list | tuple) and all(isinstance(s, str) for s in v),
            "a list of strings",
        )
        assert isinstance(value, list | tuple)
        return tuple(value)


def read_conf(path: Path) -> ConfFile:
    """Parse ``path`` and follow its top-level assignments; nothing in it is run."""
    try:
        source = path.read_bytes()
    except OSError as error:
        raise ConfError(Location(path), f"cannot read: {error.strerror or error}") from error
    try:
        tree = ast.parse(source, filename=str(path))
    except SyntaxError as error:
        where = Location(path, error.lineno or 0)
        raise ConfError(where, f"conf.py is not valid Python: {error.msg}") from None
    except ValueError as error:  # null bytes
        raise ConfError(Location(path), f"conf.py is not valid Python: {error}") from None
    names: dict[str, Assigned] = {}
    for statement in tree.body:
        _follow(statement, names)
    return ConfFile(path, names)


def _follow(statement: ast.stmt, names: dict[str, Assigned]) -> None:
    line = statement.lineno
    if isinstance(statement, ast.Assign):
        for target in statement.targets:
            _assign(target, statement.value, names, line)
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        _assign(statement.target, statement.value, names, line)
    elif isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
        name = statement.target.id
        combined = ast.BinOp(ast.Name(name, ast.Load()), statement.op, statement.value)
        _assign(statement.target, combined, names, line)
    elif isinstance(statement, ast.Expr) and _list_method(statement.value):
        _call_list_method(statement.value, names, line)
    elif isinstance(statement, ast.Delete):
        for target in statement.targets:
            if isinstance(target, ast.Name):
                names.pop(target.id, None)
    elif isinstance(statement, ast.ImportFrom) and any(a.name == "*" for a in statement.names):
        # Every name may now come from the module; only later assignments are known.
        why = f"perhaps set by `from {statement.module or '.'} import *` (line {line})"
        names.clear()
        names["*"] = Assigned(line, why=why)
    else:
        for name in _bound_names(statement):
            names[name] = Assigned(line, why=_describe(statement))


def _assign(target: ast.expr, value: ast.expr, names: dict[str, Assigned], line: int) -> None:
    if isinstance(target, ast.Name):
        try:
            names[target.id] = Assigned(line, _literal(value, names))
        except (_Unreadable, TypeError):  # TypeError: an unhashable set member or dict key
            names[target.id] = Assigned(line, why=f"computed by `{_short(value)}`")
        return
    for name in _target_names(target):  # a, b = ...: unpacking is not followed
        names[name] = Assigned(line, why=f"unpacked from `{_short(value)}`")


def _list_method(node: ast.expr) -> tuple[str, str] | None:
    """``(name, method)`` for a call like ``name.append(...)``, else None."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.attr in _LIST_METHODS
    ):
        return node.func.value.id, node.func.attr
    return None


def _call_list_method(call: ast.expr, names: dict[str, Assigned], line: int) -> None:
    target = _list_method(call)
    if target is None or not isinstance(call, ast.Call):
        return
    name, method = target
    known = names.get(name)
    if known is None or not known.readable:
        return  # not a value we know; nothing changes what we know
    try:
        args = [_literal(arg, names) for arg in call.args]
        value = copy.deepcopy(known.value)
        if not isinstance(value, list) or call.keywords:
            raise _Unreadable
        getattr(value, method)(*args)
    except (_Unreadable, TypeError, ValueError):
        names[name] = Assigned(line, why=f"changed by `{_short(call)}`")
        return
    names[name] = Assigned(line, value)


def _literal(node: ast.expr, names: dict[str, Assigned]) -> object:
    """The value of a literal expression; raises _Unreadable for anything else."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        known = names.get(node.id)
        if known is None or not known.readable:
            raise _Unreadable
        return copy.deepcopy(known.value)
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        items: list[object] = []
        for element in node.elts:
            if isinstance(element, ast.Starred):
                spread = _literal(element.value, names)
                if not isinstance(spread, list | tuple):
                    raise _Unreadable
                items.extend(spread)
            else:
                items.append(_literal(element, names))
        if isinstance(node, ast.Tuple):
            return tuple(items)
        return items if isinstance(node, ast.List) else set(items)
    if isinstance(node, ast.Dict):
        if any(key is None for key in node.keys):
            raise _Unreadable  # {**other}
        return {
            _literal(key, names): _literal(value, names)  # type: ignore[arg-type]
            for key, value in zip(node.keys, node.values, strict=True)
        }
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal(node.left, names), _literal(node.right, names)
        if type(left) is type(right) and isinstance(left, str | list | tuple):
            return left + right  # type: ignore[operator]
    raise _Unreadable


def _target_names(target: ast.expr) -> list[str]:
    return [node.id for node in ast.walk(target) if isinstance(node, ast.Name)]


def _bound_names(statement: ast.stmt) -> list[str]:
    """Names an if/try/for/with/import/def statement may bind at the top level."""
    if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [statement.name]
    if isinstance(statement, ast.Import | ast.ImportFrom):
        return [(alias.asname or alias.name).split(".")[0] for alias in statement.names]
    bound = []
    for node in ast.walk(statement):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            bound.append(node.id)
        elif isinstance(node, ast.alias):
            bound.append((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.append(node.name)
        elif isinstance(node, ast.Expr) and (target := _list_method(node.value)):
            bound.append(target[0])
    return bound


def _describe(statement: ast.stmt) -> str:
    if isinstance(statement, ast.Import | ast.ImportFrom):
        return f"imported (line {statement.lineno})"
    if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return f"defined by a def or class (line {statement.lineno})"
    kind = {
        ast.If: "an if block",
        ast.Try: "a try block",
        ast.For: "a for loop",
        ast.While: "a while loop",
        ast.With: "a with block",
        ast.Match: "a match block",
    }.get(type(statement), "a statement")
    return f"set in {kind} (line {statement.lineno})"


def _short(node: ast.AST) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 60 else text[:57] + "..."
