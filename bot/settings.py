"""sitrep's settings: one object, read from the environment and `.env`, built once in `main`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]

# Event types that alert every matching subscriber; the rest only reach a filter with `type:`.
DEFAULT_ALERT_TYPES = (
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Riots",
    "Disaster",
)


def _env(name: str) -> AliasChoices:
    """Accept the documented environment name and the field name (for code and tests)."""
    return AliasChoices(name, name.lower().removeprefix("sitrep_"))


class Settings(BaseSettings):
    """Every setting sitrep reads. The environment names are a public contract."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        populate_by_name=True,
    )

    redis_url: str | None = Field(None, validation_alias=_env("REDIS_URL"))
    sources: Path | None = Field(None, validation_alias=_env("SITREP_SOURCES"))
    log_level: LogLevel = Field("INFO", validation_alias=_env("SITREP_LOG_LEVEL"))
    key_prefix: str = Field("sitrep:", validation_alias=_env("SITREP_KEY_PREFIX"))

    telegram_bot_token: str | None = Field(None, validation_alias=_env("TELEGRAM_BOT_TOKEN"))
    telegram_api_url: str = Field(
        "https://api.telegram.org/bot", validation_alias=_env("TELEGRAM_API_URL")
    )
    telegram_webhook_url: str | None = Field(None, validation_alias=_env("TELEGRAM_WEBHOOK_URL"))
    telegram_webhook_listen: str = Field(
        "127.0.0.1", validation_alias=_env("TELEGRAM_WEBHOOK_LISTEN")
    )
    telegram_webhook_port: int = Field(
        8443, ge=1, le=65535, validation_alias=_env("TELEGRAM_WEBHOOK_PORT")
    )
    telegram_webhook_secret: str | None = Field(
        None, validation_alias=_env("TELEGRAM_WEBHOOK_SECRET")
    )

    slack_bot_token: str | None = Field(None, validation_alias=_env("SLACK_BOT_TOKEN"))
    slack_signing_secret: str | None = Field(None, validation_alias=_env("SLACK_SIGNING_SECRET"))
    slack_app_token: str | None = Field(None, validation_alias=_env("SLACK_APP_TOKEN"))
    slack_api_url: str = Field("https://slack.com/api/", validation_alias=_env("SLACK_API_URL"))
    slack_port: int = Field(3000, ge=1, le=65535, validation_alias=_env("SLACK_PORT"))
    slack_host: str = Field("127.0.0.1", validation_alias=_env("SLACK_HOST"))

    metrics_port: int | None = Field(
        None, ge=0, le=65535, validation_alias=_env("SITREP_METRICS_PORT")
    )
    metrics_host: str = Field("127.0.0.1", validation_alias=_env("SITREP_METRICS_HOST"))
    lease_seconds: float = Field(15.0, gt=0, validation_alias=_env("SITREP_LEASE_SECONDS"))
    delivery_concurrency: int = Field(
        32, ge=1, le=1000, validation_alias=_env("SITREP_DELIVERY_CONCURRENCY")
    )
    # How long an outbox entry stays with a worker that took it before another worker (or the
    # same one, restarted) reclaims it: longer than any one send with its in-place retries.
    claim_idle_seconds: float = Field(
        60.0, gt=0, validation_alias=_env("SITREP_CLAIM_IDLE_SECONDS")
    )
    backfill_hours: float = Field(2.0, ge=0, validation_alias=_env("SITREP_BACKFILL_HOURS"))
    alert_types: Annotated[tuple[str, ...], NoDecode] = Field(
        DEFAULT_ALERT_TYPES, validation_alias=_env("SITREP_ALERT_TYPES")
    )
    catchup_minutes: float = Field(60.0, ge=0, validation_alias=_env("SITREP_CATCHUP_MINUTES"))
    fetch_timeout: float = Field(20.0, gt=0, validation_alias=_env("SITREP_FETCH_TIMEOUT"))
    max_feed_bytes: int = Field(5_000_000, gt=0, validation_alias=_env("SITREP_MAX_FEED_BYTES"))
    user_agent: str = Field(
        "sitrep/0.1 (+https://github.com/sitrep-alerts/sitrep)",
        validation_alias=_env("SITREP_USER_AGENT"),
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("alert_types", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value


def describe_error(error: ValidationError) -> str:
    """One line naming the first bad setting, for start-up failures."""
    first = error.errors()[0]
    name = str(first["loc"][0]) if first["loc"] else "settings"
    return f"invalid setting {name.upper()}: {first['msg']}"
