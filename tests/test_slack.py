"""sitrep in Slack, end to end: real slack-bolt over HTTP (and Socket Mode), a fake Web API.

Slash commands and events are signed like Slack signs them and POSTed to bolt's real endpoint;
answers are read where Slack would see them: the fake API's calls and its response_url posts.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
import yaml
from slack_sdk.web.async_client import AsyncWebClient

from bot import app
from bot.app import Runtime, open_runtime
from bot.models import Chat, Source, SourceReport, StoredIncident, Subscription, utcnow
from bot.settings import Settings
from bot.store import Outbox, Store
from bot.transports import SendStatus, Transport
from extraction.model import Incident, Location
from handlers import slack_texts as texts
from handlers.slack import SlackFrontend, SlackTransport
from tests.conftest import Feed, FeedServer
from tests.fake_slack import (
    APP_TOKEN,
    BOT_TOKEN,
    BOT_USER_ID,
    SIGNING_SECRET,
    TEAM_ID,
    Failure,
    FakeSlack,
    fake_slack,
)
from tests.local_server import free_port

ROOT = Path(__file__).resolve().parents[1]
SYRIA_ROOM, SUDAN_ROOM, PAUSED_ROOM = "C0SYRIA", "C0SUDAN", "C0PAUSED"


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with fake_slack() as server:
        yield server


def slack_settings(settings: Settings, fake: FakeSlack, **changes: Any) -> Settings:
    return settings.model_copy(
        update={
            "slack_bot_token": BOT_TOKEN,
            "slack_signing_secret": SIGNING_SECRET,
            "slack_api_url": fake.api_url,
            "slack_host": "127.0.0.1",
            "slack_port": free_port(),
            **changes,
        }
    )


@asynccontextmanager
async def running(
    settings: Settings, fake: FakeSlack, extractor: Any, *, receive: bool = True, **changes: Any
) -> AsyncIterator[tuple[Runtime, SlackFrontend]]:
    """sitrep's runtime with the Slack app on top, wired as `serve` wires it."""
    settings = slack_settings(settings, fake, **changes)
    transports: dict[str, Transport] = {}
    async with (
        open_runtime(settings, transports=transports, extractor=extractor) as runtime,
        SlackFrontend(runtime, receive=receive, channel_interval=0.2) as slack,
    ):
        transports["slack"] = slack.transport
        yield runtime, slack


