"""Pages for anyone: send a petition (and get its tracking code), follow it with that code.

The public acts as `Actor("public", agency)`: the use cases decide what it may do and see (it sees
only the tracking view, never names, notes or confidential content).
"""

from __future__ import annotations

import math
from datetime import timedelta

from flask import Blueprint, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from ..domain import petition_tracking, petitions
from ..domain.publications import listing as published_listing
from ..usecases import clock, files
from ..usecases.context import Actor
from ..usecases.errors import Invalid, NotFound
from ..usecases.throttle import Throttled
from . import security
from .attachment_pages import uploads
from .petition_pages import FIELDS, field_errors, intake_data, posted_token, submission_token
from .publication_feed import atom

bp = Blueprint("public", __name__)
RECEIPT = "receipt"
"""Session key of the last receipt this browser got (shown again, never re-sent, on reload)."""


def _agency() -> str:
    agency = request.values.get("agency", "").strip()
    return agency[:32] if agency else security.context().settings.default_agency


@bp.route("/public/petition", methods=["GET", "POST"])
def submit() -> Response | str | tuple[str, int]:
    """The public petition form; on success, a redirect to the receipt (so reloading it sends nothing)."""
    agency = _agency()
    values = {"source": "citizen", "field": "science"}
    if request.method == "POST":
        values = intake_data(request.form, public=True)
        token = submission_token(request.form)
        try:
            info = petitions.submit(security.context(), Actor("public", agency, frozenset(), False), values,
                                    idempotency_key=posted_token(request.form),
                                    attachments=uploads(request.files.getlist(files.FIELD)))
        except Invalid as exc:
            return render_template("public/submit.html", v=values, errors=field_errors(exc), fields=FIELDS,
                                   agency=agency, submission=token), 422
        except NotFound:
            return render_template("public/submit.html", v=values, errors={"": ["agency"]}, fields=FIELDS,
                                   agency=agency, unknown_agency=True, submission=token), 404
        session[RECEIPT] = {"code": info.code, "tracking": info.tracking_code}
        return redirect(url_for("web.public.received"), 303)
    return render_template("public/submit.html", v=values, errors={}, fields=FIELDS, agency=agency,
                           submission=submission_token())


@bp.get("/public/petition/received")
def received() -> Response | str:
    """The receipt of the petition this browser sent last: its number and tracking code."""
    receipt = session.get(RECEIPT)
    if not isinstance(receipt, dict) or not receipt.get("tracking"):
        return redirect(url_for("web.public.submit"))
    return render_template("public/received.html", code=receipt.get("code", ""), tracking=receipt["tracking"])


@bp.route("/public/track", methods=["GET", "POST"])
def track() -> str | tuple[str, int] | tuple[str, int, dict[str, str]]:
    """Where a petition stands, by its tracking code; a wrong code reveals nothing. The form posts the code,
    so it stays out of the address bar, the browser's history and the server's logs; a link of before
    (`?code=`) still answers."""
    code = (request.form if request.method == "POST" else request.args).get("code", "").strip()[:100]
    if not code:
        return render_template("public/track.html", status=None, code="", missing=False)
    try:
        status = petition_tracking.track(security.context(), code, address=request.remote_addr or "unknown")
    except NotFound:
        return render_template("public/track.html", status=None, code=code, missing=True)
    except Throttled as exc:
        retry_at = clock.now() + timedelta(seconds=exc.retry_after)
        page = render_template("public/track.html", status=None, code=code, missing=False,
                               retry_at=retry_at, retry_minutes=max(1, math.ceil(exc.retry_after / 60)))
        return page, 429, {"Retry-After": str(exc.retry_after)}
    return render_template("public/track.html", status=status, code=code, missing=False)


@bp.get("/cong-khai/<string:agency>/")
def agency_page(agency: str) -> str:
    """An agency's public pages: its plan for the year, upcoming and past dialogues, notices of results.

    Only what the information centre's publishing steps published, with personal data removed.
    """
    listing = published_listing(security.context(), agency)
    return render_template("public/publications.html", listing=listing)


@bp.get("/cong-khai/<string:agency>/feed.atom")
def agency_feed(agency: str) -> Response:
    """The same published items as an Atom feed, for the department's own website."""
    listing = published_listing(security.context(), agency)
    page = url_for("web.public.agency_page", agency=agency, _external=True)
    body = atom(listing, page, url_for("web.public.agency_feed", agency=agency, _external=True))
    # the same for everyone: the websites that show it may poll it
    return Response(body, content_type="application/atom+xml; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=300"})
