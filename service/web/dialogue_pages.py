"""Stub."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("dialogues", __name__)
