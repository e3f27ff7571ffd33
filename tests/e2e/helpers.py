"""What the journeys share: checking a page's visible text is Vietnamese, working a task in the
browser, and finishing the side steps of a dialogue through the use cases."""

from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy import select

from service.domain import web_tasks
from service.store.tables import HumanTask, ProcessInstance
from service.usecases import sessions
from service.usecases.context import Context
from service.web import i18n
from tests.dates import service_today

VISIBLE_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const el = node.parentElement;
    // diagrams shown to read count (lanes, elements); the designer's modeler and panel show what they typed
    if (!el || el.closest('script, style, #modeler, #panel, .djs-palette, .djs-context-pad, [hidden]')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const text = node.textContent.trim();
    if (text) out.push(text);
  }
  document.querySelectorAll('[placeholder]').forEach(e => out.push(e.getAttribute('placeholder')));
  return out;
}"""


RAW_CODES = frozenset({"reception", "office", "inspectorate", "director", "unit", "infocenter", "designer", "auditor",
                       "admin", "public", "system", "science", "technology"})
"""Codes the pages must show by name: lanes and roles, the citizen and the system as actors, units."""


def english_left(texts: list[str]) -> list[str]:
    """Texts that are (or contain) an English message the catalogue translates differently, a raw code
    (`RAW_CODES`, or one in parentheses), or the English half of a 'Vietnamese / English' name."""
    english = [k for k, v in i18n.catalogue().items() if v != k]
    hits = [f"{text!r} (a raw code)" for text in texts
            if text in RAW_CODES or any(f"({code})" in text for code in RAW_CODES)]
    hits += [f"{text!r} (both languages)" for text in texts if re.search(r"\w / [A-Za-z]", text)]
    for text in texts:
        for message in english:
            plain = message.split("{")[0].strip()
            if text == message or (len(plain.split()) >= 2 and plain in text):
                hits.append(f"{text!r} (catalogue: {message!r})")
    return hits


def check_vietnamese(page: Any) -> None:
    """The page shows no English message of the catalogue and the server asked for no missing one."""
    hits = english_left(page.evaluate(VISIBLE_TEXT))
    assert not hits, f"untranslated on {page.url}: {hits}"
    assert not i18n.missing, f"messages missing from the catalogue: {sorted(i18n.missing)}"


def no_overflow(page: Any) -> None:
    """Nothing is wider than the screen (no horizontal scrolling)."""
    wide = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    culprits = page.evaluate("""() => [...document.querySelectorAll('body *')]
      .filter(e => !e.closest('svg') && e.getBoundingClientRect().right > window.innerWidth + 0.5)
      .slice(-5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '')
        + ' ' + (e.textContent || '').trim().slice(0, 40))""") if wide > 0 else []
    assert wide <= 0, f"{page.url} overflows the {page.viewport_size['width']} px screen by {wide} px: {culprits}"


def open_task(page: Any, code: str, element_name_vi: str) -> None:
    """From the task list, open the task of petition `code` whose name starts with `element_name_vi`."""
    page.goto("/tasks")
    check_vietnamese(page)
    row = page.locator("tr", has_text=code).filter(has_text=element_name_vi)
    row.locator("a").first.click()
    page.wait_for_selector("[data-testid=task-form]")
    check_vietnamese(page)


def fill_form(page: Any, values: dict[str, Any]) -> None:
    """Fill the task form's fields by key (selects by value, checkboxes by truth)."""
    for key, value in values.items():
        field = page.locator(f'[name="f.{key}"]').first
        tag = field.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if tag.startswith("select"):
            field.select_option(str(value))
        elif tag.endswith("checkbox"):
            field.set_checked(bool(value))
        else:
            field.fill(str(value))


def submit_task(page: Any) -> None:
    """Complete the task and land back on the task list."""
    page.click("[data-testid=task-form] button[type=submit]")
    page.wait_for_url("**/tasks?done=*")
    check_vietnamese(page)


def ready_task(ctx: Context, instance_id: uuid.UUID, element_id: str) -> uuid.UUID:
    """The id of the ready task `element_id` of an instance."""
    with ctx.uow(write=False) as uow:
        found = uow.session.execute(select(HumanTask.id).where(
            HumanTask.instance_id == instance_id, HumanTask.element_id == element_id,
            HumanTask.status == "ready")).scalar_one()
    return found


def _default(component: dict[str, Any]) -> Any:
    kind = component["type"]
    if component.get("values"):
        return component["values"][0]["value"]
    if kind == "datetime":
        return service_today().isoformat()
    if kind == "number":
        return 1
    if kind == "checkbox":
        return False
    return "Nội dung thử nghiệm"


def finish_step(ctx: Context, username: str, instance_id: uuid.UUID, element_id: str) -> None:
    """Complete a side step as `username`, with each required field at a plain valid value."""
    from service.usecases import task_queries

    actor = sessions.actor_for(ctx, username, "demo")
    assert actor is not None
    task_id = ready_task(ctx, instance_id, element_id)
    form = task_queries.get_task(ctx, actor, task_id).form or {}
    data = {c["key"]: _default(c) for c in form.get("components", [])
            if c.get("key") and (c.get("validate") or {}).get("required") and not c.get("conditional")}
    data.update({key: "https://so.gov.vn/dang-tai" for key in data if key.endswith("_url")})  # links are checked
    if "petition_type" in data:  # the receiver chooses the type; a plain recommendation keeps the plan's deadlines
        data["petition_type"] = "kien_nghi"
    if "planned_quarter" in data:  # the planned date (today) must fall in the planned quarter
        data["planned_quarter"] = f"Q{(service_today().month - 1) // 3 + 1}"
    web_tasks.complete(ctx, actor, task_id, data)


def instance_of(ctx: Context, business_key: str) -> uuid.UUID:
    """The instance with this business key."""
    with ctx.uow(write=False) as uow:
        return uow.session.execute(select(ProcessInstance.id).where(
            ProcessInstance.business_key == business_key)).scalar_one()


def deliver_messages(ctx: Context) -> int:
    """Do what the worker does between requests: deliver every pending message (dialogue outcomes)."""
    from service.usecases import clock, timers

    delivered = 0
    while timers.deliver_next_message(ctx, clock.now()) is not None:
        delivered += 1
    return delivered
