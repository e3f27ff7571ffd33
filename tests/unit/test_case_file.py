"""Which documents a task decides on, and how a changed draft is shown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from service.domain.case_file import Step, Value, _documents, _since_last_decision

T0 = datetime(2026, 3, 2, tzinfo=UTC)


def _step(minute: int, title: str, choices: dict[str, str] | None = None, notes: dict[str, str] | None = None) -> Step:
    return Step("task", T0 + timedelta(minutes=minute), "someone", title, f"t{minute}", title,
                [Value(k, k, k, v, v, "choice") for k, v in (choices or {}).items()],
                [Value(k, k, k, v) for k, v in (notes or {}).items()])


def test_a_signature_covers_every_text_written_since_the_last_decision() -> None:
    steps = [_step(1, "hold_conference", notes={"conference_minutes": "Biên bản"}),
             _step(2, "sign_results", {"sign_decision": "return"}, {"sign_note": "Sửa"}),
             _step(3, "notice_results", notes={"results_notice": "Thông báo lần 2"}),
             _step(4, "report_upward", notes={"report_text": "Báo cáo lần 2"})]
    assert [s.title for s in _since_last_decision(steps)] == ["report_upward", "notice_results"]
    assert [s.title for s in _since_last_decision(steps[:2])] == ["sign_results"]  # the reason it came back


def test_a_new_version_shows_its_changes_and_the_decision_waits() -> None:
    steps = [_step(1, "draft", notes={"draft_answer": "Một\nHai"}),
             _step(2, "review", {"review_decision": "return"}, {"review_note": "Sửa dòng hai"}),
             _step(3, "draft", notes={"draft_answer": "Một\nHai đã sửa"})]
    draft = next(d for d in _documents(steps) if d.key == "draft_answer")
    assert draft.version == 2 and draft.decided == []
    assert draft.changes == ["@@ -1,2 +1,2 @@", " Một", "-Hai", "+Hai đã sửa"]
    note = next(d for d in _documents(steps) if d.key == "review_note")
    assert note.decided is None  # a comment beside a decision is decided on by no one
    first = _documents(steps[:2])[1]
    assert first.key == "draft_answer" and [c.choice for _t, c in first.decided] == ["return"]
