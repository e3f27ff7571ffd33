"""Channels that carry notifications to people: e-mail over SMTP, and SMS and Zalo through adapters.

Every channel is a `Notifier`: `send(message)` returns when the provider accepted the message and raises
`SendFailed` otherwise (`permanent=True` when sending again cannot help, a refused address say). The
worker calls it outside any database transaction and records the outcome afterwards.

- **E-mail** (`SmtpNotifier`) uses the standard library's `smtplib` and `email`: settings
  `PETITIONFLOW_SMTP_HOST`, `_PORT`, `_TLS` (`none`, `starttls`, `ssl`), `_USER`, `_PASSWORD`, `_SENDER`.
  Each message carries the notification's stable `Message-ID`, the same on every attempt.
- **SMS and Zalo** have no provider built in: Vietnamese SMS brand-name gateways and Zalo's ZNS each
  need a contract and credentials. An operator sets `PETITIONFLOW_SMS_ADAPTER` / `PETITIONFLOW_ZALO_ADAPTER`
  to `log` (write each message to the worker's log: to see what would go out) or to `package.module:Class`,
  a class of their own built as `Class(settings)` with this `send` method.

No channel configured means its notifications stay in the outbox, shown to admins as not configured.
"""

from __future__ import annotations

import importlib
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol

from .config import Settings

log = logging.getLogger("petitionflow.notify")

CHANNELS = ("email", "sms", "zalo")


@dataclass(frozen=True)
class Outgoing:
    """One message as a channel sends it."""

    recipient: str
    subject: str
    body: str
    message_id: str
    attachment: tuple[str, str, bytes] | None = None
    """(file name, content type, bytes) of a document going with it, when the channel carries files."""


class SendFailed(Exception):
    """The provider did not accept the message; `permanent` when trying again cannot help."""

    def __init__(self, text: str, permanent: bool = False) -> None:
        super().__init__(text)
        self.permanent = permanent


class Notifier(Protocol):
    """The interface of a channel: send one message or raise `SendFailed`."""

    def send(self, message: Outgoing) -> None:
        """Hand `message` to the provider; return once it accepted it."""


class SmtpNotifier:
    """E-mail through one SMTP server, a connection per message (notifications are few)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def _port(self) -> int:
        s = self.settings
        return s.smtp_port or {"ssl": 465, "starttls": 587}.get(s.smtp_tls, 25)

    def build(self, message: Outgoing) -> EmailMessage:
        """The e-mail of `message`: plain text in UTF-8, the document as an attachment."""
        mail = EmailMessage()
        mail["From"] = self.settings.smtp_sender
        mail["To"] = message.recipient
        mail["Subject"] = message.subject
        mail["Date"] = formatdate(localtime=False)
        mail["Message-ID"] = message.message_id
        mail.set_content(message.body)
        if message.attachment is not None:
            name, content_type, data = message.attachment
            main, _, sub = content_type.partition("/")
            mail.add_attachment(data, maintype=main, subtype=sub or "octet-stream", filename=name)
        return mail

    def send(self, message: Outgoing) -> None:
        """Send over SMTP; 4xx answers and lost connections are temporary, 5xx answers permanent."""
        s = self.settings
        mail = self.build(message)
        try:
            if s.smtp_tls == "ssl":
                client: smtplib.SMTP = smtplib.SMTP_SSL(s.smtp_host, self._port(), timeout=s.smtp_timeout_s,
                                                        context=ssl.create_default_context())
            else:
                client = smtplib.SMTP(s.smtp_host, self._port(), timeout=s.smtp_timeout_s)
            with client:
                if s.smtp_tls == "starttls":
                    client.starttls(context=ssl.create_default_context())
                if s.smtp_user:
                    client.login(s.smtp_user, s.smtp_password)
                refused = client.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            raise SendFailed(f"the mail server refused {message.recipient}: {exc.recipients}",
                             permanent=_permanent(exc.recipients)) from None
        except smtplib.SMTPResponseException as exc:
            raise SendFailed(f"the mail server answered {exc.smtp_code} {exc.smtp_error!r}",
                             permanent=500 <= exc.smtp_code < 600) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise SendFailed(f"the mail server could not be reached: {exc}") from None
        if refused:
            raise SendFailed(f"the mail server refused {message.recipient}: {refused}", permanent=_permanent(refused))


def _permanent(refused: dict[str, tuple[int, bytes]]) -> bool:
    return all(500 <= code < 600 for code, _text in refused.values())


class LogNotifier:
    """Writes each message to the worker's log instead of sending it (an operator's dry run)."""

    def __init__(self, settings: Settings, channel: str = "sms") -> None:
        self.channel = channel

    def send(self, message: Outgoing) -> None:
        """Log the message as sent."""
        log.info("%s to %s [%s]: %s", self.channel, message.recipient, message.message_id,
                 f"{message.subject} — {message.body}".replace("\n", " ")[:500])


def _adapter(spec: str, settings: Settings, channel: str) -> Notifier | None:
    if not spec:
        return None
    if spec == "log":
        return LogNotifier(settings, channel)
    module_name, _, class_name = spec.partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    notifier: Notifier = cls(settings)
    return notifier


def configured(settings: Settings) -> dict[str, Notifier]:
    """The channels this deployment can send on, by name (none configured: an empty mapping)."""
    found: dict[str, Notifier] = {}
    if settings.smtp_host:
        found["email"] = SmtpNotifier(settings)
    for channel, spec in (("sms", settings.sms_adapter), ("zalo", settings.zalo_adapter)):
        adapter = _adapter(spec, settings, channel)
        if adapter is not None:
            found[channel] = adapter
    return found
