"""Deployment settings, read from the environment (the contract's configuration table)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from datetime import time
from pathlib import Path
from typing import Any

from engine.core import jurisdiction

ROLES = (
    "admin",
    "auditor",
    "pr_head",
    "pr_department",
    "press_secretary",
    "unit_head",
    "leadership",
    "legal",
)
UNIT_BOUND_ROLES = frozenset({"press_secretary", "unit_head"})
# The languages of the web pages and of a user's account (`uz` is Uzbek in Cyrillic script).
LANGUAGES = ("ky", "ru", "uz", "uz-Latn", "uk", "en")
# The Babel locale (and catalog directory among the compiled catalogs) of each interface language where the two
# differ: the pages (api.web.i18n) and the engine's own wording (engine.core.words) read the same catalogs.
BABEL_LOCALE = {"uz": "uz_Cyrl", "uz-Latn": "uz_Latn"}
# The kinds of attachment, each with its own size limit (db.vocabulary.AttachmentKind).
UPLOAD_KINDS = ("photo", "video", "audio", "document")


@dataclass(frozen=True)
class Settings:
    database_url: str | None = None
    redis_url: str | None = None
    secret_key: str = ""
    country: str = "KG"
    # The statute profile in force (engine.core.jurisdiction): JARCHY_JURISDICTION, else the country.
    jurisdiction: str | None = None
    timezone: str = "Asia/Bishkek"
    publication_languages: tuple[str, ...] = ("ky", "ru")
    # Working days of the media request where JARCHY_REQUEST_DEADLINE_DAYS is set; None: the profile's.
    request_deadline_days: int | None = None
    request_extension_days: int = 0
    # 002 §16: how long a published response is given to work before the PR head judges whether it did.
    response_observation_days: int = 2
    smtp_url: str | None = None
    mail_from: str | None = None
    # Where the public site is reached from outside (links in e-mail sent to the media): scheme, host, any prefix.
    public_url: str = "http://localhost:5000"
    reminder_days: int = 3
    # When, on the office's clock, the daily summary e-mail of notifications is composed and sent
    # (JARCHY_EMAIL_SUMMARY_AT, HH:MM).
    email_summary_at: time = time(8, 0)
    workday_end: time = time(18, 0)
    token_lifetime_seconds: int = 8 * 3600
    # The session cookie is Secure whenever the page came over HTTPS; True makes it Secure always.
    secure_cookies: bool = False
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host headers are trusted.
    proxy_hops: int = 0
    # Bounds of the scripts, conditions and expressions of the diagrams (engine.spiff.sandbox_bounds): wall-clock
    # seconds and MiB for one evaluation, and seconds for all the evaluations of one operation.
    script_seconds: float = 2.0
    script_memory_mb: int = 256
    script_operation_seconds: float = 10.0
    var_dir: Path = field(default_factory=lambda: Path("var"))
    # Where attachments' bytes are kept (engine.files): a folder, or `s3://bucket/prefix` (the endpoint and keys from
    # the usual AWS_* variables). None: the folder `files` in var_dir.
    files_url: str | None = None
    # The largest attachment of each kind, in MiB (JARCHY_MAX_PHOTO_MB, ...): a video of a press conference runs
    # to gigabytes, a photo or a scan to tens of megabytes.
    max_photo_mb: int = 50
    max_video_mb: int = 2048
    max_audio_mb: int = 500
    max_document_mb: int = 100
    # The compiled catalogs the engine words notifications and their e-mail from (engine.core.words): the
    # application's own, which it passes in (api.app_settings); None: English only.
    catalogs: Path | None = None
    # The audit's signed checkpoints (engine.audit.checkpoints): the Ed25519 key file (JARCHY_AUDIT_KEY; None: one
    # generated once into var_dir), or the key itself as PEM (JARCHY_AUDIT_KEY_PEM, which wins); the name the
    # checkpoints are signed under (JARCHY_AUDIT_ORIGIN; default the public site's host and /audit); how often the
    # sweep signs one (JARCHY_AUDIT_CHECKPOINT_MINUTES; 0: only `jarchy audit checkpoint`); and where each is pushed
    # (JARCHY_AUDIT_PUSH: directories, mailto: addresses, http(s) witness URLs, separated by spaces or commas).
    audit_key: str | None = None
    audit_key_pem: str | None = None
    audit_origin: str | None = None
    audit_checkpoint_minutes: int = 60
    audit_push: tuple[str, ...] = ()
    # RFC 3161 timestamps (engine.audit.timestamps, docs/audit.md): the timestamp authority asked for a token over
    # each checkpoint (JARCHY_TSA_URL; None: no timestamps), and the certificates (a PEM file) trusted for it when a
    # token is verified on read (JARCHY_TSA_CERT; None: the token's own checks only).
    tsa_url: str | None = None
    tsa_cert: str | None = None

    @property
    def files_location(self) -> str:
        return self.files_url or str(self.var_dir / "files")

    def upload_limit(self, kind: str) -> int:
        """The largest attachment of `kind` (photo, video, audio, document), in bytes."""
        return int(getattr(self, f"max_{kind}_mb")) * 1024 * 1024

    @property
    def checkpoint_origin(self) -> str:
        """The name checkpoints are signed under: the office's host, so two offices' logs never share one."""
        if self.audit_origin:
            return self.audit_origin
        host = self.public_url.split("://", 1)[-1].split("/", 1)[0]
        return f"{host}/audit"

    @property
    def largest_upload(self) -> int:
        return max(self.upload_limit(kind) for kind in UPLOAD_KINDS)

    @property
    def jurisdiction_key(self) -> str:
        """The profile in force: JARCHY_JURISDICTION, else the country's."""
        return self.jurisdiction or self.country

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)


