"""Pages speak Vietnamese down to the browser's own controls: the time zone in words, `lang="vi"`, and
file choosers whose button and 'nothing chosen' text are the page's, not the browser's."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import Flask

from service.usecases.context import Context
from service.web.i18n import zone_label
from tests.web.conftest import ROOT, signed_in


def test_the_zone_is_named_in_words_with_its_offset() -> None:
    at = datetime(2026, 11, 30, tzinfo=UTC)
    assert zone_label("Asia/Ho_Chi_Minh", at) == "Giờ Việt Nam (GMT+7)"
    assert zone_label("Asia/Kolkata", at) == "Kolkata (GMT+5:30)"


def test_the_footer_and_the_file_chooser_are_vietnamese(web: tuple[Flask, Context]) -> None:
    app, _ctx = web
    page = signed_in(app, "tiepnhan").get("/petitions/new").text
    assert '<html lang="vi">' in page
    footer = page.split('data-testid="time-zone"')[1].split("</footer>")[0]
    assert "Giờ Việt Nam (GMT+7)" in footer and "Asia/Ho_Chi_Minh" not in footer
    picker = re.search(r'<span class="file-pick">.*?</span></span>', page, re.S)
    assert picker, "the intake form has no labelled file chooser"
    chooser = picker.group(0)
    assert re.search(r'<input id="i-files" type="file"[^>]*class="visually-hidden"', chooser)
    assert '<label for="i-files" class="button secondary"' in chooser and ">Chọn tệp</label>" in chooser
    assert "Chưa chọn tệp nào" in chooser
    assert " style=" not in chooser and " onchange=" not in chooser  # the page policy allows neither
    script = (ROOT / "service" / "web" / "static" / "site.js").read_text(encoding="utf-8")
    assert "fileNames" in script  # the chosen files' names are shown by the static script
