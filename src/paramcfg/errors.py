"""Exceptions: only for misuse of the API and for evaluation that cannot go on.

Bad *input files* never raise: they give diagnostics.  Evaluation errors name the rule and the
input or parameter at fault, and where the rule was written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from paramcfg.diagnostics import Diagnostic, Span

__all__ = ["CheckFailed", "EvaluationError", "LawHorizonError", "ParamcfgError",
           "horizon_error", "missing_input", "not_a_mapping", "raw_error", "wrong_arguments"]


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
                 name: str = "", msg_ja: str = "", row: int | None = None) -> None:
        super().__init__(msg, span)
        self.rule = rule
        self.name = name
        self.msg_ja = msg_ja
        self.row = row  # the index of the row in a batch (evaluate_many, evaluate_rows)

    def at_row(self, row: int) -> EvaluationError:
        """This error, as raised by row ``row`` (counted from 0) of a batch."""
        ja = self.msg_ja or self.msg
        return type(self)(f"row {row} (from 0): {self.msg}", self.span, rule=self.rule,
                               name=self.name, msg_ja=f"{row} 行目（0 から数えて）: {ja}", row=row)

    def message(self, lang: str = "en") -> str:
        """The message in ``lang`` ("ja" or "en"), with the place it refers to."""
        text = self.msg_ja if lang == "ja" and self.msg_ja else self.msg
        return f"{self.span}: {text}" if self.span is not None else text

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_evaluation_error,
                (self.msg, self.span, self.rule, self.name, self.msg_ja, self.row, type(self)))


def _rebuild_evaluation_error(msg: str, span: Span | None, rule: str, name: str,
                              msg_ja: str = "", row: int | None = None,
                              cls: type[EvaluationError] | None = None) -> EvaluationError:
    return (cls or EvaluationError)(msg, span, rule=rule, name=name, msg_ja=msg_ja, row=row)


class LawHorizonError(EvaluationError):
    """The date is after the core's law horizon (``law through DATE``): the core does not know
    that fiscal year's law, so it refuses rather than computes with last year's."""


def horizon_error(core: str, version: str, horizon: str, on: str) -> LawHorizonError:
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


def wrong_arguments(rule: str, params: Sequence[str], given: int,
                    span: Span | None = None) -> EvaluationError:
    """Rule ``rule`` was given ``given`` arguments where it takes ``params``."""
    names = ", ".join(params) or "none"
    return EvaluationError(
        f"rule {rule} takes {len(params)} argument(s) ({names}), not {given}", span, rule=rule,
        msg_ja=f"ルール「{rule}」の引数は {len(params)} 個（{'、'.join(params) or 'なし'}）です"
               f"（{given} 個ではなく）")


def not_a_mapping(rule: str, value: object, span: Span | None = None) -> EvaluationError:
    """The inputs of ``rule`` were not a mapping from input names to values."""
    kind = type(value).__name__
    return EvaluationError(
        f"the inputs of rule {rule} must be a mapping from input names to values, not {kind}",
        span, rule=rule,
        msg_ja=f"ルール「{rule}」の入力は、入力名から値への対応（dict など）で渡してください"
               f"（{kind} ではなく）")


def raw_error(exc: Exception, rule: str, span: Span | None) -> EvaluationError:
    """An error Python raised while evaluating ``rule`` (an impossible date, an arithmetic
    trap), as the one kind of error evaluation raises."""
    return EvaluationError(f"{type(exc).__name__} in rule {rule}: {exc}", span, rule=rule,
                           msg_ja=f"ルール「{rule}」を評価できません（{type(exc).__name__}: {exc}）")


class CheckFailed(ParamcfgError):  # noqa: N818 - reads as what happened: the check failed
    """A core or profile with errors was used where a clean one is needed."""

    def __init__(self, msg: str, diagnostics: tuple[Diagnostic, ...] = ()) -> None:
        super().__init__(msg)
        self.diagnostics = diagnostics

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.msg, self.diagnostics))
