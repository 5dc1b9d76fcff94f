"""Exceptions: only for misuse of the API and for evaluation that cannot go on.

Bad *input files* never raise: they give diagnostics.  Evaluation errors name the rule and the
input or parameter at fault, and where the rule was written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from paramcfg.diagnostics import Diagnostic, Span

__all__ = ["CheckFailed", "EvaluationError", "ParamcfgError", "missing_input"]


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
    effective date, a key outside every bracket, a parameter with no value.

    ``msg`` is English; ``msg_ja``, where given, says the same in Japanese (:meth:`message`).
    """

    def __init__(self, msg: str, span: Span | None = None, *, rule: str = "",
                 name: str = "", msg_ja: str = "") -> None:
        super().__init__(msg, span)
        self.rule = rule
        self.name = name
        self.msg_ja = msg_ja

    def message(self, lang: str = "en") -> str:
        """The message in ``lang`` ("ja" or "en"), with the place it refers to."""
        text = self.msg_ja if lang == "ja" and self.msg_ja else self.msg
        return f"{self.span}: {text}" if self.span is not None else text

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_evaluation_error,
                (self.msg, self.span, self.rule, self.name, self.msg_ja))


def _rebuild_evaluation_error(msg: str, span: Span | None, rule: str, name: str,
                              msg_ja: str = "") -> EvaluationError:
    return EvaluationError(msg, span, rule=rule, name=name, msg_ja=msg_ja)


def missing_input(rule: str, name: str, span: Span | None = None) -> EvaluationError:
    """Rule ``rule`` needs input ``name``, which was not given."""
    return EvaluationError(
        f"rule {rule} needs input {name}, which was not given (a missing input is never "
        "taken as zero)", span, rule=rule, name=name,
        msg_ja=f"ルール「{rule}」には入力「{name}」が必要ですが、与えられていません"
               "（入力がないときに 0 とみなすことはしません）")


class CheckFailed(ParamcfgError):  # noqa: N818 - reads as what happened: the check failed
    """A core or profile with errors was used where a clean one is needed."""

    def __init__(self, msg: str, diagnostics: tuple[Diagnostic, ...] = ()) -> None:
        super().__init__(msg)
        self.diagnostics = diagnostics

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.msg, self.diagnostics))
