"""The Telegram bot end to end: real python-telegram-bot against a fake Bot API on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from html import escape
from typing import Any

import httpx
import pytest
from telegram.ext import ExtBot

from bot.alerts import AlertView
from bot.app import Runtime, open_runtime, serve
from bot.models import Chat as StoredChat
from bot.models import Source, SourceReport, StoredIncident, Subscription, utcnow
from bot.settings import Settings
from bot.transports import SendStatus
from extraction.model import Actor, Incident, Location
from handlers import telegram_texts as texts
from handlers.telegram import ChatRateLimiter, TelegramFrontend, file_url
from tests.conftest import Feed, FeedServer
from tests.fake_telegram import TOKEN, Chat, Failure, FakeTelegram, User, serve_fake_telegram
from tests.local_server import free_port
from tests.test_pipeline import rss

# PTB 22 warns, when it builds a RetryAfter, that `retry_after` will become a timedelta.
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*attribute `retry_after` will be of type:telegram.warnings.PTBDeprecationWarning"
)

ALICE = User(101, "Alice")
BOB = User(102, "Bob")
CAROL = User(103, "Carol")
ADMIN = User(201, "Admin")
MEMBER = User(202, "Member")

STRIKE = (
    "mayadin-1",
    "Drone strike kills four near Al-Mayadin, Syria",
    "A drone strike hit a Hezbollah weapons convoy near Al-Mayadin in Deir ez-Zor province, "
    "Syria, on Tuesday, killing four fighters, a war monitor reported.",
    12,
)
PROTEST = (
    "lima-1",
    "Teachers march in Lima",
    "Thousands of teachers marched peacefully through Lima, Peru, demanding higher wages.",
    8,
)


def fast_limiter(**kwargs: Any) -> ChatRateLimiter:
    """The real limiter with the per-chat limit off, so tests don't wait a second per reply."""
    return ChatRateLimiter(private_max_rate=kwargs.pop("private_max_rate", 0), **kwargs)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with serve_fake_telegram() as server:
        yield server


def telegram_settings(settings: Settings, fake: FakeTelegram) -> Settings:
    """The test's settings with the bot's token and the fake Bot API's URL."""
    return settings.model_copy(
        update={"telegram_bot_token": TOKEN, "telegram_api_url": fake.api_url}
    )


@pytest.fixture
def tg_settings(settings: Settings, fake: FakeTelegram) -> Settings:
    return telegram_settings(settings, fake)


@asynccontextmanager
async def running(
    settings: Settings, extractor: Any, **frontend: Any
) -> AsyncIterator[tuple[Runtime, TelegramFrontend]]:
    """sitrep's runtime with the Telegram frontend, wired as `serve()` wires them."""
    async with AsyncExitStack() as stack:
        runtime = await stack.enter_async_context(
            open_runtime(settings, transports={}, extractor=extractor)
        )
        frontend.setdefault("rate_limiter", fast_limiter())
        frontend.setdefault("poll_timeout", 1)
        telegram = await stack.enter_async_context(TelegramFrontend(runtime, **frontend))
        runtime.transports["telegram"] = telegram.transport
        yield runtime, telegram


@pytest.fixture
async def bot(tg_settings: Settings, extractor: Any) -> AsyncIterator[Runtime]:
    async with running(tg_settings, extractor) as (runtime, _):
        yield runtime


async def ask(
    fake: FakeTelegram, chat: Chat, text: str, user: User | None = None, within: float = 5.0
) -> str:
    """Send a command as `user` and return the bot's (last) answer."""
    before = len(fake.sent(chat.id))
    fake.command(chat, text, user)
    await fake.wait_sent(chat.id, before + 1, within)
    return fake.sent(chat.id)[-1].text


# --- commands ------------------------------------------------------------------------------


async def test_starts_polling_and_registers_its_commands(
    fake: FakeTelegram, bot: Runtime
) -> None:
    await fake.wait_for(lambda: fake.attempts("getUpdates"), what="long poll")
    methods = [c.method for c in fake.calls]
    assert methods[0] == "getMe" and "deleteWebhook" in methods
    assert fake.attempts("getUpdates")[0].params["timeout"] == 1
    (registered,) = fake.sent(method="setMyCommands")
    names = [c["command"] for c in registered.params["commands"]]
    assert names == [name for name, _ in texts.COMMANDS]
    assert set(names) == {
        "start", "help", "subscribe", "unsubscribe", "filters", "latest", "summary", "pause",
        "resume",
    }  # fmt: skip


