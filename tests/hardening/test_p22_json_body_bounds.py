"""Issue 16 point 22: a 13 MB JSON body with 1.2 million keys took 12.8 s of a worker without login.

JSON bodies are bounded in bytes (`PETITIONFLOW_MAX_JSON_BYTES`, 2 MB) and in object keys
(`PETITIONFLOW_MAX_JSON_KEYS`) before any parsing work: both answer 413 problem+json at once.
"""

from __future__ import annotations

import time

from flask import Flask

from service.config import Settings
from tests.api.conftest import problem_of


def test_p22_thirteen_megabytes_of_keys_is_a_quick_413(app: Flask) -> None:
    body = b"{" + b",".join(b'"k%d":1' % n for n in range(1_200_000)) + b"}"
    assert len(body) > 13_000_000
    began = time.process_time()
    response = app.test_client().post("/api/v1/petitions", data=body, content_type="application/json")
    took = time.process_time() - began
    assert "larger than" in problem_of(response, 413)["detail"]
    assert took < 2.0, f"{took:.1f} s"


def test_p22_body_over_the_json_limit_is_a_413(app: Flask) -> None:
    limit = Settings().max_json_bytes
    body = b'{"source": "citizen", "content": "' + b"x" * limit + b'"}'
    response = app.test_client().post("/api/v1/petitions", data=body, content_type="application/json")
    problem_of(response, 413)


def test_p22_too_many_keys_in_a_small_body_is_a_413(app: Flask) -> None:
    keys = Settings().max_json_keys + 1
    body = b'{"source": "citizen", "data": {' + b",".join(b'"%d":0' % n for n in range(keys)) + b"}}"
    assert len(body) < Settings().max_json_bytes
    began = time.process_time()
    response = app.test_client().post("/api/v1/petitions", data=body, content_type="application/json")
    assert "keys" in problem_of(response, 413)["detail"]
    assert time.process_time() - began < 2.0


def test_p22_keys_inside_strings_do_not_count(app: Flask) -> None:
    body = (b'{"source": "citizen", "channel": "electronic", "field": "science", "title": "t", "content": "'
            + b'a:b,' * 30_000 + b'"}')
    response = app.test_client().post("/api/v1/petitions", data=body, content_type="application/json")
    assert response.status_code != 413, response.get_data(as_text=True)
