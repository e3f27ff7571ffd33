"""Issue 16 point 6: `next=` never sends anyone to another site, and odd characters in it never give a 500."""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

import pytest
from flask import Flask

from tests.api.conftest import PASSWORD

HOSTILE = ["/%09/evil.com", "/%0a/evil.com", "/%0d/evil.com", "/%0d%0aSet-Cookie:%20x=1", "//evil.com",
           "https://evil.com/", "/%5Cevil.com", "%5C%5Cevil.com", "/%20/evil.com", "javascript:alert(1)",
           "/%E2%80%A8/evil.com", "http:/evil.com", "%09//evil.com"]


def _lands_here(response: Any) -> str:
    assert response.status_code == 302, (response.status_code, response.get_data(as_text=True)[:300])
    location = response.headers["Location"]
    squeezed = re.sub(r"[\x00-\x20\x7f\\]", "", urllib.parse.unquote(location)).replace("\\", "/")
    parts = urllib.parse.urlsplit(squeezed)
    assert parts.netloc in ("", "localhost") and parts.scheme in ("", "http"), location
    assert "\r" not in location and "\n" not in location
    return location


@pytest.mark.parametrize("target", HOSTILE)
def test_p06_language_switch_never_leaves_the_site(app: Flask, target: str) -> None:
    answer = app.test_client().get(f"/lang/vi?next={target}")
    assert _lands_here(answer).endswith("/home")


@pytest.mark.parametrize("target", HOSTILE)
def test_p06_sign_in_never_leaves_the_site(app: Flask, target: str) -> None:
    client = app.test_client()
    form = client.get(f"/signin?next={target}")
    assert form.status_code == 200
    assert 'name="next"' not in form.get_data(as_text=True)  # not even carried in the form
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.get_data(as_text=True))
    assert token is not None
    answer = client.post(f"/signin?next={target}", data={"username": "vanphong", "password": PASSWORD,
                                                         "csrf_token": token.group(1)})
    assert _lands_here(answer).endswith("/home")


def test_p06_a_local_next_is_kept(app: Flask) -> None:
    assert app.test_client().get("/lang/en?next=/petitions%3Fstatus%3Dopen").headers["Location"] \
        == "/petitions?status=open"
