"""Every setting petitionflow reads, with its environment variable and default, in one place."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

DEFAULT_DATABASE_FILE = "petitionflow.sqlite3"


@dataclass(frozen=True)
class Settings:
    """The service's settings; `from_env` reads them, tests build them directly."""

    database_url: str = ""
    """PETITIONFLOW_DATABASE_URL: any SQLAlchemy URL; an SQLite file in the working folder by default."""
    secret_key: str = ""
    """PETITIONFLOW_SECRET_KEY: signs session cookies; when unset, a key drawn once and kept in the database."""
    bpmn_dir: str = str(Path(__file__).resolve().parent.parent / "bpmn")
    """PETITIONFLOW_BPMN_DIR: the process pack `demo` deploys."""
    process_hooks: str = "service.domain.petition_hooks:install"
    """PETITIONFLOW_PROCESS_HOOKS: the domain the workflow runtime calls after each step ("module:function")."""
    default_agency: str = "demo"
    """PETITIONFLOW_DEFAULT_AGENCY: code of the agency used when a command names none."""
    sql_echo: bool = False
    """PETITIONFLOW_SQL_ECHO: log every SQL statement (1/true to enable)."""
    sqlite_busy_timeout_ms: int = 10_000
    """PETITIONFLOW_SQLITE_BUSY_TIMEOUT_MS: how long an SQLite writer waits for the lock."""
    model_cache_size: int = 64
    """PETITIONFLOW_MODEL_CACHE_SIZE: parsed process versions kept in memory per process."""
    max_json_bytes: int = 2 * 1024 * 1024
    """PETITIONFLOW_MAX_JSON_BYTES: the largest JSON request body accepted (413 beyond it, before parsing)."""
    max_json_keys: int = 20_000
    """PETITIONFLOW_MAX_JSON_KEYS: the most object keys a JSON request body may hold (413 beyond)."""
    max_model_bytes: int = 2 * 1024 * 1024
    """PETITIONFLOW_MAX_MODEL_BYTES: the largest BPMN, DMN or form file accepted."""
    session_cookie_secure: bool = False
    """PETITIONFLOW_SESSION_COOKIE_SECURE: send the session cookie over HTTPS only (set it behind TLS)."""
    timezone: str = "Asia/Ho_Chi_Minh"
    """PETITIONFLOW_TIMEZONE: the zone whose calendar days working-day deadlines count."""
    worker_max_sleep_ms: int = 5_000
    """PETITIONFLOW_WORKER_MAX_SLEEP_MS: longest the worker sleeps before looking for due work again."""
    worker_poll_ms: int = 250
    """PETITIONFLOW_WORKER_POLL_MS: on SQLite, how often a sleeping worker checks for an earlier timer."""
    worker_retry_max_ms: int = 30_000
    """PETITIONFLOW_WORKER_RETRY_MAX_MS: longest wait between the worker's tries to reach a lost database."""
    incident_max_attempts: int = 5
    """PETITIONFLOW_INCIDENT_MAX_ATTEMPTS: failed attempts of a timer step before it waits for an admin."""
    incident_backoff_ms: int = 30_000
    """PETITIONFLOW_INCIDENT_BACKOFF_MS: delay before the first retry of a failed step; doubles each time."""
    outbox_max_attempts: int = 5
    """PETITIONFLOW_OUTBOX_MAX_ATTEMPTS: tries to deliver a message nobody waits for before an incident."""
    outbox_backoff_ms: int = 10_000
    """PETITIONFLOW_OUTBOX_BACKOFF_MS: delay before retrying an undeliverable message; doubles each time."""

    trusted_proxy_hops: int = 0
    """PETITIONFLOW_TRUSTED_PROXY_HOPS: proxies in front whose X-Forwarded-For/-Proto are believed (0: none)."""
    login_max_failures: int = 5
    """PETITIONFLOW_LOGIN_MAX_FAILURES: failed sign-ins of one account from one address before that pair waits (429)."""
    login_max_failures_per_account: int = 100
    """PETITIONFLOW_LOGIN_MAX_FAILURES_PER_ACCOUNT: failed sign-ins of one account from anywhere before it waits."""
    login_max_failures_per_address: int = 20
    """PETITIONFLOW_LOGIN_MAX_FAILURES_PER_ADDRESS: failed sign-ins from one address before it is slowed down."""
    track_max_lookups: int = 30
    """PETITIONFLOW_TRACK_MAX_LOOKUPS: failed tracking-code lookups from one address before it is slowed down
    (correct codes never count, so a busy one-stop-shop desk is not blocked)."""
    throttle_window_s: int = 900
    """PETITIONFLOW_THROTTLE_WINDOW_S: attempts further apart than this start the count again."""
    session_idle_s: int = 8 * 3600
    """PETITIONFLOW_SESSION_IDLE_S: a signed-in session left unused this long ends (sign in again)."""
    session_max_s: int = 7 * 24 * 3600
    """PETITIONFLOW_SESSION_MAX_S: a session ends this long after signing in, however busy."""
    throttle_block_s: int = 60
    """PETITIONFLOW_THROTTLE_BLOCK_S: the first wait imposed; it doubles with each further attempt (at most 1 day)."""
    step_memory_mb: int = 256
    """PETITIONFLOW_STEP_MEMORY_MB: growth of the process a single engine step may cause before it is stopped."""
    step_time_s: int = 30
    """PETITIONFLOW_STEP_TIME_S: longest one engine step (all the scripts it runs) may take before it is stopped."""
    step_max_tasks: int = 5_000
    """PETITIONFLOW_STEP_MAX_TASKS: engine tasks one step may create (multi-instance, loops, call activities)."""
    max_state_bytes: int = 5 * 1024 * 1024
    """PETITIONFLOW_MAX_STATE_BYTES: largest engine state one step may save; over it the step fails, nothing saved."""
    web_threads: int = 8
    """PETITIONFLOW_WEB_THREADS: request threads per web worker process (slow clients hold one each)."""
    web_timeout_s: int = 30
    """PETITIONFLOW_WEB_TIMEOUT_S: a request running longer gets its web worker process restarted."""
    process_memory_mb: int = 0
    """PETITIONFLOW_PROCESS_MEMORY_MB: address-space limit of worker and web processes (0: none)."""
    audit_key: str = ""
    """PETITIONFLOW_AUDIT_KEY: the key audit checkpoints are sealed with (HMAC); the key file's when unset."""
    audit_key_file: str = ""
    """PETITIONFLOW_AUDIT_KEY_FILE: file holding that key, created on first use (default: beside the database)."""
    audit_checkpoint_file: str = ""
    """PETITIONFLOW_AUDIT_CHECKPOINT_FILE: the append-only log of audit checkpoints (default: beside the database)."""
    audit_checkpoint_interval_s: int = 300
    """PETITIONFLOW_AUDIT_CHECKPOINT_INTERVAL_S: how often the worker checks and seals the trail (0: never)."""
    max_attachment_bytes: int = 10 * 1024 * 1024
    """PETITIONFLOW_MAX_ATTACHMENT_BYTES: the largest file attached to a petition (scanned letter, evidence...)."""
    clamd_address: str = ""
    """PETITIONFLOW_CLAMD_ADDRESS: ClamAV's clamd (a Unix socket path, or host:port) scanning every attached file;
    an infected file is refused. Empty: files are not scanned."""
    clamd_timeout_s: int = 30
    """PETITIONFLOW_CLAMD_TIMEOUT_S: how long to wait for clamd's verdict before refusing the file."""
    smtp_host: str = ""
    """PETITIONFLOW_SMTP_HOST: the mail server notifications are sent through; empty: e-mail is not configured
    (notifications wait in the outbox, shown to admins as not configured)."""
    smtp_port: int = 0
    """PETITIONFLOW_SMTP_PORT: its port (0: 25, 587 with starttls, 465 with ssl)."""
    smtp_tls: str = "none"
    """PETITIONFLOW_SMTP_TLS: `none`, `starttls` (upgrade a plain connection) or `ssl` (TLS from the start)."""
    smtp_user: str = ""
    """PETITIONFLOW_SMTP_USER: the account to log in with (none: no login)."""
    smtp_password: str = ""
    """PETITIONFLOW_SMTP_PASSWORD: that account's password."""
    smtp_sender: str = "petitionflow@localhost"
    """PETITIONFLOW_SMTP_SENDER: the From address of notifications (the department's mailbox)."""
    smtp_timeout_s: int = 30
    """PETITIONFLOW_SMTP_TIMEOUT_S: longest wait for the mail server in one send."""
    sms_adapter: str = ""
    """PETITIONFLOW_SMS_ADAPTER: how SMS go: empty (not configured), `log` or `module:Class` (see notifiers.py)."""
    zalo_adapter: str = ""
    """PETITIONFLOW_ZALO_ADAPTER: how Zalo messages are sent: empty (not configured), `log`, or `module:Class`."""
    notify_max_attempts: int = 6
    """PETITIONFLOW_NOTIFY_MAX_ATTEMPTS: sends of a notification that fail before it is given up (an incident)."""
    notify_backoff_ms: int = 60_000
    """PETITIONFLOW_NOTIFY_BACKOFF_MS: delay before resending a failed notification; doubles each time."""
    notify_lease_s: int = 300
    """PETITIONFLOW_NOTIFY_LEASE_S: on PostgreSQL, a notification claimed this long ago and not marked sent is
    taken as lost in a crashed worker and sent again (on SQLite a restarted worker resends at once)."""
    notify_digest_hour: int = 7
    """PETITIONFLOW_NOTIFY_DIGEST_HOUR: the local hour from which each user's daily digest of tasks is written."""
    notify_due_soon_hours: int = 24
    """PETITIONFLOW_NOTIFY_DUE_SOON_HOURS: a task due within this many hours is reported as due soon."""
    notify_scan_interval_s: int = 60
    """PETITIONFLOW_NOTIFY_SCAN_INTERVAL_S: how often the worker looks for tasks falling due and digests to write."""
    notify_skip_kinds: str = "minutes,periodic_report"
    """PETITIONFLOW_NOTIFY_SKIP_KINDS: document kinds not sent to the petitioner (every other kind is)."""
    notify_templates_dir: str = ""
    """PETITIONFLOW_NOTIFY_TEMPLATES_DIR: the message templates (default: `notifications/` of the process pack)."""
    public_url: str = ""
    """PETITIONFLOW_PUBLIC_URL: the address people reach the service at, for links in notifications."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read every setting from the environment, falling back to the defaults above."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f"PETITIONFLOW_{f.name.upper()}")
            if raw is None or raw == "":
                continue
            if f.type in ("bool", bool):
                values[f.name] = raw.strip().lower() in ("1", "true", "yes", "on")
            elif f.type in ("int", int):
                values[f.name] = int(raw)
            else:
                values[f.name] = raw
        values.setdefault("database_url", f"sqlite:///{Path.cwd() / DEFAULT_DATABASE_FILE}")
        return cls(**values)  # type: ignore[arg-type]

    @property
    def is_sqlite(self) -> bool:
        """Whether the database is an SQLite file (one writer at a time)."""
        return self.database_url.startswith("sqlite")


def documented_variables() -> list[tuple[str, str]]:
    """(variable, default) for every setting, as the README lists them."""
    defaults = Settings()
    return [(f"PETITIONFLOW_{f.name.upper()}", str(getattr(defaults, f.name))) for f in fields(Settings)]
