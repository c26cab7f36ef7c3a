"""The `sitrep` command as users and other tools run it: a real process, stdout and exit codes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_85b68d31132ece0e.txt"
CLEAN_ENV = {
    k: v for k, v in os.environ.items()
    if not k.startswith(("SITREP_", "TELEGRAM_", "SLACK_", "REDIS_"))
}


def sitrep(*args: str, stdin: str | None = None, env: dict[str, str] | None = None,
           timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**CLEAN_ENV, **(env or {})},
        cwd=Path(__file__).resolve().parents[1],
    )


def test_a_bad_setting_stops_start_up_with_one_line_naming_it() -> None:
    result = sitrep("latest", env={"SLACK_PORT": "not-a-port"})
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "SLACK_PORT" in lines[0]


def test_every_command_has_help() -> None:
    for command in ("run", "poll", "extract", "latest", "summary", "demo", "eval"):
        result = sitrep(command, "--help")
        assert result.returncode == 0, command
        assert "usage: sitrep " + command in result.stdout


def test_a_bad_filter_gets_a_clear_message() -> None:
    result = sitrep("latest", "country:Atlantis")
    assert result.returncode == 2
    assert "unknown country 'Atlantis'" in result.stderr


def test_extract_json_on_the_seed_article() -> None:
    result = sitrep("extract", "--json", "--published", "2023-10-27", str(SEED))
    assert result.returncode == 0, result.stderr
    incidents = [json.loads(line) for line in result.stdout.splitlines()]
    strike = incidents[0]
    assert (strike["event_type"], strike["sub_event_type"]) == (
        "Explosions/Remote violence", "Air/drone strike")
    assert strike["location"]["country_code"] == "SYR"
    assert strike["date"] == "2023-10-26"
    assert any(i["injured"] == 21 for i in incidents)
    assert any(i["location"]["country_code"] == "IRQ" and i["killed"] == 0 for i in incidents)
    evidence = " ".join(s for i in incidents for s in i["evidence"])
    assert "heart attack" not in evidence and "Be sure to read" not in evidence


def test_extract_jsonl_answers_every_line_in_order() -> None:
    lines = [
        {"id": "a", "text": "A suicide bomber killed nine people at a market in Mogadishu, "
                            "Somalia, on Friday, police said.", "published": "2024-05-04"},
        "not json",
        {"id": 3, "text": "The central bank left interest rates unchanged."},
    ]
    stdin = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    result = sitrep("extract", "--jsonl", "-", stdin=stdin)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["a", None, 3]
    assert rows[0]["incidents"][0]["sub_event_type"] == "Suicide bomb"
    assert rows[0]["incidents"][0]["killed"] == 9
    assert "error" in rows[1] and rows[2]["incidents"] == []


def test_demo_runs_offline_and_shows_both_subscribers() -> None:
    result = sitrep("demo", timeout=120)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "[Syria subscriber]" in out and "[IRGC subscriber]" in out
    assert "== /latest" in out and "== /summary" in out
    # Two outlets report the Abu Kamal strike: each subscriber gets it once.
    syria = [b for b in out.split("\n\n") if b.startswith("[Syria subscriber]")]
    assert sum("Kamal" in b for b in syria) == 1


def test_run_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    (tmp_path / "feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
    )
    (tmp_path / "sources.yaml").write_text("sources:\n  - {name: L, url: feed.xml, interval: 60}\n")
    with subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run", "--console"],
        env={**CLEAN_ENV, "SITREP_SOURCES": str(tmp_path / "sources.yaml")},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            deadline = time.monotonic() + 60
            assert proc.stderr is not None
            for line in proc.stderr:
                if "sitrep running" in line or time.monotonic() > deadline:
                    break
            else:
                raise AssertionError("sitrep run exited before it was running")
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=15) == 0
        finally:
            proc.kill()
