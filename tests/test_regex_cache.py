"""The cache of compiled rule patterns: what it gives back matches as `re.compile` would, and a
missing, broken, foreign or unwritable cache costs time, never a wrong match or an error."""

from __future__ import annotations

import json
import marshal
import os
import re
import subprocess
import sys
from pathlib import Path

from extraction.regex_cache import ENGINE, RegexCache

# Shapes the rule tables use: named groups, look-behinds, alternations, IGNORECASE, classes.
PATTERNS = [
    (r"(?<![\w$])(?P<num>(?:at least\s+)?\d+)\s+(?:people\s+)?(?:were\s+)?killed\b", 0),
    (r"\b(?:air ?strikes?|drone strikes?)\b(?!\s+(?:on|against)\s+the\s+economy)", 0),
    (r"(?:^|[;:]\s+)(?P<who>[a-z][\w-]*)\s+(?:killed|wounded)(?=\s*(?:[,;.)]|$))", 0),
    (r"\bFaso\b|\bburkina\b", re.IGNORECASE),
    (r"(?P<day>[0-3]?\d)/(?P<mon>[01]?\d)(?:/(?P<year>\d{2,4}))?", 0),
]
TEXTS = [
    "at least 12 people were killed; driver wounded. 4 killed near the market on 3/11/2025.",
    "Drone strikes hit Burkina Faso's north; an air strike on the economy, said FASO officials.",
    "killed: none. 7 were killed; guard killed",
]


def matches(pattern: re.Pattern[str]) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(m.span(), m.groupdict()) for text in TEXTS for m in pattern.finditer(text)]


def test_patterns_read_back_from_the_file_match_as_re_compile_does(tmp_path: Path) -> None:
    path = tmp_path / "rules.marshal"
    first = RegexCache(path)
    for pattern, flags in PATTERNS:
        first.compile(pattern, flags)
    assert (first.hits, first.misses) == (0, len(PATTERNS))
    first.save()

    second = RegexCache(path)
    for pattern, flags in PATTERNS:
        cached, plain = second.compile(pattern, flags), re.compile(pattern, flags)
        assert (cached.pattern, cached.flags, cached.groups, cached.groupindex) == (
            plain.pattern, plain.flags, plain.groups, plain.groupindex)
        assert matches(cached) == matches(plain)
    assert any(matches(re.compile(p, f)) for p, f in PATTERNS)  # the texts exercise them
    assert (second.hits, second.misses) == (len(PATTERNS), 0)


def test_values_derived_from_a_pattern_are_kept_with_it(tmp_path: Path) -> None:
    path = tmp_path / "rules.marshal"
    first = RegexCache(path)
    pattern = first.compile(*PATTERNS[1])
    assert first.derived("gate", pattern, lambda: frozenset({"air", "dro"})) == {"air", "dro"}
    first.save()

    def not_again() -> frozenset[str]:
        raise AssertionError("computed again")

    second = RegexCache(path)
    assert second.derived("gate", second.compile(*PATTERNS[1]), not_again) == {"air", "dro"}


def test_the_file_holds_what_the_last_run_used(tmp_path: Path) -> None:
    path = tmp_path / "rules.marshal"
    first = RegexCache(path)
    for pattern, flags in PATTERNS:
        first.compile(pattern, flags)
    first.save()
    second = RegexCache(path)  # the rules changed: one pattern fewer
    for pattern, flags in PATTERNS[1:]:
        second.compile(pattern, flags)
    second.save()
    assert set(marshal.loads(path.read_bytes())["compiled"]) == {
        (p, f) for p, f in PATTERNS[1:]}


def test_a_broken_or_foreign_file_is_compiled_past_and_replaced(tmp_path: Path) -> None:
    pattern, flags = PATTERNS[0]
    path = tmp_path / "rules.marshal"
    path.write_bytes(b"\x00not marshal at all")
    broken = RegexCache(path)
    assert matches(broken.compile(pattern, flags)) == matches(re.compile(pattern, flags))
    assert broken.misses == 1
    broken.save()
    assert marshal.loads(path.read_bytes())["engine"] == ENGINE

    entry = marshal.loads(path.read_bytes())["compiled"][(pattern, flags)]
    path.write_bytes(marshal.dumps({"engine": "another-engine",
                                    "compiled": {(pattern, flags): entry}, "derived": {}}))
    foreign = RegexCache(path)
    foreign.compile(pattern, flags)
    assert (foreign.hits, foreign.misses) == (0, 1)

    # Code the engine refuses (a file edited by hand, or gone bad) is compiled anew.
    bad = (entry[0], [0xFFFF, 0, 1], *entry[2:])
    path.write_bytes(marshal.dumps({"engine": ENGINE, "compiled": {(pattern, flags): bad},
                                    "derived": {}}))
    tampered = RegexCache(path)
    assert matches(tampered.compile(pattern, flags)) == matches(re.compile(pattern, flags))
    assert (tampered.hits, tampered.misses) == (0, 1)


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache directory should be")
    cache = RegexCache(blocker / "rules.marshal")
    assert cache.compile(*PATTERNS[3]).search("BURKINA") is not None
    cache.save()
    assert blocker.read_text().startswith("a file")
    assert RegexCache(None).compile(*PATTERNS[3]).search("burkina") is not None


def test_the_second_load_of_the_extractor_compiles_nothing_and_reads_the_same(
        tmp_path: Path) -> None:
    script = (
        "import json\n"
        "from datetime import date\n"
        "from extraction import Extractor\n"
        "from extraction.regex_cache import rules_cache\n"
        "found = Extractor.load().extract("
        "'Gunmen killed nine villagers and wounded four in an attack on Kiboko, in Kenya, on "
        "Monday, police said.', published=date(2026, 3, 4))\n"
        "cache = rules_cache()\n"
        "print(json.dumps([cache.hits, cache.misses, [i.to_dict() for i in found]]))\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    runs = [json.loads(subprocess.run([sys.executable, "-c", script], env=env, check=True,
                                      capture_output=True, text=True).stdout)
            for _ in range(2)]
    (cold_hits, cold_misses, cold), (warm_hits, warm_misses, warm) = runs
    assert cold_hits == 0 and cold_misses > 500
    assert warm_misses == 0 and warm_hits == cold_misses
    assert warm == cold and cold and cold[0]["killed"] == 9
    assert list((tmp_path / "sitrep").iterdir())
