"""The Atom feed (RFC 4287) of an agency's public pages, built with the standard library's XML writer."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from ..domain.publications import Item, Listing

ATOM = "http://www.w3.org/2005/Atom"


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _summary(item: Item) -> str:
    parts = [str(item.content.get(k)) for k in ("planned_on", "venue", "topic", "text") if item.content.get(k)]
    return "\n".join(parts)


EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
"""The feed's `updated` while nothing was published yet (a feed must carry one)."""


def atom(listing: Listing, page_url: str, feed_url: str) -> bytes:
    """The feed: one entry per published item, ids that never change (`urn:uuid:`), times in UTC."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = f"{page_url}#feed"
    ET.SubElement(feed, f"{{{ATOM}}}title").text = listing.agency_name
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _stamp(listing.updated_at or EPOCH)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=feed_url, type="application/atom+xml")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=page_url, type="text/html")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = listing.agency_name
    for item in listing.items:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"urn:uuid:{item.id}"
        ET.SubElement(entry, f"{{{ATOM}}}title").text = item.title
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(item.published_at)
        ET.SubElement(entry, f"{{{ATOM}}}published").text = _stamp(item.published_at)
        ET.SubElement(entry, f"{{{ATOM}}}category", term=item.kind)
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=f"{page_url}#p-{item.id}", type="text/html")
        ET.SubElement(entry, f"{{{ATOM}}}content", type="text").text = _summary(item)
    body: bytes = ET.tostring(feed, encoding="utf-8")
    return body if body.startswith(b"<?xml") else b'<?xml version="1.0" encoding="utf-8"?>\n' + body
