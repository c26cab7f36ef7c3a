"""The rule tables' compiled patterns, kept between runs as Python keeps modules' bytecode.

Compiling the rule tables (a thousand patterns, some of them long alternations) and working out
their word-start gates is most of the time it takes to load the extractor. What the regex engine
compiles a pattern to depends only on the pattern, its flags and the engine's version, so the
first load stores it in the user's cache directory, and later loads hand it back to the engine
(which validates it) instead of parsing every pattern again.

The file is named after the engine's version and holds what the last load used. A missing,
unreadable, stale or unwritable cache costs time only: any pattern it cannot give is compiled
the usual way. It reaches into the `re` module's compiler (`re._parser`, `re._compiler`,
`_sre`), whose interface may change between Python versions; if it does, the cache turns itself
off and `re.compile` does all the work.
"""

from __future__ import annotations

import _sre
import logging
import marshal
import os
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from re import _compiler, _parser  # type: ignore[attr-defined]
from typing import Any, TypeVar

import platformdirs

log = logging.getLogger(__name__)

ENGINE = f"{sys.implementation.cache_tag}-{_sre.MAGIC}-{_sre.CODESIZE}"
_T = TypeVar("_T")
# (pattern, flags) -> the engine's arguments: (flags, code, groups, groupindex, indexgroup)
_Key = tuple[str, int]


def default_path() -> Path:
    return Path(platformdirs.user_cache_dir("sitrep")) / f"rules-{ENGINE}.marshal"


class RegexCache:
    """Compiles patterns, from the file at `path` when it has them; `save` writes back what
    was used."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.enabled = True
        self.hits = 0
        self.misses = 0
        stored = self._read()
        self._stored: dict[_Key, tuple[Any, ...]] = stored.get("compiled", {})
        self._stored_derived: dict[tuple[str, str, int], Any] = stored.get("derived", {})
        self._used: dict[_Key, tuple[Any, ...]] = {}
        self._used_derived: dict[tuple[str, str, int], Any] = {}

    def _read(self) -> dict[str, Any]:
        if self.path is None:
            return {}
        try:
            data = marshal.loads(self.path.read_bytes())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, EOFError, TypeError) as exc:
            log.info("regex cache %s unreadable (%s): compiling patterns", self.path, exc)
            return {}
        if not isinstance(data, dict) or data.get("engine") != ENGINE:
            return {}
        return data

    def compile(self, pattern: str, flags: int = 0) -> re.Pattern[str]:
        """`re.compile(pattern, flags)`."""
        flags = int(flags)
        if not self.enabled:
            return re.compile(pattern, flags)
        key = (pattern, flags)
        entry = self._stored.get(key)
        if entry is not None:
            try:
                compiled = _sre.compile(pattern, *entry)
            except (RuntimeError, TypeError, ValueError):  # not code this engine accepts
                pass
            else:
                self.hits += 1
                self._used[key] = entry
                return compiled
        self.misses += 1
        try:
            entry = _compiled_form(pattern, flags)
            compiled = _sre.compile(pattern, *entry)
        except re.error:
            raise  # a bad pattern is the rule table's error, reported as re.compile would
        except Exception as exc:  # the compiler's internals differ: stop using them
            log.info("regex cache off (%s: %s)", type(exc).__name__, exc)
            self.enabled = False
            return re.compile(pattern, flags)
        self._used[key] = entry
        return compiled

    def derived(self, kind: str, pattern: re.Pattern[str], make: Callable[[], _T]) -> _T:
        """`make()`, a value computed from `pattern` alone (such as its gate), kept as well."""
        key = (kind, pattern.pattern, pattern.flags)
        if key in self._stored_derived:
            value: _T = self._stored_derived[key]
        else:
            value = make()
        self._used_derived[key] = value
        return value

    def save(self) -> None:
        """Write the cache if this run used anything it did not hold, or no longer uses all it
        held."""
        if self.path is None or not self.enabled or (
                self._used == self._stored and self._used_derived == self._stored_derived):
            return
        data = {"engine": ENGINE, "compiled": self._used, "derived": self._used_derived}
        temporary: str | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.path.parent, prefix=".rules-",
                                             delete=False) as f:
                temporary = f.name
                f.write(marshal.dumps(data))
            os.replace(temporary, self.path)  # readers see the old file or the new one
        except (OSError, ValueError) as exc:
            log.info("regex cache %s not written (%s)", self.path, exc)
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)
            return
        self._stored, self._stored_derived = dict(self._used), dict(self._used_derived)


def _compiled_form(pattern: str, flags: int) -> tuple[Any, ...]:
    """What `re._compiler.compile` hands the engine for `pattern`, in plain values."""
    parsed = _parser.parse(pattern, flags)
    code = [int(op) for op in _compiler._code(parsed, flags)]
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return (int(flags | parsed.state.flags), code, parsed.state.groups - 1, groupindex,
            tuple(indexgroup))


_default: RegexCache | None = None


def rules_cache() -> RegexCache:
    """The process's cache of rule patterns, in the user's cache directory."""
    global _default
    if _default is None:
        _default = RegexCache(default_path())
    return _default