class Slack:
    """Sends what Slack would send to bolt's endpoint, signed with the app's signing secret."""

    def __init__(self, port: int | None, fake: FakeSlack) -> None:
        self.url = f"http://127.0.0.1:{port}/slack/events"
        self.fake = fake

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        secret: str = SIGNING_SECRET,
        timestamp: int | None = None,
    ) -> tuple[int, str]:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        # Slack's scheme: HMAC-SHA256 of "v0:<timestamp>:<body>" with the signing secret.
        digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256)
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": "v0=" + digest.hexdigest(),
        }
        async with (
            aiohttp.ClientSession() as http,
            http.post(self.url, data=body.encode(), headers=headers) as response,
        ):
            return response.status, await response.text()

    async def command(
        self, command: str, text: str = "", channel: str = SYRIA_ROOM, **signing: Any
    ) -> tuple[int, str]:
        form = {
            "token": "deprecated-verification-token",
            "team_id": TEAM_ID,
            "team_domain": "fake",
            "channel_id": channel,
            "channel_name": "newsroom",
            "user_id": "U0EDITOR",
            "user_name": "editor",
            "command": command,
            "text": text,
            "api_app_id": "A0SITREP",
            "response_url": self.fake.response_url(),
            "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        }
        return await self.post(urlencode(form), "application/x-www-form-urlencoded", **signing)

    async def ask(self, command: str, text: str = "", channel: str = SYRIA_ROOM) -> dict[str, Any]:
        """Run a slash command and return the answer it posts to its response_url."""
        before = len(self.fake.responses)
        status, body = await self.command(command, text, channel)
        assert (status, body) == (200, "")
        responses = await self.fake.wait_responses(before + 1)
        return responses[before].params

    async def event(self, event: dict[str, Any]) -> int:
        body = {
            "token": "deprecated-verification-token",
            "team_id": TEAM_ID,
            "api_app_id": "A0SITREP",
            "type": "event_callback",
            "event_id": f"Ev{time.monotonic_ns()}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
            "event": event,
        }
        status, _ = await self.post(json.dumps(body), "application/json")
        return status


def rss(*items: tuple[str, str, str]) -> bytes:
    """An RSS 2.0 feed of (guid, title, text) items published five minutes ago."""
    published = format_datetime(utcnow() - timedelta(minutes=5))
    body = "".join(
        f"<item><guid>{guid}</guid><title>{title}</title>"
        f"<link>https://wire.example/{guid}?a=1&amp;b=2</link><description>{text}</description>"
        f"<pubDate>{published}</pubDate></item>"
        for guid, title, text in items
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{body}'
        "</channel></rss>"
    ).encode()


AIR_STRIKE = (
    "maarat-1",
    "Air strike on market in Syrian town kills seven",
    "An air strike hit a crowded market in Maarat al-Numan in Idlib province, Syria, on "
    "Tuesday, killing seven civilians and wounding twenty, rescue workers said.",
)


def stored(what: str = "Soldiers and militants clashed.", source: str = "Wire") -> StoredIncident:
    incident = Incident(
        event_type="Battles",
        sub_event_type="Armed clash",
        location=Location(country="Mali", country_code="MLI", precision="country"),
        killed=3,
        summary=what,
    )
    report = SourceReport(source, "https://wire.example/1", "Clash", utcnow().isoformat())
    return StoredIncident("mali-1", incident, [report], utcnow().isoformat(), None)


# End to end -------------------------------------------------------------------------------------


async def test_a_channel_subscribes_and_only_matching_channels_get_the_alert(
    settings: Settings, fake: FakeSlack, extractor: Any, feed_server: FeedServer
) -> None:
    async with running(settings, fake, extractor) as (runtime, frontend):
        slack = Slack(frontend.port, fake)
        answer = await slack.ask("/subscribe", "Syria", SYRIA_ROOM)
        assert answer["response_type"] == "in_channel"
        assert "Subscribed to `country:Syria`" in answer["text"]
        answer = await slack.ask("/sitrep", "subscribe Sudan", SUDAN_ROOM)
        assert "Subscribed to `country:Sudan`" in answer["text"]
        chat = await runtime.store.get_chat("slack", SYRIA_ROOM)
        assert chat is not None and [s.filter for s in chat.subscriptions] == ["country:Syria"]
        await slack.ask("/subscribe", "Syria", PAUSED_ROOM)
        paused = await slack.ask("/sitrep", "pause", PAUSED_ROOM)
        assert paused["text"] == "Alerts paused until `/sitrep resume`."

        feed_server.feeds["/wire.xml"] = Feed(rss(AIR_STRIKE))
        source = Source("Wire", feed_server.url("/wire.xml"))
        outcome = await runtime.poller.poll_once(source)
        assert outcome.incidents_new == 1, outcome
        await runtime.delivery.drain()

        [alert] = fake.posted(SYRIA_ROOM)
        assert fake.posted(SUDAN_ROOM) == [] and fake.posted(PAUSED_ROOM) == []
        assert alert.token == BOT_TOKEN
        assert alert.params["unfurl_links"] is False
        shown = alert.all_text
        for fact in ("Syria", "7 killed", "20 injured", "1 source", "after publication"):
            assert fact in shown, (fact, shown)
        assert "<https://wire.example/maarat-1?a=1&amp;b=2|Wire>" in shown
        assert alert.blocks[0]["type"] == "section"
        assert "Idlib" in alert.text or "Maarat" in alert.text  # the plain-text fallback

        latest = await slack.ask("/latest", "Syria")
        assert "Latest for" in latest["text"] and "7 killed" in json.dumps(latest["blocks"])
        summary = await slack.ask("/summary", "24h Syria")
        assert "1 incident, 7 killed, 20 injured" in summary["text"]
        empty = await slack.ask("/latest", "Sudan", SUDAN_ROOM)
        assert empty["text"] == "No incidents yet for `country:Sudan`."


async def test_a_429_delays_the_alert_but_delivers_it(
    settings: Settings, fake: FakeSlack, extractor: Any
) -> None:
    fake.fail("chat.postMessage", Failure.ratelimited(retry_after=1))
    async with running(settings, fake, extractor) as (runtime, _):
        chat = Chat("slack", SYRIA_ROOM, [Subscription("all", utcnow().isoformat())])
        await runtime.store.save_chat(chat)
        await runtime.store.save_incident(stored())
        await runtime.delivery.enqueue(stored(), [chat])
        await runtime.delivery.drain()
        refused, delivered = fake.calls_to("chat.postMessage", SYRIA_ROOM)
        assert delivered.at - refused.at >= 1.0  # Retry-After honoured
        assert fake.posted(SYRIA_ROOM) == [delivered]
        ts = await runtime.store.delivery_ref(chat.address, "mali-1")
        assert ts is not None and "." in ts  # the message's ts, to edit it later
        assert await runtime.delivery.outbox.pending() == 0


@pytest.mark.parametrize(
    "error",
    ["channel_not_found", "not_in_channel", "is_archived", "account_inactive", "token_revoked"],
)
async def test_an_unreachable_channel_is_deactivated_and_keeps_its_subscriptions(
    settings: Settings, fake: FakeSlack, extractor: Any, error: str
) -> None:
    fake.fail("chat.postMessage", Failure(error), channel=SUDAN_ROOM)
    async with running(settings, fake, extractor) as (runtime, frontend):
        chat = Chat("slack", SUDAN_ROOM, [Subscription("all", utcnow().isoformat())])
        await runtime.store.save_chat(chat)
        await runtime.store.save_incident(stored())
        await runtime.delivery.enqueue(stored(), [chat])
        await runtime.delivery.drain()
        saved = await runtime.store.get_chat("slack", SUDAN_ROOM)
        assert saved is not None and not saved.active and saved.inactive_reason == error
        assert [s.filter for s in saved.subscriptions] == ["all"]
        assert await runtime.delivery.outbox.pending() == 0
        slack = Slack(frontend.port, fake)
        answer = await slack.ask("/filters", channel=SUDAN_ROOM)
        assert "Alerts are stopped" in answer["text"] and "/invite @sitrep" in answer["text"]
        # Still unreachable: asking to resume does not revive it.
        fake.fail("conversations.info", Failure(error), channel=SUDAN_ROOM)
        answer = await slack.ask("/sitrep", "resume", SUDAN_ROOM)
        assert answer["text"].startswith(
            f"Alerts stay stopped: sitrep could not post here ({error})"
        )
        assert not await revived(runtime, SUDAN_ROOM)

        # Invited back: the channel is revived with its subscriptions.
        joined = {"type": "member_joined_channel", "user": BOT_USER_ID, "channel": SUDAN_ROOM}
        assert await slack.event(joined) == 200
        await wait_until(lambda: revived(runtime, SUDAN_ROOM))


async def test_resume_revives_a_stopped_channel_sitrep_can_post_to_again(
    settings: Settings, fake: FakeSlack, extractor: Any
) -> None:
    fake.channels[SUDAN_ROOM] = {"is_archived": True}
    async with running(settings, fake, extractor) as (runtime, frontend):
        chat = Chat("slack", SUDAN_ROOM, [Subscription("all", utcnow().isoformat())])
        chat.active, chat.inactive_reason = False, "is_archived"
        await runtime.store.save_chat(chat)
        slack = Slack(frontend.port, fake)
        answer = await slack.ask("/sitrep", "resume", SUDAN_ROOM)
        assert answer["text"].startswith("Alerts stay stopped")
        assert not await revived(runtime, SUDAN_ROOM)
        del fake.channels[SUDAN_ROOM]  # unarchived
        answer = await slack.ask("/sitrep", "resume", SUDAN_ROOM)
        assert answer["text"] == "Alerts resumed." and answer["response_type"] == "in_channel"
        assert await revived(runtime, SUDAN_ROOM)


async def revived(runtime: Runtime, channel: str) -> bool:
    chat = await runtime.store.get_chat("slack", channel)
    return chat is not None and chat.active and bool(chat.subscriptions)


async def wait_until(check: Any) -> None:
    for _ in range(250):
        if await check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("timed out")


# Requests Slack did not sign ---------------------------------------------------------------------


async def test_a_forged_or_stale_request_is_refused(
    settings: Settings, fake: FakeSlack, extractor: Any
) -> None:
    async with running(settings, fake, extractor) as (runtime, frontend):
        slack = Slack(frontend.port, fake)
        forged = await slack.command("/subscribe", "Syria", secret="not-the-secret")
        stale = await slack.command("/subscribe", "Syria", timestamp=int(time.time()) - 600)
        assert forged[0] == 401 and stale[0] == 401
        assert await runtime.store.get_chat("slack", SYRIA_ROOM) is None
        # The same request, signed properly, is accepted; it is the only one that was answered.
        answer = await slack.ask("/subscribe", "Syria")
        assert "Subscribed" in answer["text"]
        assert len(fake.responses) == 1 and fake.calls_to("chat.postMessage") == []


async def test_the_events_url_answers_slacks_verification_challenge(
    settings: Settings, fake: FakeSlack, extractor: Any
) -> None:
    async with running(settings, fake, extractor) as (_, frontend):
        body = json.dumps({"type": "url_verification", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9C"})
        status, text = await Slack(frontend.port, fake).post(body, "application/json")
    assert status == 200 and "3eZbrw1aBm2rZgRNFdxV2595E9C" in text


# Commands --------------------------------------------------------------------------------------


async def test_a_slow_answer_follows_the_acknowledgement(
    settings: Settings, fake: FakeSlack, extractor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running(settings, fake, extractor) as (runtime, frontend):
        real_summary = runtime.commands.summary
        go_on = asyncio.Event()

        async def slow_summary(args: str) -> Any:
            await go_on.wait()  # the answer is held back until Slack has its acknowledgement
            return await real_summary(args)

        monkeypatch.setattr(runtime.commands, "summary", slow_summary)
        status, body = await Slack(frontend.port, fake).command("/summary", "7d")
        assert (status, body) == (200, "")
        assert fake.responses == []
        go_on.set()
        [answer] = await fake.wait_responses(1)
        assert "no incidents" in answer.params["text"]
        assert answer.params["response_type"] == "ephemeral"


@pytest.mark.parametrize(
    ("command", "text", "usage"),
    [
        ("/latest", "99", "Usage: `/latest [N] [filter]"),
        ("/subscribe", "", "Usage: `/subscribe &lt;filter&gt;"),
        ("/summary", "400d", "Usage: `/summary [24h|7d|...] [filter]"),
        ("/sitrep", "latest 99", "Usage: `/sitrep latest [N] [filter]  e.g. /sitrep latest 5"),
        ("/subscribe", "Atlantis", "Usage: `/subscribe &lt;filter&gt;"),
        ("/sitrep", "pause soon", "Usage: `/sitrep pause [duration]  e.g. /sitrep pause 8h"),
    ],
)
async def test_a_wrong_argument_gets_a_usage_line(
    settings: Settings, fake: FakeSlack, extractor: Any, command: str, text: str, usage: str
) -> None:
    async with running(settings, fake, extractor) as (runtime, frontend):
        answer = await Slack(frontend.port, fake).ask(command, text)
        assert usage in answer["text"], answer["text"]
        assert answer["response_type"] == "ephemeral"
        assert await runtime.store.get_chat("slack", SYRIA_ROOM) is None


async def test_the_umbrella_command_and_subscriptions_per_channel(
    settings: Settings, fake: FakeSlack, extractor: Any
) -> None:
    fake.channels["G0PRIVATE"] = {"is_private": True, "is_member": False}
    async with running(settings, fake, extractor) as (runtime, frontend):
        slack = Slack(frontend.port, fake)
        await slack.ask("/sitrep", "subscribe Syria", SYRIA_ROOM)
        again = await slack.ask("/subscribe", "Syria", SYRIA_ROOM)
        assert again["text"] == "This channel already follows `country:Syria`."
        private = await slack.ask("/subscribe", "Sudan", "G0PRIVATE")
        assert "/invite @sitrep" in private["text"]
        listed = await slack.ask("/sitrep", "filters", SYRIA_ROOM)
        assert listed["text"] == "*Subscriptions*\n• `country:Syria`"
        paused = await slack.ask("/sitrep", "pause 8h", SYRIA_ROOM)
        assert paused["text"].startswith("Alerts paused until")
        assert (await slack.ask("/sitrep", "resume", SYRIA_ROOM))["text"] == "Alerts resumed."
        removed = await slack.ask("/unsubscribe", "all", SYRIA_ROOM)
        assert removed["text"] == "Removed: `country:Syria`."
        assert (await slack.ask("/sitrep", ""))["text"] == texts.HELP
        assert "I don't know `dance`" in (await slack.ask("/sitrep", "dance"))["text"]
        chat = await runtime.store.get_chat("slack", "G0PRIVATE")
        assert chat is not None and [s.filter for s in chat.subscriptions] == ["country:Sudan"]


async def test_a_mention_answers_in_a_thread(
    settings: Settings, fake: FakeSlack, extractor: Any
) -> None:
    async with running(settings, fake, extractor) as (_, frontend):
        mention = {
            "type": "app_mention",
            "user": "U0EDITOR",
            "text": f"<@{BOT_USER_ID}> subscribe  “Syria”",
            "ts": "1700000000.000100",
            "channel": SYRIA_ROOM,
        }
        assert await Slack(frontend.port, fake).event(mention) == 200
        await fake.wait_for(lambda: bool(fake.posted(SYRIA_ROOM)))
        [reply] = fake.posted(SYRIA_ROOM)
        assert reply.params["thread_ts"] == "1700000000.000100"
        assert "Subscribed to `country:Syria`" in reply.text
        wrong = mention | {"text": f"<@{BOT_USER_ID}> latest 99", "ts": "1700000000.000200"}
        await Slack(frontend.port, fake).event(wrong)
        await fake.wait_for(lambda: len(fake.posted(SYRIA_ROOM)) == 2)
        assert "Usage: `@sitrep latest [N] [filter]" in fake.posted(SYRIA_ROOM)[1].text


async def test_an_error_is_logged_then_the_user_is_told(
    settings: Settings,
    fake: FakeSlack,
    extractor: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with running(settings, fake, extractor) as (runtime, frontend):

        async def broken(platform: str, chat_id: str) -> Chat:
            raise RuntimeError("redis fell over")

        monkeypatch.setattr(runtime.commands, "filters", broken)
        with caplog.at_level(logging.ERROR, logger="handlers.slack"):
            answer = await Slack(frontend.port, fake).ask("/filters")
        assert answer["text"] == texts.ERROR and answer["response_type"] == "ephemeral"
        [record] = [r for r in caplog.records if r.name == "handlers.slack"]
        assert "command /filters in C0SYRIA" in record.getMessage() and record.exc_info


# Alerts and limits -------------------------------------------------------------------------------


async def test_alerts_escape_mrkdwn_and_keep_a_plain_fallback(
    settings: Settings, fake: FakeSlack, extractor: Any
) -> None:
    async with running(settings, fake, extractor) as (_, frontend):
        incident = stored(what="Gunmen <b>attacked</b> a post & fled", source="A&B <News>")
        result = await frontend.transport.send_alert(SYRIA_ROOM, incident)
        assert result.status is SendStatus.SENT
        [call] = fake.posted(SYRIA_ROOM)
        shown = call.all_text
        assert "Gunmen &lt;b&gt;attacked&lt;/b&gt; a post &amp; fled" in shown
        assert "<https://wire.example/1|A&amp;B &lt;News&gt;>" in shown
        assert "<b>" not in shown and " & " not in shown
        assert "[!!] Armed clash — Mali" in call.text  # the plain-text fallback
        for fact in ("🟠 *Armed clash*", "Battles", "📍 Mali", "3 killed", "1 source"):
            assert fact in shown, fact


async def test_refused_blocks_fall_back_to_text_and_other_errors_fail(
    settings: Settings, fake: FakeSlack, extractor: Any
) -> None:
    fake.fail("chat.postMessage", Failure("invalid_blocks"), channel=SYRIA_ROOM)
    fake.fail("chat.postMessage", Failure("msg_too_long"), channel=SUDAN_ROOM)
    async with running(settings, fake, extractor) as (_, frontend):
        sent = await frontend.transport.send_alert(SYRIA_ROOM, stored())
        failed = await frontend.transport.send_alert(SUDAN_ROOM, stored())
        ok = await frontend.transport.send_text(SUDAN_ROOM, "a <note>")
    assert sent.status is SendStatus.SENT
    assert [c.blocks for c in fake.posted(SYRIA_ROOM)] == [[]]
    assert (failed.status, failed.detail) == (SendStatus.FAILED, "msg_too_long")
    assert ok.status is SendStatus.SENT and fake.posted(SUDAN_ROOM)[0].text == "a &lt;note&gt;"


async def test_rate_limits_left_after_the_client_retries_and_network_errors_mean_retry(
    fake: FakeSlack,
) -> None:
    fake.fail("chat.postMessage", Failure.ratelimited(retry_after=7))
    async with aiohttp.ClientSession() as session:
        client = AsyncWebClient(token=BOT_TOKEN, base_url=fake.api_url, session=session)
        limited = await SlackTransport(client).send_text(SYRIA_ROOM, "hello")
        client.base_url = f"http://127.0.0.1:{free_port()}/api/"  # nothing listens there
        unreachable = await SlackTransport(client).send_text(SYRIA_ROOM, "hello")
    assert (limited.status, limited.retry_after, limited.detail) == (
        SendStatus.RETRY,
        7.0,
        "ratelimited",
    )
    assert unreachable.status is SendStatus.RETRY and unreachable.retry_after > 0


async def test_a_failure_on_slacks_side_is_retried_not_dropped(fake: FakeSlack) -> None:
    fake.fail("chat.postMessage", Failure("internal_error"), channel=SYRIA_ROOM)
    fake.fail("chat.postMessage", Failure("service_unavailable", 503), channel=SUDAN_ROOM)
    async with aiohttp.ClientSession() as session:
        client = AsyncWebClient(token=BOT_TOKEN, base_url=fake.api_url, session=session)
        internal = await SlackTransport(client).send_text(SYRIA_ROOM, "hello")
        unavailable = await SlackTransport(client).send_text(SUDAN_ROOM, "hello")
    assert (internal.status, internal.detail) == (SendStatus.RETRY, "internal_error")
    assert unavailable.status is SendStatus.RETRY


async def test_about_one_message_per_channel_per_interval(
    settings: Settings, fake: FakeSlack, extractor: Any
) -> None:
    async with running(settings, fake, extractor) as (_, frontend):
        send = frontend.transport.send_text
        await asyncio.gather(send(SYRIA_ROOM, "1"), send(SYRIA_ROOM, "2"), send(SUDAN_ROOM, "3"))
    first, second = fake.posted(SYRIA_ROOM)
    [other] = fake.posted(SUDAN_ROOM)
    assert second.at - first.at >= 0.2  # the channel interval in these tests
    assert other.at < second.at  # another channel does not wait for Syria's turn


async def test_socket_mode_runs_the_same_commands(
    settings: Settings, fake: FakeSlack, extractor: Any
) -> None:
    async with running(
        settings, fake, extractor, slack_app_token=APP_TOKEN, slack_signing_secret=None
    ) as (_, frontend):
        assert frontend.port is None  # no HTTP server in Socket Mode
        [opened] = fake.calls_to("apps.connections.open")
        assert opened.token == APP_TOKEN
        payload = {
            "team_id": TEAM_ID,
            "channel_id": SYRIA_ROOM,
            "user_id": "U0EDITOR",
            "command": "/subscribe",
            "text": "Syria",
            "response_url": fake.response_url(),
        }
        ack = await fake.push("slash_commands", payload)
        assert "envelope_id" in ack
        [answer] = await fake.wait_responses(1)
        assert "Subscribed to `country:Syria`" in answer.params["text"]


async def test_a_wrong_token_fails_at_start(
    settings: Settings, fake: FakeSlack, extractor: Any
) -> None:
    from slack_sdk.errors import SlackApiError

    with pytest.raises(SlackApiError, match="invalid_auth"):
        async with running(settings, fake, extractor, slack_bot_token="xoxb-wrong"):
            pass


async def test_sitrep_run_serves_slack_commands_and_delivers_alerts(
    settings: Settings,
    fake: FakeSlack,
    extractor: Any,
    redis_client: Any,
    key_prefix: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(app.Extractor, "load", lambda: extractor)  # loaded once per session
    settings = slack_settings(settings, fake)
    stop = asyncio.Event()
    instance = asyncio.create_task(app.serve(settings, [], stop=stop))
    try:
        slack = Slack(settings.slack_port, fake)
        await wait_until(lambda: listening(settings.slack_port))
        answer = await slack.ask("/subscribe", "Mali")
        assert "Subscribed to `country:Mali`" in answer["text"]

        store = Store(redis_client, key_prefix)
        chat = await store.get_chat("slack", SYRIA_ROOM)
        assert chat is not None
        await store.save_incident(stored())
        await Outbox(store).put([(chat.address, "mali-1")])
        await fake.wait_for(lambda: bool(fake.posted(SYRIA_ROOM)))
        assert "Armed clash" in fake.posted(SYRIA_ROOM)[0].all_text
    finally:
        stop.set()
        await asyncio.wait_for(instance, timeout=15)


async def listening(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    writer.close()
    await writer.wait_closed()
    return True


async def test_a_delivery_only_instance_sends_but_does_not_listen(
    settings: Settings, fake: FakeSlack, extractor: Any
) -> None:
    async with running(settings, fake, extractor, receive=False, slack_signing_secret=None) as (
        runtime,
        frontend,
    ):
        assert frontend.port is None
        assert not await listening(runtime.settings.slack_port)
        sent = await frontend.transport.send_text(SYRIA_ROOM, "hello")
        assert sent.status is SendStatus.SENT and fake.posted(SYRIA_ROOM)[0].text == "hello"


async def test_http_mode_will_not_start_without_a_signing_secret(
    settings: Settings, fake: FakeSlack, extractor: Any
) -> None:
    with pytest.raises(ValueError, match="SLACK_SIGNING_SECRET"):
        async with running(settings, fake, extractor, slack_signing_secret=None):
            pass
    assert fake.calls == []


def test_the_manifest_declares_every_command_scope_and_event() -> None:
    manifest = yaml.safe_load((ROOT / "slack_manifest.yaml").read_text(encoding="utf-8"))
    commands = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert commands == {f"/{name}" for name in (*texts.SLASH_COMMANDS, texts.UMBRELLA)}
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "chat:write.public", "app_mentions:read"} <= scopes
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert events == {"app_mention", "member_joined_channel"}
