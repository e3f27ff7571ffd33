"""What agencies published on their public pages, as JSON for the departments' own websites."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..domain import publications
from .common import PREFIX, context, public
from .schemas.publications import PublicationListingSchema

blp = Blueprint("publications", __name__, url_prefix=f"{PREFIX}/public/agencies",
                description="Published plans, dialogues and notices of results (no sign-in)")


@blp.route("/<string:agency>/publications")
@public
class PublicationList(MethodView):
    """An agency's publications."""

    @blp.response(200, PublicationListingSchema)
    def get(self, agency: str) -> Any:
        """The plan for the year, upcoming and past dialogues and notices of results that the information
        centre published; names, contacts and confidential petitions never appear. 404 for an unknown agency."""
        return publications.listing(context(), agency)
