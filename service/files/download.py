"""The headers every file download carries: a download, never a page (no inline rendering, no sniffing,
no scripts even if a browser were to try)."""

from __future__ import annotations

from urllib.parse import quote

from .sniff import ascii_name

DOWNLOAD_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'; form-action 'none'; base-uri 'none'"


def content_disposition(name: str) -> str:
    """`attachment` with an ASCII `filename` for old clients and the exact name as RFC 5987 `filename*`."""
    return f"attachment; filename=\"{ascii_name(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


def download_headers(name: str) -> dict[str, str]:
    """Headers of a file download named `name`."""
    return {"Content-Disposition": content_disposition(name), "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": DOWNLOAD_CSP, "Cache-Control": "private, no-store",
            "Cross-Origin-Resource-Policy": "same-origin"}
