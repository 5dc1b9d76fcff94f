"""Exceptions: only for misuse of the API and for evaluation that cannot go on.

Bad *input files* never raise: they give diagnostics.  Evaluation errors name the rule and the
input or parameter at fault, and where the rule was written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from paramcfg.diagnostics import Diagnostic, Span

__all__ = ["CheckFailed", "EvaluationError", "ParamcfgError"]


class ParamcfgError(Exception):
    """Base of paramcfg's exceptions.  ``msg`` is the bare message; ``str()`` adds the place."""

    def __init__(self, msg: str, span: Span | None = None) -> None:
        super().__init__(msg)
        self.msg = msg
        self.span = span

    def __str__(self) -> str:
        return f"{self.span}: {self.msg}" if self.span is not None else self.msg

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.msg, self.span))


class EvaluationError(ParamcfgError):
    """A rule could not be evaluated: a missing or ill-typed input, a date before the first
    effective date, a key outside every bracket, a parameter with no value."""

    def __init__(self, msg: str, span: Span | None = None, *, rule: str = "",
                 name: str = "") -> None:
        super().__init__(msg, span)
        self.rule = rule
        self.name = name

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_evaluation_error, (self.msg, self.span, self.rule, self.name))


def _rebuild_evaluation_error(msg: str, span: Span | None, rule: str, name: str) -> EvaluationError:
    return EvaluationError(msg, span, rule=rule, name=name)


class CheckFailed(ParamcfgError):  # noqa: N818 - reads as what happened: the check failed
    """A core or profile with errors was used where a clean one is needed."""

    def __init__(self, msg: str, diagnostics: tuple[Diagnostic, ...] = ()) -> None:
        super().__init__(msg)
        self.diagnostics = diagnostics

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.msg, self.diagnostics))
