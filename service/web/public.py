"""Pages for anyone: send a petition (and get its tracking code), follow it with that code.

The public acts as `Actor("public", agency)`: the use cases decide what it may do and see (it sees
only the tracking view, never names, notes or confidential content).
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from ..usecases import petitions
from ..usecases.context import Actor
from ..usecases.errors import Invalid, NotFound
from . import security
from .petition_pages import FIELDS, field_errors, intake_data

bp = Blueprint("public", __name__)


def _agency() -> str:
    agency = request.values.get("agency", "").strip()
    return agency[:32] if agency else security.context().settings.default_agency


@bp.route("/public/petition", methods=["GET", "POST"])
def submit() -> str | tuple[str, int]:
    """The public petition form; on success, the tracking code to follow it with."""
    agency = _agency()
    values = {"source": "citizen", "field": "science"}
    if request.method == "POST":
        values = intake_data(request.form, public=True)
        try:
            info = petitions.submit(security.context(), Actor("public", agency, frozenset(), False), values)
        except Invalid as exc:
            return render_template("public/submit.html", v=values, errors=field_errors(exc), fields=FIELDS,
                                   agency=agency), 422
        except NotFound:
            return render_template("public/submit.html", v=values, errors={"": ["agency"]}, fields=FIELDS,
                                   agency=agency, unknown_agency=True), 404
        return render_template("public/received.html", code=info.code, tracking=info.tracking_code)
    return render_template("public/submit.html", v=values, errors={}, fields=FIELDS, agency=agency)


@bp.get("/public/track")
def track() -> str:
    """Where a petition stands, by its tracking code; a wrong code reveals nothing."""
    code = request.args.get("code", "").strip()
    if not code:
        return render_template("public/track.html", status=None, code="", missing=False)
    try:
        status = petitions.track(security.context(), code)
    except NotFound:
        return render_template("public/track.html", status=None, code=code, missing=True)
    return render_template("public/track.html", status=status, code=code, missing=False)
