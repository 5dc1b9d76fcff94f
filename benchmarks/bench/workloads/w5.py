"""W5 parse + check of a generated profile with 3,069 parameters, and of one of 10,000 lines,
against ``tomllib`` reading the same values from TOML.

Beside the workload: its generator (:func:`generate_w5`: a core, a profile and the same values
as TOML) and its baseline (``tomllib.load``, with the values compared after timing).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import paramcfg
from bench.harness import (
    Context,
    DisagreementError,
    Row,
    Section,
    Sizes,
    median_run,
    print_profile,
    rng,
)
from paramcfg.engine import check_profile

if TYPE_CHECKING:
    import random
    from pathlib import Path

KEY = "W5"
W5_KINDS = (["yen"] * 5 + ["rate"] * 3 + ["int"] * 2
            + ["bool", "enum", "enum", "monthday", "days", "text", "cat", "cat", "bracket", "date"])
W5_TYPES = {
    "yen": "yen default 1,000円 min 0円 max 100,000,000円",
    "rate": "rate default 1.4% min 0% max 10%",
    "int": "int default 3 min 0 max 1,000",
    "bool": "bool default false",
    "enum": "区分 default 甲",
    "monthday": "monthday default 4月30日",
    "days": "list of monthday default [4月30日, 7月31日, 12月25日, 2月末日]",
    "text": 'text(40) default "既定"',
    "cat": "table[資産] of yen required max 10,000,000円",
    "bracket": "table[所得 : yen, 時間] of yen required increasing along 所得",
    "date": "date default 2024-04-01",
}
W5_MEMBERS = ("甲", "乙", "丙", "丁", "戊")
W5_ASSETS = ("土地", "家屋", "償却資産")
W5_LOWS = (0, 48_600, 97_000, 169_000, 301_000, 397_000)


# ---- the generator -----------------------------------------------------------------------------


@dataclasses.dataclass
class Generated:
    core: Path
    profile: Path
    toml: Path
    lines: int
    params: int
    kinds: dict[str, str]
    last: dict[str, Any]      # each parameter's value at the last date, canonical form
    last_date: dt.date
    dates: int = 1            # effective dates: the profile's `from` blocks


def _w5_value(kind: str, rnd: random.Random) -> tuple[list[str], Any]:
    """(the value as profile text lines, the same value as TOML data)."""
    if kind == "yen":
        amount = rnd.randrange(0, 10_000_000)
        return [f"{amount:,}円"], amount
    if kind == "rate":
        hundredths = rnd.randrange(0, 1000)
        text = f"{hundredths // 100}.{hundredths % 100:02d}%"
        return [text], text
    if kind == "int":
        number = rnd.randrange(0, 1000)
        return [str(number)], number
    if kind == "bool":
        flag = rnd.random() < 0.5
        return ["true" if flag else "false"], flag
    if kind == "enum":
        member = rnd.choice(W5_MEMBERS)
        return [member], member
    if kind == "monthday":
        day = f"{rnd.randrange(1, 13)}月{rnd.randrange(1, 29)}日"
        return [day], day
    if kind == "days":
        days = [f"{m}月{rnd.randrange(1, 29)}日" for m in (4, 7, 12)] + ["2月末日"]
        return ["[" + ", ".join(days) + "]"], days
    if kind == "text":
        words = f"通知文{rnd.randrange(10_000)}"
        return [f'"{words}"'], words
    if kind == "date":
        date = dt.date(2024, rnd.randrange(1, 13), rnd.randrange(1, 29))
        return [date.isoformat()], date
    if kind == "cat":
        cells = {a: rnd.randrange(0, 5_000) * 1000 for a in W5_ASSETS}
        grid = ["", "    | 資産     |          金額 |"]
        grid += [f"    | {a} | {v:,}円 |" for a, v in cells.items()]
        return grid, cells
    if kind == "bracket":
        std = sorted(rnd.randrange(1_000, 100_000) // 100 * 100 for _ in W5_LOWS)
        short = [v - 100 for v in std]
        grid = ["", "    | 所得 | 標準 | 短時間 |"]
        rows = []
        for i, lo in enumerate(W5_LOWS):
            key = f">= {lo:,}円" if i == len(W5_LOWS) - 1 else f"< {W5_LOWS[i + 1]:,}円"
            grid.append(f"    | {key} | {std[i]:,}円 | {short[i]:,}円 |")
            rows.append({"下限": lo, "標準": std[i], "短時間": short[i]})
        return grid, rows
    raise ValueError(kind)


def canonical_toml(kind: str, value: Any) -> Any:
    if kind == "rate":
        return Decimal(value.rstrip("%")) / 100
    return value


def canonical_paramcfg(kind: str, value: Any) -> Any:
    if kind == "monthday":
        return str(value)
    if kind == "days":
        return [str(v) for v in value]
    if kind == "cat":
        return {a: value.lookup(a) for a in W5_ASSETS}
    if kind == "bracket":
        return [{"下限": lo, "標準": value.lookup(lo, "標準"), "短時間": value.lookup(lo, "短時間")}
                for lo in value.brackets.lows]
    return value


def _nest(flat: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in flat.items():
        group, leaf = name.split(".")
        out.setdefault(group, {})[leaf] = value
    return out


def generate_w5(folder: Path, params: int, min_lines: int, seed: int = 5,
                dates: int = 0, per_date: int = 2) -> Generated:
    """A core declaring ``params`` parameters of every kind, and a profile setting all of them;
    later dated blocks re-set the scalar ones until the profile has ``min_lines`` lines.  With
    ``dates``, instead, that many later blocks, a day apart, each re-set ``per_date`` scalar
    parameters in turn (values that change on many effective dates)."""
    import tomli_w  # noqa: PLC0415 - a runtime dependency of paramcfg, needed only here

    rnd = rng(seed)
    folder.mkdir(parents=True)
    kinds = {f"分類{i // 50:02d}.項目{i:04d}": W5_KINDS[i % len(W5_KINDS)] for i in range(params)}
    core = ['core "bench-w5" version 1.0', "",
            f"enum 区分 {{ {', '.join(W5_MEMBERS)} }}", f"enum 資産 {{ {', '.join(W5_ASSETS)} }}",
            "enum 時間 { 標準, 短時間 }", ""]
    core += [f'param {name} : {W5_TYPES[kind]} label "生成された項目 {i}"'
             for i, (name, kind) in enumerate(kinds.items())]
    lines = ['tenant "五霞町" code 085421', 'uses "bench-w5" >= 1.0', "", "from 2024-04-01"]
    blocks: dict[str, dict[str, Any]] = {"2024-04-01": {}}
    last: dict[str, Any] = {}
    for name, kind in kinds.items():
        text, data = _w5_value(kind, rnd)
        lines.append(f"  {name} = {text[0]}")
        lines.extend(text[1:])
        blocks["2024-04-01"][name] = data
        last[name] = canonical_toml(kind, data)
    scalars = [name for name, kind in kinds.items() if kind in {"yen", "rate", "int"}]
    date = dt.date(2024, 4, 1)
    for k in range(dates):
        date += dt.timedelta(days=1)
        lines += ["", f"from {date.isoformat()}"]
        block = blocks.setdefault(date.isoformat(), {})
        for j in range(per_date):
            name = scalars[(k * per_date + j) % len(scalars)]
            text, data = _w5_value(kinds[name], rnd)
            lines.append(f"  {name} = {text[0]}")
            block[name] = data
            last[name] = canonical_toml(kinds[name], data)
    while len(lines) < min_lines:
        date = date.replace(year=date.year + 1)
        lines += ["", f"from {date.isoformat()}"]
        block = blocks.setdefault(date.isoformat(), {})
        for name in scalars:
            if len(lines) >= min_lines:
                break
            text, data = _w5_value(kinds[name], rnd)
            lines.append(f"  {name} = {text[0]}")
            block[name] = data
            last[name] = canonical_toml(kinds[name], data)
    (folder / "bench-w5.pcore").write_text("\n".join(core) + "\n", encoding="utf-8")
    profile = folder / "town.pcfg"
    profile.write_text("\n".join(lines) + "\n", encoding="utf-8")
    toml = folder / "town.toml"
    toml.write_text(tomli_w.dumps({d: _nest(b) for d, b in blocks.items()}), encoding="utf-8")
    return Generated(folder / "bench-w5.pcore", profile, toml, len(lines), params, kinds, last, date,
                     len(blocks))


# ---- the baseline and the workload -------------------------------------------------------------


def _toml_load(path: Path) -> dict[str, Any]:
    with path.open("rb") as f:
        return tomllib.load(f)


def w5_one(gen: Generated, sizes: Sizes, label: str) -> tuple[list[Row], dict[str, Any]]:
    core_time, core = median_run(lambda: paramcfg.load_core(gen.core), max(2, sizes.repeats // 2))
    if not core.ok:
        raise DisagreementError("W5 core: " + "; ".join(d.message() for d in core.diagnostics[:5]))
    check_time, result = median_run(lambda: check_profile(gen.profile, core), sizes.repeats)
    if not result.ok or result.diagnostics:
        raise DisagreementError("W5 profile: " + "; ".join(d.message() for d in result.diagnostics[:5]))
    toml_time, data = median_run(lambda: _toml_load(gen.toml), sizes.repeats)
    # Agreement: what paramcfg resolved equals what tomllib read, parameter by parameter.
    values = paramcfg.load_tenant(gen.profile, core).parameters(gen.last_date)
    merged: dict[str, Any] = {}
    for date in sorted(data):
        for group, leaves in data[date].items():
            for leaf, value in leaves.items():
                merged[f"{group}.{leaf}"] = value
    for name, kind in gen.kinds.items():
        mine = canonical_paramcfg(kind, values[name])
        theirs = canonical_toml(kind, merged[name])
        if mine != theirs or mine != gen.last[name]:
            raise DisagreementError(f"W5 {name}: paramcfg {mine!r}, tomllib {theirs!r}")
    rows = [
        Row(f"tomllib.load ({label}, same values as TOML)", toml_time, 1.0, gen.params, "hand",
            f"{gen.toml.stat().st_size:,} bytes; parse only, no types or limits"),
        Row(f"paramcfg parse + check ({label})", check_time, check_time / toml_time, gen.params,
            "paramcfg", f"`check_profile(path, core)`; {gen.lines:,} lines, "
                        f"{gen.profile.stat().st_size:,} bytes"),
        Row(f"paramcfg load_core ({gen.params:,}-parameter core)", core_time,
            core_time / toml_time, gen.params, "info",
            f"once per process; {core_time / check_time:.2f}x the check of this profile "
            f"(target: no slower, issue 15); {gen.core.stat().st_size:,} bytes"),
    ]
    return rows, {"lines": gen.lines, "check": check_time, "toml": toml_time, "core": core_time,
                  "dates": gen.dates}


def run(ctx: Context) -> Section:
    sizes, tmp = ctx.sizes, ctx.tmp
    a = generate_w5(tmp / "w5a", sizes.params, 0)
    b = generate_w5(tmp / "w5b", sizes.params, sizes.lines)
    # Issue 15: a profile whose values change on 4,000 effective dates (300 parameters, two
    # re-set a day; ~16,500 lines): the check's cost per line must not grow with the dates.
    c = generate_w5(tmp / "w5c", min(sizes.params, 300), 0,
                    dates=max(50, sizes.lines * 2 // 5), per_date=2)
    rows_a, info_a = w5_one(a, sizes, f"{a.params:,} parameters")
    rows_b, info_b = w5_one(b, sizes, f"{b.lines:,} lines")
    rows_c, info_c = w5_one(c, sizes, f"{c.dates:,} effective dates")
    return Section(KEY, f"W5 parse + check of a generated profile ({a.params:,} parameters; "
                   f"{b.lines:,} lines; {c.dates:,} effective dates)", "run",
                   rows_a + rows_b[:2] + rows_c[:2], notes=[
                       (f"The generated core declares {a.params:,} parameters of eleven kinds (yen, "
                       "rate, int, bool, enum, monthday, list of monthday, text(40), a category "
                       "table, a bracket table with `increasing along`, date), most with min/max "
                       f"limits. Profile A sets every one in one block ({a.lines:,} lines); "
                       f"profile B sets every one and then re-sets the scalar ones in later "
                       f"dated blocks until it has {b.lines:,} lines (limits are checked on "
                       "every effective date). The TOML files hold the same values; "
                       "`tomllib.load` only parses them. After timing, every value paramcfg "
                       "resolved is compared with the one tomllib read."),
                       (f"Profile C (issue 15) sets the {c.params:,} parameters of a smaller "
                        f"core and then re-sets two scalar ones a day on {c.dates:,} "
                        f"later dates ({c.lines:,} lines): every date is checked. The "
                        "`load_core` row's note compares loading the core with checking the "
                        "profile that sets every parameter (issue 15: no slower).")],
                   extra={"a": info_a, "b": info_b, "c": info_c}, checked="values checked")



def profile(ctx: Context) -> None:
    """Where ``check_profile`` spends the time on the generated profile."""
    gen = generate_w5(ctx.tmp / "w5", ctx.sizes.params, 0)
    print_profile(check_profile, gen.profile, paramcfg.load_core(gen.core))
