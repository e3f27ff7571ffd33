"""What every `petitionflow` command shares: one `error:` line and exit status 1, and the context."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click

from .config import Settings
from .usecases.context import Context
from .usecases.errors import Invalid, UseCaseError

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str) -> NoReturn:
    """Print one `error:` line on standard error and exit with status 1."""
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def clear_errors(func: F) -> F:
    """Turn the errors users cause (bad input, refused actions, unreadable files) into one line."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except Invalid as exc:
            problems = [p for p in exc.problems if p != str(exc)]
            fail(f"{exc}: " + "; ".join(problems) if problems else str(exc))
        except (UseCaseError, OSError, ValueError) as exc:
            fail(str(exc))

    return wrapper  # type: ignore[return-value]


def context() -> Context:
    """The deployment the environment names."""
    from .usecases import notifications

    settings = Settings.from_env()
    notifications.configure(settings)  # templates, links and channels of the notifications its steps queue
    return Context.from_settings(settings)
