"""Deployed process versions, parsed once per process and kept by version."""

from __future__ import annotations

import threading
from collections import OrderedDict

from sqlalchemy.orm import Session

from workflows.errors import ModelError
from workflows.models import ProcessModel, parse_model

from ..store.tables import ProcessVersion


def resources_as_bytes(row: ProcessVersion) -> dict[str, bytes]:
    """A stored version's forms and decision tables, as the parser takes them."""
    return {name: text.encode("utf-8") for name, text in (row.resources or {}).items()}


class Catalog:
    """Parsed models by process version id, least recently used dropped first."""

    def __init__(self, capacity: int = 64) -> None:
        self._capacity = capacity
        self._models: OrderedDict[int, ProcessModel] = OrderedDict()
        self._lock = threading.Lock()

    def model_by_id(self, session: Session, version_id: int) -> ProcessModel:
        """The parsed model of version `version_id`, reading the row only when it is not cached."""
        with self._lock:
            model = self._models.get(version_id)
        if model is not None:
            return model
        return self.model(session.get_one(ProcessVersion, version_id))

    def model(self, row: ProcessVersion) -> ProcessModel:
        """The parsed model of a stored version; parsed the first time it is asked for."""
        with self._lock:
            model = self._models.get(row.id)
            if model is not None:
                self._models.move_to_end(row.id)
                return model
        try:
            model = parse_model(row.bpmn_xml.encode("utf-8"), resources_as_bytes(row), file_name=row.file_name)
        except ModelError as exc:  # a stored version always parsed once; this means the code changed
            raise RuntimeError(f"deployed process {row.key} v{row.version} no longer parses: {exc}") from exc
        if model.sha256 != row.sha256:
            raise RuntimeError(f"deployed process {row.key} v{row.version} does not match its stored hash")
        with self._lock:
            self._models[row.id] = model
            while len(self._models) > self._capacity:
                self._models.popitem(last=False)
        return model
