"""Exceptions: only for misuse of the API and for evaluation that cannot go on.

Bad *input files* never raise: they give diagnostics.  Evaluation errors name the rule and the
input or parameter at fault, and where the rule was written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from paramcfg.diagnostics import Diagnostic, Span

__all__ = ["CheckFailed", "EvaluationError", "LawHorizonError", "ParamcfgError", "missing_input"]


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


class LawHorizonError(EvaluationError):
    """The date is after the core's law horizon (``law through DATE``): the core does not know
    that fiscal year's law, so it refuses rather than computes with last year's."""


def beyond_horizon(core: str, version: str, horizon: str, on: str) -> LawHorizonError:
    """Evaluating as of ``on``, after the core's law horizon, without asking for a projection."""
    return LawHorizonError(
        f"core {core} {version} knows the law only through {horizon}; {on} is after that, so "
        f"nothing is computed as of {on}. Install a release of the core that encodes the law "
        f"of that fiscal year (ask the package vendor), or ask for a projection "
        f"(--projection, or projection=True) to compute with the law as of {horizon}, "
        "marked as a projection", name=core,
        msg_ja=f"パッケージ本体 {core} {version} の法令は {horizon} までです。{on} はその後なので、"
               f"{on} 時点の計算はしません。その年度の法令を反映した本体の版に更新するか"
               f"（パッケージのベンダーに確認してください）、{horizon} 時点の法令で試算するには "
               "--projection（API では projection=True）を指定してください（結果は試算と表示されます）")


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