async def test_subscribe_list_and_unsubscribe_in_a_private_chat(
    fake: FakeTelegram, bot: Runtime
) -> None:
    chat = fake.chat(ALICE.id)
    assert "sitrep" in await ask(fake, chat, "/start", ALICE)
    answer = await ask(fake, chat, '/subscribe region:"Middle East"', ALICE)
    assert "Subscribed to" in answer and escape('region:"Middle East"', quote=False) in answer
    assert fake.sent(chat.id)[-1].params["parse_mode"] == "HTML"
    assert "already follows" in await ask(fake, chat, "/subscribe Middle East", ALICE)
    assert 'region:"Middle East"' in await ask(fake, chat, "/filters", ALICE)
    stored = await bot.store.get_chat("telegram", str(ALICE.id))
    assert stored is not None and [s.filter for s in stored.subscriptions] == [
        'region:"Middle East"'
    ]
    assert "Removed" in await ask(fake, chat, "/unsubscribe all", ALICE)
    assert "No subscriptions" in await ask(fake, chat, "/filters", ALICE)


async def test_pause_and_resume(fake: FakeTelegram, bot: Runtime) -> None:
    chat = fake.chat(ALICE.id)
    await ask(fake, chat, "/subscribe Syria", ALICE)
    assert "Alerts paused until 20" in await ask(fake, chat, "/pause 8h", ALICE)
    assert "Paused until 20" in await ask(fake, chat, "/filters", ALICE)
    assert await ask(fake, chat, "/pause", ALICE) == "Alerts paused until /resume."
    assert "Paused until /resume." in await ask(fake, chat, "/filters", ALICE)
    assert await ask(fake, chat, "/resume", ALICE) == "Alerts resumed."
    assert "Paused" not in await ask(fake, chat, "/filters", ALICE)
    assert await ask(fake, chat, "/resume", ALICE) == "Alerts were not paused."


async def test_a_wrong_argument_gets_a_usage_line(fake: FakeTelegram, bot: Runtime) -> None:
    chat = fake.chat(ALICE.id)
    for command in ("/latest 99", "/summary 400d", "/pause forever", "/unsubscribe"):
        answer = await ask(fake, chat, command, ALICE)
        assert "Usage: <code>/" + command.split()[0][1:] in answer, command
    answer = await ask(fake, chat, "/subscribe Atlantis", ALICE)
    assert "Atlantis" in answer and "Usage: <code>/subscribe" in answer
    assert "don't know" in await ask(fake, chat, "/frobnicate", ALICE)
    assert all(texts.ERROR not in c.text for c in fake.sent(chat.id))


