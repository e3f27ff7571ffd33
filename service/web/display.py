"""How the pages name the service's codes (sources, fields, stages, outcomes, event types)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Flask

from .diagram import localized, process_name
from .i18n import bilingual, format_number, format_when
from .i18n import translate as _
from .names import actor_label, field_names, unit_label
from .navigation import role_label


def code_label(code: Any) -> str:
    """A register code (source, channel, field, urgency, outcome, status) in the current language."""
    if code in (None, ""):
        return "—"
    names = {
        "citizen": _("Citizen"), "organisation": _("Organisation"), "staff": _("Staff member"),
        "paper": _("Letter"), "reception": _("At the reception"), "unit": _("Through a unit"),
        "conference": _("At the dialogue conference"), "electronic": _("Website or e-mail"),
        "from_agency": _("Forwarded by another agency"),
        "science": _("Science"), "technology": _("Technology, innovation"),
        "standards": _("Standards, metrology, quality"), "ip": _("Intellectual property"),
        "administration": _("Administrative procedures"), "personnel": _("Personnel, staff policy"),
        "other": _("Other field"), "urgent": _("Urgent"), "high": _("High"), "normal": _("Normal"), "low": _("Low"),
        "within": _("Within competence"), "beyond": _("Beyond competence"),
        "answered": _("Answered at the conference"), "written_reply": _("Written reply"),
        "escalated": _("Reported to the superior"), "dialogue_failed": _("Dialogue failed"),
        "unfounded": _("Closed as unfounded"), "withdrawn": _("Withdrawn"),
        "terminated": _("Handling terminated"),
        "khieu_nai": _("Complaint"), "to_cao": _("Denunciation"), "kien_nghi": _("Recommendation"),
        "phan_anh": _("Reflection"), "thu_ly": _("Accepted for handling"),
        "chuyen_don": _("Forwarded to the competent agency"),
        "huong_dan": _("Petitioner guided to the competent agency"),
        "luu_don": _("Filed without action"), "filed": _("Filed without action"),
        "forwarded": _("Forwarded to the competent agency"), "guided": _("Petitioner guided to the competent agency"),
        "an_danh": _("Anonymous"), "trung_lap": _("Duplicate"), "khong_du_dieu_kien": _("Does not meet the conditions"),
        "received": _("Received"), "closed": _("Closed"), "awaiting_dialogue": _("Awaiting the dialogue"),
        "in_progress": _("In progress"), "ready": _("Open"), "completed": _("Completed"),
        "cancelled": _("Cancelled"), "running": _("Running"), "suspended": _("Suspended"),
        "planning": _("Planning"), "held": _("Held"), "periodic": _("Periodic"), "adhoc": _("Ad-hoc"),
        "unknown": _("Not set"),
    }
    planned = field_names().get(str(code))  # a field the agency's plan names (e.g. a new department's)
    if planned and planned != str(code):  # a plan whose units only list a field's code does not name it
        return planned
    return names.get(str(code), str(code))


def forward_status(link: Any) -> str:
    """Where the other agency's petition of a forwarding stands: its open step as the process names it, or how
    it ended (`forward_links.ForwardLink`); nothing of its content."""
    if link.closed:
        return f"{_('Closed')}: {code_label(link.outcome)}" if link.outcome else _("Closed")
    return bilingual(link.step) if link.step else code_label(link.stage)


def event_label(kind: str) -> str:
    """An audit event type in the current language."""
    names = {
        "instance_started": _("Process started"), "instance_completed": _("Process completed"),
        "task_created": _("Task opened"), "task_completed": _("Task completed"),
        "task_claimed": _("Task claimed"), "task_unclaimed": _("Task released"),
        "task_assigned": _("Task assigned"), "task_cancelled": _("Task withdrawn"),
        "element_completed": _("Step completed"), "gateway_taken": _("Path chosen"),
        "timer_fired": _("Timer fired"), "message_thrown": _("Message sent"),
        "message_delivered": _("Message received"), "escalation_thrown": _("Escalation raised"),
        "model_deployed": _("Process model deployed"), "login_failed": _("Failed sign-in"),
        "user_created": _("Account created"), "user_disabled": _("Account disabled"),
        "user_enabled": _("Account enabled"), "confidential_read": _("Confidential item read"),
        "password_changed": _("Password changed"), "username_refused": _("Username refused"),
        "token_created": _("API token created"), "token_revoked": _("API token revoked"),
        "login_throttled": _("Sign-in paused after failures"),
        "confidential_listed": _("Confidential items listed"),
        "dialogue_cancelled": _("Dialogue called off"), "task_moved": _("Task moved to another unit"),
        "user_roles_changed": _("Roles changed"),
        "group_created": _("Group created"), "group_granted": _("Group granted"),
        "group_revoked": _("Group revoked"),
        "attachment_uploaded": _("File attached"), "attachment_downloaded": _("File downloaded"),
        "petition_forwarded": _("Petition forwarded to another agency"),
        "forwarded_petition_received": _("Forwarded petition received"),
        "document_issued": _("Document issued"), "petition_withdrawn": _("Petition withdrawn"),
        "deadline_extended": _("Deadline extended"),
        "instance_migrated": _("Moved to a new version of the process"),
        "instance_suspended": _("Handling suspended"), "instance_resumed": _("Handling resumed"),
        "instance_terminated": _("Handling ended by an administrator"),
        "incident_opened": _("A step failed and awaits an administrator"),
        "incident_resolved": _("Failed step resolved"),
    }
    return names.get(kind, kind)


def thousands(value: Any) -> Any:
    """A count or amount with the page language's separators (20.000 in Vietnamese); anything that is not
    a number (a label in a table's first column, a dash) is shown as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    return format_number(float(value) if isinstance(value, Decimal) else value)


def register_filters(app: Flask) -> None:
    """Make the label helpers available to every template."""
    app.add_template_filter(thousands, "num")
    app.add_template_filter(code_label, "code")
    app.add_template_filter(event_label, "event")
    app.add_template_filter(forward_status, "forward_status")
    app.add_template_filter(role_label, "role")
    app.add_template_filter(bilingual, "bi")
    app.add_template_filter(format_when, "date")
    app.add_template_filter(unit_label, "unit")
    app.add_template_filter(actor_label, "actor")
    app.add_template_filter(localized, "localized")
    app.add_template_filter(process_name, "process_name")
