"""Exceptions: only for misuse of the API and for evaluation that cannot go on.

Bad *input files* never raise: they give diagnostics.  Evaluation errors name the rule and the
input or parameter at fault, and where the rule was written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Container, Sequence

    from paramcfg.diagnostics import Diagnostic, Span

__all__ = ["CheckFailed", "EvaluationError", "LawHorizonError", "ParamcfgError",
           "argument_as_input", "bad_call", "horizon_error", "missing_input", "missing_inputs",
           "missing_of",
           "not_a_mapping", "raw_error", "unknown_inputs", "wrong_arguments"]


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


def missing_inputs(rule: str, names: Sequence[str], span: Span | None = None) -> EvaluationError:
    """Rule ``rule`` needs the inputs ``names`` (all of those missing, in the rule's order)."""
    if len(names) == 1:
        return missing_input(rule, names[0], span)
    listed = ", ".join(names)
    return EvaluationError(
        f"rule {rule} needs {len(names)} inputs which were not given: {listed} (a missing input "
        "is never taken as zero)", span, rule=rule, name=names[0],
        msg_ja=f"ルール「{rule}」に必要な入力が {len(names)} 個与えられていません: "
               f"{'、'.join(names)}（入力がないときに 0 とみなすことはしません）")


def unknown_inputs(rule: str, names: Sequence[str], hint: str, hint_ja: str,
                   span: Span | None = None, *, field: bool = False) -> EvaluationError:
    """Inputs ``names`` were given to ``rule`` but are no input of the core (a misspelling), or
    with ``field``, record fields that do not exist; ``hint`` is a did-you-mean from the rule's
    own inputs (the record's fields)."""
    listed = ", ".join(names)
    if field:
        return EvaluationError(
            f"{listed} given to rule {rule} is no field of the record (an unknown field is "
            f"refused, not ignored){hint}", span, rule=rule, name=names[0],
            msg_ja=f"ルール「{rule}」に渡した「{'」「'.join(names)}」は、レコードにない項目です"
                   f"{hint_ja}（知らない項目は無視せずに拒否します）")
    return EvaluationError(
        f"rule {rule} has no input {listed} (an unknown input is refused, not ignored){hint}",
        span, rule=rule, name=names[0],
        msg_ja=f"ルール「{rule}」には入力「{'」「'.join(names)}」がありません{hint_ja}"
               "（知らない入力は無視せずに拒否します）")


def argument_as_input(rule: str, name: str, params: Sequence[str],
                      span: Span | None = None) -> EvaluationError:
    """Argument ``name`` of ``rule`` was given by name among the inputs."""
    names = ", ".join(params)
    return EvaluationError(
        f"{name} is an argument of rule {rule}, not an input: pass the arguments in order as "
        f"args=({names}), not in inputs", span, rule=rule, name=name,
        msg_ja=f"「{name}」はルール「{rule}」の引数で、入力ではありません。引数は入力に入れず、"
               f"args=({', '.join(params)}) の順に渡してください")


def bad_call(rule: str, params: Sequence[str], own: Sequence[str], known: Container[str],
             inputs: object, args: int | None = None,
             span: Span | None = None) -> EvaluationError | None:
    """What is wrong with calling ``rule`` (arguments ``params``, inputs ``own``: every input
    it or a rule it calls may read) with ``inputs`` (and ``args`` arguments, when the call
    gives them), or ``None`` if nothing is: the one place that decides it, for ``evaluate``,
    ``evaluate_many``, ``evaluate_rows``, ``interpret``, ``explain`` and ``paramcfg eval``.

    In this order: inputs that are not a mapping; an argument of the rule given by name among
    the inputs; the wrong number of arguments; input names that are no input of the core
    (``known``; a did-you-mean from the rule's own inputs); every missing input at once.
    Record fields are checked with the values (``runtime.check_input``).
    """
    from paramcfg.names import suggest  # noqa: PLC0415 - only on the error path

    if not isinstance(inputs, Mapping):
        if own:
            return not_a_mapping(rule, inputs, span)
        inputs = {}
    for key in inputs:
        if key in params and key not in known:
            return argument_as_input(rule, key, params, span)
    if args is not None and args != len(params):
        return wrong_arguments(rule, params, args, span)
    unknown = [key if isinstance(key, str) else repr(key) for key in inputs
               if not (isinstance(key, str) and key in known)]
    if unknown:
        hint, hint_ja = suggest(unknown[0], own)
        return unknown_inputs(rule, unknown, hint, hint_ja, span)
    missing = missing_of(own, inputs)
    if missing:
        return missing_inputs(rule, missing, span)
    return None


def missing_of(own: Sequence[str], inputs: Mapping[str, object]) -> list[str]:
    """The inputs of ``own`` that ``inputs`` does not give, in order: what :func:`bad_call`
    and ``paramcfg eval`` list, all at once."""
    return [i for i in own if i not in inputs]


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