async def test_bare_subscribe_offers_buttons_and_a_tap_subscribes(
    fake: FakeTelegram, bot: Runtime
) -> None:
    chat = fake.chat(ALICE.id)
    await ask(fake, chat, "/subscribe", ALICE)
    offer = fake.sent(chat.id)[-1]
    buttons = [b for row in offer.params["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons and all(b["callback_data"].startswith("sub:") for b in buttons)
    syria = next(b for b in buttons if b["text"] == "Syria")
    fake.button(chat, ALICE, syria["callback_data"], offer.result)
    edited = await fake.wait_for(lambda: fake.sent(method="editMessageText"), "edit")
    assert "country:Syria" in edited[0].text
    assert edited[0].params["message_id"] == offer.result["message_id"]
    (answered,) = fake.sent(method="answerCallbackQuery")
    assert "Subscribed to country:Syria" in answered.params["text"]
    stored = await bot.store.get_chat("telegram", str(ALICE.id))
    assert stored is not None and [s.filter for s in stored.subscriptions] == ["country:Syria"]


async def test_in_a_group_only_administrators_change_subscriptions(
    fake: FakeTelegram, bot: Runtime
) -> None:
    group = fake.chat(-1001, "supergroup", admins={ADMIN.id})
    assert await ask(fake, group, "/subscribe Syria", MEMBER) == texts.ADMIN_ONLY
    assert await ask(fake, group, "/pause 8h", MEMBER) == texts.ADMIN_ONLY
    assert await bot.store.get_chat("telegram", str(group.id)) is None
    # Anyone may ask.
    assert "No incidents yet" in await ask(fake, group, "/latest", MEMBER)
    assert "no incidents" in await ask(fake, group, "/summary 7d", MEMBER)
    # A member's tap on a button is refused too.
    await ask(fake, group, "/subscribe@sitrep_test_bot", ADMIN)
    offer = fake.sent(group.id)[-1]
    fake.button(group, MEMBER, "sub:Syria", offer.result)
    (refused,) = await fake.wait_for(lambda: fake.sent(method="answerCallbackQuery"), "answer")
    assert refused.params["text"] == texts.ADMIN_ONLY
    assert await bot.store.get_chat("telegram", str(group.id)) is None
    # An administrator may, and so may an anonymous administrator (speaking as the group).
    assert "Subscribed to" in await ask(fake, group, "/subscribe Syria", ADMIN)
    before = len(fake.sent(group.id))
    command = {"type": "bot_command", "offset": 0, "length": len("/subscribe")}
    fake.message(group, text="/subscribe Sudan", sender_chat=group.to_dict(), entities=[command])
    assert "Subscribed to" in (await fake.wait_sent(group.id, before + 1))[-1].text
    stored = await bot.store.get_chat("telegram", str(group.id))
    assert stored is not None
    assert [s.filter for s in stored.subscriptions] == ["country:Syria", "country:Sudan"]
    asked = [c.params["user_id"] for c in fake.sent(method="getChatMember")]
    assert MEMBER.id in asked and ADMIN.id in asked


async def test_a_channel_is_subscribed_by_its_posts(fake: FakeTelegram, bot: Runtime) -> None:
    channel = fake.chat(-1002, "channel")
    assert "Subscribed to" in await ask(fake, channel, "/subscribe Sudan")
    stored = await bot.store.get_chat("telegram", str(channel.id))
    assert stored is not None and stored.subscriptions[0].filter == "country:Sudan"
    assert not fake.sent(method="getChatMember")  # only administrators post in a channel


async def test_a_reply_telegram_cannot_parse_is_sent_as_plain_text(
    fake: FakeTelegram, bot: Runtime
) -> None:
    chat = fake.chat(ALICE.id)
    fake.fail("sendMessage", Failure.cannot_parse(), chat_id=ALICE.id)
    answer = await ask(fake, chat, "/help", ALICE)
    (refused,) = [c for c in fake.attempts(chat_id=ALICE.id) if c.failed]
    assert refused.params["parse_mode"] == "HTML"
    assert "parse_mode" not in fake.sent(ALICE.id)[-1].params
    assert "/subscribe <filter>" in answer and "<b>" not in answer


async def test_an_unexpected_error_is_logged_then_the_user_is_told(
    fake: FakeTelegram, bot: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    group = fake.chat(-1007, "group", admins={ADMIN.id})
    fake.fail("getChatMember", Failure(500, "Internal Server Error"))
    with caplog.at_level(logging.ERROR, logger="handlers.telegram"):
        assert await ask(fake, group, "/subscribe Syria", ADMIN) == texts.ERROR
    (record,) = [r for r in caplog.records if r.name == "handlers.telegram"]
    assert record.exc_info is not None and "Internal Server Error" in str(record.exc_info[1])


# --- alerts --------------------------------------------------------------------------------


async def test_a_feed_item_alerts_only_the_matching_chats_then_latest_and_summary_answer(
    fake: FakeTelegram, tg_settings: Settings, extractor: Any, feed_server: FeedServer
) -> None:
    syria, sudan, paused = fake.chat(ALICE.id), fake.chat(BOB.id), fake.chat(CAROL.id)
    group = fake.chat(-1003, "group", admins={ADMIN.id})
    feed_server.feeds["/wire.xml"] = Feed(rss(STRIKE, PROTEST))
    source = Source("Levant Wire", feed_server.url("/wire.xml"))
    async with running(tg_settings, extractor) as (runtime, _):
        await ask(fake, syria, "/subscribe Syria", ALICE)
        await ask(fake, sudan, "/subscribe Sudan", BOB)
        await ask(fake, paused, "/subscribe Syria", CAROL)
        await ask(fake, paused, "/pause 1h", CAROL)
        await ask(fake, group, "/subscribe Middle East", ADMIN)
        before = {c: len(fake.sent(c)) for c in (ALICE.id, BOB.id, CAROL.id, group.id)}

        outcome = await runtime.poller.poll_once(source)
        assert outcome.status == "ok" and outcome.incidents_new >= 1
        await runtime.delivery.drain()

        new = {c: fake.sent(c)[n:] for c, n in before.items()}
        assert len(new[ALICE.id]) == 1 and len(new[group.id]) == 1
        assert new[BOB.id] == [] and new[CAROL.id] == []
        alert = new[ALICE.id][0]
        assert alert.params["parse_mode"] == "HTML"
        assert alert.params["link_preview_options"] == {"is_disabled": True}
        assert "Al-Mayadin" in alert.text and "Syria" in alert.text
        assert '<a href="https://news.example/mayadin-1">Levant Wire</a>' in alert.text
        assert len(texts.to_plain(alert.text)) <= texts.MAX_ALERT_CHARS
        assert "min after publication" in alert.text
        assert "Al-Mayadin" in new[group.id][0].text
        incident_id = outcome.new_incidents[0].id
        assert await runtime.store.delivery_ref(f"telegram:{ALICE.id}", incident_id)

        latest = await ask(fake, sudan, "/latest 3 Syria", BOB)
        assert "Latest for" in latest and "Levant Wire" in latest and "Al-Mayadin" in latest
        summary = await ask(fake, group, "/summary 24h Syria", MEMBER)
        assert "1 incident," in summary and "Syria 1" in summary
        assert "No incidents yet" in await ask(fake, sudan, "/latest Sudan", BOB)


async def test_a_restart_re_alerts_nothing_and_re_reads_no_command(
    fake: FakeTelegram, tg_settings: Settings, extractor: Any, feed_server: FeedServer
) -> None:
    chat = fake.chat(ALICE.id)
    feed_server.feeds["/wire.xml"] = Feed(rss(STRIKE))
    source = Source("Levant Wire", feed_server.url("/wire.xml"))
    async with running(tg_settings, extractor) as (runtime, _):
        await ask(fake, chat, "/subscribe Syria", ALICE)
        first = await runtime.poller.poll_once(source)
        await runtime.delivery.drain()
    assert first.alerts_queued == 1
    assert len(fake.sent(ALICE.id)) == 2  # the reply and the alert
    assert fake.pending_updates == 0  # the command was confirmed before the bot stopped

    feed_server.feeds["/wire.xml"] = Feed(rss(STRIKE, PROTEST))  # changed, so not a 304
    async with running(tg_settings, extractor) as (runtime, _):
        # Updates are handled in order: an old command read again would be answered first.
        assert "country:Syria" in await ask(fake, chat, "/filters", ALICE)
        again = await runtime.poller.poll_once(source)
        assert again.status == "ok" and again.new_items == 1 and again.alerts_queued == 0
        await runtime.delivery.drain()
        assert await runtime.delivery.outbox.pending() == 0
    assert len(fake.sent(ALICE.id)) == 3  # only the answer to /filters is new


async def test_a_429_delays_the_alert_but_delivers_it(
    fake: FakeTelegram, tg_settings: Settings, extractor: Any
) -> None:
    async with running(tg_settings, extractor) as (runtime, _):
        await subscribed(runtime, str(ALICE.id))
        fake.fail("sendMessage", Failure.flood(1), chat_id=ALICE.id)
        await deliver(runtime, [str(ALICE.id)])
        assert await runtime.store.delivery_ref(f"telegram:{ALICE.id}", "inc-1")
    refused, accepted = fake.attempts(chat_id=ALICE.id)
    assert refused.failed and not accepted.failed
    assert accepted.at - refused.at >= 1.0


async def test_a_429_beyond_the_limiters_retries_is_retried_by_delivery(
    fake: FakeTelegram, tg_settings: Settings, extractor: Any
) -> None:
    limiter = fast_limiter(max_retries=0)
    async with running(tg_settings, extractor, rate_limiter=limiter) as (runtime, telegram):
        await subscribed(runtime, str(ALICE.id))
        fake.fail("sendMessage", Failure.flood(1), chat_id=ALICE.id)
        await deliver(runtime, [str(ALICE.id)])
        assert await runtime.store.delivery_ref(f"telegram:{ALICE.id}", "inc-1")
        refused, accepted = fake.attempts(chat_id=ALICE.id)
        assert refused.failed and not accepted.failed
        assert accepted.at - refused.at >= 1.0

        # What the transport tells delivery about each kind of failure.
        fake.fail("sendMessage", Failure.flood(3), chat_id=ALICE.id)
        result = await telegram.transport.send_alert(str(ALICE.id), incident())
        assert result.status is SendStatus.RETRY and result.retry_after == 3
        fake.fail("sendMessage", Failure(502, "Bad Gateway"), chat_id=ALICE.id)
        result = await telegram.transport.send_text(str(ALICE.id), "hello")
        assert result.status is SendStatus.RETRY and result.retry_after > 0
        fake.fail("sendMessage", Failure(400, "Bad Request: message text is empty"))
        result = await telegram.transport.send_text(str(ALICE.id), "hello")
        assert result.status is SendStatus.FAILED


@pytest.mark.parametrize(
    ("chat_id", "kind", "failure"),
    [
        (ALICE.id, "private", Failure.blocked()),
        (-1004, "group", Failure.kicked()),
        (-1011, "supergroup", Failure.chat_not_found()),
    ],
    ids=["blocked", "kicked", "chat-not-found"],
)
async def test_an_unreachable_chat_is_deactivated_keeps_its_subscription_and_start_revives_it(
    fake: FakeTelegram, bot: Runtime, chat_id: int, kind: str, failure: Failure
) -> None:
    await subscribed(bot, str(chat_id))
    fake.fail("sendMessage", failure, chat_id=chat_id)
    await deliver(bot, [str(chat_id)])
    stored = await bot.store.get_chat("telegram", str(chat_id))
    assert stored is not None and not stored.active
    assert stored.inactive_reason and stored.inactive_reason.lower() in failure.description.lower()
    assert [s.filter for s in stored.subscriptions] == ["country:Syria"]
    assert await bot.delivery.outbox.pending() == 0  # given up, not retried forever
    assert len(fake.attempts(chat_id=chat_id)) == 1

    chat = fake.chat(chat_id, kind, admins={ADMIN.id})
    assert "could not be reached" in await ask(fake, chat, "/filters", ADMIN)
    await ask(fake, chat, "/start", ADMIN)
    stored = await bot.store.get_chat("telegram", str(chat_id))
    assert stored is not None and stored.active and stored.subscriptions


async def test_a_migrated_group_is_followed_to_its_new_id(
    fake: FakeTelegram, bot: Runtime
) -> None:
    await subscribed(bot, "-1005")
    fake.fail("sendMessage", Failure.migrated(-1009005), chat_id=-1005)
    await deliver(bot, ["-1005"])  # the worker re-queues the alert for the new id and sends it
    assert len(fake.sent(-1009005)) == 1
    assert await bot.store.get_chat("telegram", "-1005") is None
    moved = await bot.store.get_chat("telegram", "-1009005")
    assert moved is not None and moved.active and moved.subscriptions


async def test_a_migration_message_moves_the_subscriptions_at_once(
    fake: FakeTelegram, bot: Runtime
) -> None:
    await subscribed(bot, "-1006")
    await subscribed(bot, "-1009006", "country:Sudan")  # someone subscribed the new id already
    old = fake.chat(-1006, "group", admins={ADMIN.id})
    new = fake.chat(-1009006, "supergroup", admins={ADMIN.id})
    fake.message(old, ADMIN, migrate_to_chat_id=new.id)
    fake.message(new, ADMIN, migrate_from_chat_id=old.id)
    # Updates are handled one at a time, in order: this answer comes after the migration.
    answer = await ask(fake, new, "/filters", ADMIN)
    assert "country:Sudan" in answer and "country:Syria" in answer
    assert await bot.store.get_chat("telegram", "-1006") is None


async def test_an_alert_telegram_cannot_parse_is_sent_as_plain_text(
    fake: FakeTelegram, bot: Runtime
) -> None:
    await subscribed(bot, str(ALICE.id))
    fake.fail("sendMessage", Failure.cannot_parse(), chat_id=ALICE.id)
    await deliver(bot, [str(ALICE.id)])
    (plain,) = fake.sent(ALICE.id)
    assert "parse_mode" not in plain.params
    assert "Al-Mayadin" in plain.text and "<" not in plain.text
    assert await bot.store.delivery_ref(f"telegram:{ALICE.id}", "inc-1")


def test_alert_text_is_short_escaped_and_complete() -> None:
    long_what = "Gunmen <b>stormed</b> a market & " + "fired on the crowd " * 40
    view = AlertView.build(incident(long_what, link='https://wire.example/a?x=1&y="2"'))
    html = texts.alert(view)
    plain = texts.to_plain(html)
    assert len(plain) <= texts.MAX_ALERT_CHARS
    assert "<b>stormed</b>" not in html and "&lt;b&gt;stormed" in html and "&amp;" in html
    assert 'href="https://wire.example/a?x=1&amp;y=&quot;2&quot;"' in html
    facts = (
        "🟠", "Air/drone strike", "Al-Mayadin, Deir ez-Zor, Syria", "4 killed", "Hezbollah",
        "Levant Wire", "1 source ", "sent 0 min after publication",
    )  # fmt: skip
    for fact in facts:
        assert fact in plain, fact
    # In /latest the alert gives the incident's date instead of when it was sent.
    listed = texts.to_plain(texts.alert(view, pushed=False))
    assert "after publication" not in listed and listed.endswith("1 source · 2026-11-03")


# --- lifecycle -----------------------------------------------------------------------------


async def test_sitrep_run_starts_the_bot_answers_and_delivers(
    fake: FakeTelegram, tg_settings: Settings, feed_server: FeedServer
) -> None:
    feed_server.feeds["/wire.xml"] = Feed(rss())
    source = Source("Levant Wire", feed_server.url("/wire.xml"), interval=1)
    chat = fake.chat(ALICE.id)
    stop = asyncio.Event()
    run = asyncio.create_task(serve(tg_settings, [source], stop=stop))
    try:
        answer = await ask(fake, chat, "/subscribe Syria", ALICE, within=15)
        assert "Subscribed to" in answer
        feed_server.feeds["/wire.xml"] = Feed(rss(STRIKE))
        sent = await fake.wait_sent(ALICE.id, 2, within=15)  # the scheduler polls each second
        assert "Al-Mayadin" in sent[1].text and sent[1].params["parse_mode"] == "HTML"
    finally:
        stop.set()
        await asyncio.wait_for(run, timeout=15)
    assert fake.sent(method="setMyCommands")


async def test_a_delivery_only_instance_sends_but_does_not_receive(
    fake: FakeTelegram, tg_settings: Settings, extractor: Any
) -> None:
    async with running(tg_settings, extractor, receive=False) as (runtime, telegram):
        assert telegram.mode == "sending only"
        await subscribed(runtime, str(ALICE.id))
        await deliver(runtime, [str(ALICE.id)])
    assert len(fake.sent(ALICE.id)) == 1
    assert [c.method for c in fake.calls] == ["getMe", "sendMessage"]


async def test_only_one_instance_long_polls_and_a_standby_takes_over(
    fake: FakeTelegram, tg_settings: Settings, extractor: Any
) -> None:
    settings = tg_settings.model_copy(update={"lease_seconds": 1.5})
    async with AsyncExitStack() as first_stack, AsyncExitStack() as second_stack:
        _, first = await first_stack.enter_async_context(running(settings, extractor))
        _, second = await second_stack.enter_async_context(running(settings, extractor))
        first_updater, second_updater = first.application.updater, second.application.updater
        assert first_updater is not None and second_updater is not None
        assert first_updater.running and not second_updater.running
        # The first instance stops; the standby takes over within a third of the lease.
        await first_stack.aclose()
        deadline = time.monotonic() + 5
        while not second_updater.running and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.05)  # PTB exposes no event for "polling started"
        assert second_updater.running
        chat = fake.chat(ALICE.id)
        assert "/subscribe" in await ask(fake, chat, "/help")  # answered by the new poller


async def test_webhook_mode_accepts_only_updates_with_the_secret(
    fake: FakeTelegram, tg_settings: Settings, extractor: Any
) -> None:
    port = free_port()
    hook = f"http://127.0.0.1:{port}/telegram/hook"
    settings = tg_settings.model_copy(
        update={
            "telegram_webhook_url": hook,
            "telegram_webhook_secret": "s3cret-Token_1",
            "telegram_webhook_port": port,
        }
    )
    chat = fake.chat(ALICE.id)
    async with (
        running(settings, extractor) as (_, telegram),
        httpx.AsyncClient() as client,
    ):
        assert telegram.mode == f"webhook, listening on 127.0.0.1:{port}"
        (registered,) = fake.sent(method="setWebhook")
        assert registered.params["url"] == hook
        assert registered.params["secret_token"] == "s3cret-Token_1"
        assert not fake.attempts("getUpdates")
        update = fake.update_json({"message": command_message(chat, ALICE, "/help")})
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
            refused = await client.post(hook, json=update, headers=headers)
            assert refused.status_code == 403
        accepted = await client.post(
            hook, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"}
        )
        assert accepted.status_code == 200
        (answer,) = await fake.wait_sent(ALICE.id)
        assert "/subscribe" in answer.text


async def test_webhook_mode_requires_a_secret(tg_settings: Settings, extractor: Any) -> None:
    settings = tg_settings.model_copy(update={"telegram_webhook_url": "https://x.example/hook"})
    async with open_runtime(settings, extractor=extractor) as runtime:
        with pytest.raises(ValueError, match="TELEGRAM_WEBHOOK_SECRET"):
            TelegramFrontend(runtime)


async def test_the_private_chat_limit_spaces_messages_to_one_chat(fake: FakeTelegram) -> None:
    limiter = ChatRateLimiter(private_max_rate=1, private_time_period=0.3, group_max_rate=0)
    async with ExtBot(TOKEN, base_url=fake.api_url, rate_limiter=limiter) as bot:
        await asyncio.gather(*(bot.send_message(ALICE.id, f"m{i}") for i in range(3)))
        await asyncio.gather(*(bot.send_message(-1008, f"g{i}") for i in range(3)))
    private = [c.at for c in fake.sent(ALICE.id)]
    assert private[-1] - private[0] >= 0.5  # three messages: two waits of 0.3 s
    group = [c.at for c in fake.sent(-1008)]
    assert group[-1] - group[0] < 0.5  # groups are not held to the private chat limit


async def test_the_default_limits_and_file_url(tg_settings: Settings, extractor: Any) -> None:
    assert file_url("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
    assert file_url("http://127.0.0.1:8081/bot") == "http://127.0.0.1:8081/file/bot"
    assert file_url("http://h:8081/bot{token}/test") == "http://h:8081/file/bot{token}/test"
    async with open_runtime(tg_settings, extractor=extractor) as runtime:
        frontend = TelegramFrontend(runtime)
        assert isinstance(frontend.application.bot.rate_limiter, ChatRateLimiter)
        assert frontend.application.bot.base_url == tg_settings.telegram_api_url + TOKEN
        assert frontend.application.bot.base_file_url == (
            tg_settings.telegram_api_url.replace("/bot", "/file/bot") + TOKEN
        )


# --- helpers -------------------------------------------------------------------------------


def incident(what: str = "A drone strike hit a convoy.", link: str | None = None) -> StoredIncident:
    report = SourceReport(
        "Levant Wire", link or "https://wire.example/a?x=1&y=2", "Strike", utcnow().isoformat()
    )
    found = Incident(
        event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike",
        actors=[Actor("Hezbollah", "actor2")],
        location=Location(
            country="Syria", country_code="SYR", admin1="Deir ez-Zor", place="Al-Mayadin"
        ),
        killed=4,
        date="2026-11-03",
        summary=what,
    )
    return StoredIncident("inc-1", found, [report], utcnow().isoformat(), None)


def command_message(chat: Chat, user: User, text: str) -> dict[str, Any]:
    return {
        "message_id": 1,
        "date": int(time.time()),
        "chat": chat.to_dict(),
        "from": user.to_dict(),
        "text": text,
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
    }


async def subscribed(runtime: Runtime, chat_id: str, flt: str = "country:Syria") -> None:
    chat = await runtime.store.get_chat("telegram", chat_id) or StoredChat("telegram", chat_id)
    chat.subscriptions.append(Subscription(flt, utcnow().isoformat()))
    await runtime.store.save_chat(chat)


async def deliver(runtime: Runtime, chat_ids: list[str]) -> None:
    """Queue the test incident for these chats and run the delivery worker until done."""
    stored = incident()
    await runtime.store.save_incident(stored)
    await runtime.delivery.enqueue(stored, [StoredChat("telegram", c) for c in chat_ids])
    await runtime.delivery.drain()