def settings_from_env(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    var_dir = Path(env.get("JARCHY_VAR_DIR", "var"))
    jurisdiction_key = env.get("JARCHY_JURISDICTION") or env.get("JARCHY_COUNTRY", "KG")
    if env.get("JARCHY_PUBLICATION_LANGUAGES"):
        languages = tuple(s.strip() for s in env["JARCHY_PUBLICATION_LANGUAGES"].split(",") if s.strip())
    else:  # the profile's (KG: ky, ru; UA: uk; UZ: uz); a malformed profile stops start-up here, naming it
        languages = tuple(jurisdiction.load(jurisdiction_key).data["publication_languages"])
    return Settings(
        database_url=env.get("JARCHY_DATABASE_URL") or None,
        redis_url=env.get("JARCHY_REDIS_URL") or None,
        secret_key=env.get("JARCHY_SECRET_KEY") or _stored_secret(var_dir),
        country=env.get("JARCHY_COUNTRY", "KG"),
        jurisdiction=jurisdiction_key,
        timezone=env.get("JARCHY_TIMEZONE", "Asia/Bishkek"),
        publication_languages=languages,
        request_deadline_days=int(env["JARCHY_REQUEST_DEADLINE_DAYS"]) if env.get("JARCHY_REQUEST_DEADLINE_DAYS")
        else None,
        request_extension_days=int(env.get("JARCHY_REQUEST_EXTENSION_DAYS", "0")),
        response_observation_days=int(env.get("JARCHY_RESPONSE_OBSERVATION_DAYS", "2")),
        smtp_url=env.get("JARCHY_SMTP_URL") or None,
        mail_from=env.get("JARCHY_MAIL_FROM") or None,
        public_url=(env.get("JARCHY_PUBLIC_URL") or "http://localhost:5000").rstrip("/"),
        reminder_days=int(env.get("JARCHY_REMINDER_DAYS", "3")),
        email_summary_at=_time_of_day("JARCHY_EMAIL_SUMMARY_AT", env.get("JARCHY_EMAIL_SUMMARY_AT") or "08:00"),
        secure_cookies=env.get("JARCHY_SECURE_COOKIES", "").lower() in ("1", "true", "yes"),
        proxy_hops=int(env.get("JARCHY_PROXY_HOPS", "0")),
        script_seconds=float(env.get("JARCHY_SCRIPT_SECONDS", "2")),
        script_memory_mb=int(env.get("JARCHY_SCRIPT_MEMORY_MB", "256")),
        script_operation_seconds=float(env.get("JARCHY_SCRIPT_OPERATION_SECONDS", "10")),
        var_dir=var_dir,
        files_url=env.get("JARCHY_FILES_URL") or None,
        max_photo_mb=int(env.get("JARCHY_MAX_PHOTO_MB", "50")),
        max_video_mb=int(env.get("JARCHY_MAX_VIDEO_MB", "2048")),
        max_audio_mb=int(env.get("JARCHY_MAX_AUDIO_MB", "500")),
        max_document_mb=int(env.get("JARCHY_MAX_DOCUMENT_MB", "100")),
        audit_key=env.get("JARCHY_AUDIT_KEY") or None,
        audit_key_pem=env.get("JARCHY_AUDIT_KEY_PEM") or None,
        audit_origin=env.get("JARCHY_AUDIT_ORIGIN") or None,
        audit_checkpoint_minutes=int(env.get("JARCHY_AUDIT_CHECKPOINT_MINUTES", "60")),
        audit_push=tuple(t for t in env.get("JARCHY_AUDIT_PUSH", "").replace(",", " ").split() if t),
        tsa_url=env.get("JARCHY_TSA_URL") or None,
        tsa_cert=env.get("JARCHY_TSA_CERT") or None,
    )


def _time_of_day(name: str, value: str) -> time:
    """`HH:MM` on the office's clock; a malformed one stops start-up, naming the setting."""
    try:
        return time.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{name} must be a time of day as HH:MM, not {value!r}") from None


def _stored_secret(var_dir: Path) -> str:
    """Generated once into var/, so tokens survive a restart of the server."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key
