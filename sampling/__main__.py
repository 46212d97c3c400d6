"""Command line: ``python -m sampling size|lqas|allocate|select|households|member``.

Exit status: 0 on success; 2 for bad input (the message on stderr as ``error: ...``, never a
traceback). Run ``python -m sampling COMMAND --help`` for the options.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
from pathlib import Path
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .allocation import METHODS as ALLOCATION_METHODS
from .allocation import allocate
from .errors import FrameError, InputError, SamplingError
from .frame import Frame, frame_data
from .household import SEXES, eligible, kish_order, member_words, select_member
from .households import HOUSEHOLD_COLUMNS, RANDOM_WALK_RULE, draw_households, household_stage
from .lqas import CLASSIC_N, lqas_rule
from .plan import PLAN_COLUMNS, draw_plan, write_table
from .sample_size import domain_sample_sizes, sample_size
from .selection import METHODS as SELECTION_METHODS


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # noqa: D102 - argparse hook
        sys.stderr.write(f"error: {message}\n")
        raise SystemExit(2)


def _fmt(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:.2f}" if not float(x).is_integer() else f"{int(x)}"


def _print_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2, allow_nan=False))


def _size_text(r) -> list[str]:
    lines = []
    if r.goal == "threshold":
        lines.append(
            f"goal: show p > {r.threshold:g} (one-sided alpha {r.alpha:g}, power {r.power:g} at p = {r.expected:g}), method {r.method}"
        )
    else:
        points = f"{r.margin * 100:.1f}".removesuffix(".0")
        lines.append(f"goal: p = {r.expected:g} within +/-{r.margin:g} ({points} percentage points, {points} 个百分点) "
                     f"at level {r.level:g}, method {r.method}")
    lines.append(f"n0 = {r.n0:.2f}")
    if r.critical_count is not None:
        lines.append(
            f"  exact test: claim p > {r.threshold:g} when at least {r.critical_count} of {int(r.n0)} succeed "
            f"(attained alpha {r.attained_alpha:.4f}, power {r.attained_power:.4f})"
        )
    lines.append(f"x deff {r.deff:g} = {r.after_deff:.2f}")
    if r.population is not None:
        lines.append(f"fpc (N = {r.population:g}) = {r.after_fpc:.2f}")
    lines.append(f"/ response rate {r.response_rate:g} = {r.after_response:.2f}")
    lines.append(f"n = {r.n}")
    lines.extend(f"warning: {w}" for w in r.warnings)
    return lines


def cmd_size(args: argparse.Namespace) -> int:
    if (args.threshold is None) == (args.margin is None):
        raise InputError("give exactly one of --threshold and --margin")
    method = args.method
    goal = dict(threshold=args.threshold) if args.threshold is not None else dict(margin=args.margin)
    common = dict(
        alpha=args.alpha, power=args.power, level=args.level, method=method, deff=args.deff,
        response_rate=args.response_rate, **goal,
    )
    result = sample_size(args.expected, population=args.population, **common)
    out = result.to_dict()
    domains = None
    if args.frame:
        if not (args.stratum and args.size):
            raise InputError("--frame needs --stratum and --size")
        if args.population is not None:
            raise InputError("give either --population or --frame (whose strata give the populations)")
        frame = Frame.read(args.frame, stratum=args.stratum, size=args.size)
        domains = domain_sample_sizes(frame.populations(), args.expected, **common)
        out = {**domains.county.to_dict(), **domains.to_dict()}
    if args.json:
        _print_json(out)
    else:
        if domains is None:
            print("\n".join(_size_text(result)))
        else:
            print("county (one claim for the whole county):")
            print("\n".join("  " + s for s in _size_text(domains.county)))
            print("each township as its own domain:")
            for name, r in domains.townships.items():
                print(f"  {name}: N = {r.population:g}, n = {r.n}")
            print(f"  total over townships: {domains.townships_total} ({domains.ratio:.1f} x the county n)")
    return 0


def cmd_lqas(args: argparse.Namespace) -> int:
    rule = lqas_rule(args.upper, args.lower, alpha=args.alpha, beta=args.beta, n=args.n)
    out = rule.to_dict()
    notes = []
    if not rule.feasible:
        notes.append(
            f"no decision rule with n = {rule.n} keeps alpha <= {rule.alpha_max:g} and beta <= {rule.beta_max:g}; "
            "this one has the smallest larger risk"
        )
    if args.n is None and rule.n > CLASSIC_N:
        notes.append(
            f"thresholds {rule.upper:g} vs {rule.lower:g} need n = {rule.n} per township, not the classic {CLASSIC_N} "
            "(which assumes a 30-point gap)"
        )
    out["notes"] = notes
    if args.json:
        _print_json(out)
    else:
        print(f"n = {rule.n}, d = {rule.d}: a township meets the target when at least {rule.d} of {rule.n} succeed")
        print(f"alpha = P(fail | p = {rule.upper:g}) = {rule.alpha:.4f}; beta = P(pass | p = {rule.lower:g}) = {rule.beta:.4f}")
        for s in notes:
            print(f"note: {s}")
    return 0


def cmd_allocate(args: argparse.Namespace) -> int:
    frame = Frame.read(args.frame, stratum=args.stratum, size=args.size)
    pops = frame.populations()
    expected = args.expected
    if args.expected_column:
        expected = _stratum_rates(frame, args.expected_column)
    alloc = allocate(pops, args.n, method=args.method, expected=expected, exponent=args.exponent, minimum=args.min)
    if args.json:
        _print_json(alloc.to_dict())
    else:
        width = max(len(s) for s in alloc.strata)
        for s, k, N in zip(alloc.strata, alloc.n, alloc.population):
            print(f"{s:<{width}}  N = {N:>10g}  n = {int(k)}")
        print(f"total n = {alloc.total} ({alloc.method})")
    return 0


def _stratum_rates(frame: Frame, column: str) -> dict[str, float]:
    """Per-stratum expected rates from a frame column (the first row of each stratum)."""
    if column not in frame.data.columns:
        raise InputError("no such column", file=frame.source, column=column)
    values = pd.to_numeric(frame.data[column], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        i = int(np.argmax(bad))
        raise FrameError(f"expected rate {frame.data[column].iloc[i]!r} is not a number", file=frame.source, row=i + 2, column=column)
    codes, labels = frame.strata_codes
    first = np.full(labels.size, -1)
    first[codes[::-1]] = np.arange(codes.size)[::-1]
    return {str(labels[h]): float(values[first[h]]) for h in range(labels.size)}


def cmd_select(args: argparse.Namespace) -> int:
    frame = Frame.read(args.frame, stratum=args.stratum, psu=args.psu, size=args.size)
    plan = draw_plan(frame, args.psus, take=args.take, method=args.method, seed=args.seed)
    path = plan.write(args.out)
    if args.json:
        _print_json({"out": str(path), **plan.to_dict()})
    else:
        for r in plan.summary().itertuples(index=False):
            print(f"{r.stratum}: {int(r.psus)} PSUs, {int(r.people)} people, weights sum to {r.weight_sum:.1f} (N = {r.population:g})")
        print(f"{len(plan.table)} PSUs written to {path} (method {plan.method}, seed {plan.seed})")
    return 0


def _plan_column(data: pd.DataFrame, column: str | None, path: str, *, counts: bool = False) -> list[str] | np.ndarray | None:
    """A column of the plan file; whole numbers >= 1 when ``counts`` (FrameError naming the row)."""
    if column is None:
        return None
    if column not in data.columns:
        raise FrameError(f"no such column (the columns are: {', '.join(map(str, data.columns))})", file=path, column=column)
    values = data[column].astype(str).str.strip()
    if not counts:
        return values.tolist()
    x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(x) | (x != np.round(x)) | (x < 1)
    if bad.any():
        i = int(np.argmax(bad))
        raise FrameError(f"must be a whole number >= 1, got {values.iloc[i]!r}", file=path, row=i + 2, column=column)
    return x.astype(np.int64)


def cmd_households(args: argparse.Namespace) -> int:
    path = str(args.plan)
    data = frame_data(args.plan, name=path)
    if len(data) == 0:
        raise FrameError("the plan has no rows", file=path)
    if "inclusion_prob" not in data.columns:
        raise FrameError("no column 'inclusion_prob': give the plan written by 'python -m sampling select'",
                         file=path, column="inclusion_prob")
    if args.take is not None and args.take_column is not None:
        raise InputError("give either --take or --take-column")
    take = args.take if args.take is not None else _plan_column(data, args.take_column or "take", path, counts=True)
    mode = _plan_column(data, args.mode_column, path) if args.mode_column else "list"
    _plan_column(data, args.village, path)
    stage = household_stage(data, village=args.village, households=_plan_column(data, args.households, path, counts=True),
                            take=take, mode=mode)
    seed = args.seed if args.seed is not None else secrets.token_hex(4)
    rows = draw_households(stage, seed=seed)
    if args.stratum:
        by_village = dict(zip(stage["village"], _plan_column(data, args.stratum, path)))
        rows.insert(0, args.stratum, rows["village"].map(by_village))
    out = Path(args.out)
    if out.suffix.lower() == ".csv":
        payload = rows.to_csv(index=False).encode("utf-8-sig")
    elif out.suffix.lower() == ".xlsx":
        import io

        buf = io.BytesIO()
        with pd.ExcelWriter(buf, engine="openpyxl") as xw:
            rows.to_excel(xw, sheet_name="households", index=False)
            stage.to_excel(xw, sheet_name="villages", index=False)
        payload = buf.getvalue()
    else:
        raise InputError(f"the households file must end in .csv or .xlsx, got {out.name!r}", param="out")
    write_table(out, payload)
    walk = stage["mode"].eq("random_walk")
    if args.json:
        _print_json({
            "out": str(out), "seed": str(seed), "villages": int(len(stage)), "households": int(len(rows)),
            "random_walk_villages": int(walk.sum()),
            "stage": json.loads(stage.to_json(orient="records", force_ascii=False)),
            "random_walk_rule": RANDOM_WALK_RULE if walk.any() else None,
        })
    else:
        for r in stage.itertuples(index=False):
            how = "list" if r.mode == "list" else "random walk (estimated households)"
            print(f"{r.village}: {r.take} of {r.households_listed} households, pi_village = {r.village_prob:.4f}, "
                  f"pi_household = {r.household_prob:.4f}, weight before the member factor = {r.household_weight:.1f} ({how})")
        print(f"{len(rows)} households in {len(stage)} villages written to {out} (seed {seed})")
        if walk.any():
            print(RANDOM_WALK_RULE["zh"])
            print(RANDOM_WALK_RULE["en"])
    return 0


_SEX_WORDS = {"male": "male", "m": "male", "男": "male", "female": "female", "f": "female", "女": "female"}


def parse_roster(text: str) -> list[tuple[str, int]]:
    """``"male:45,female:43"`` (also 男/女, m/f, Chinese commas and colons) as [(sex, age), ...]."""
    roster = []
    for i, item in enumerate(t.strip() for t in text.replace("，", ",").replace("：", ":").split(",")):
        sex, sep, age = item.partition(":")
        if not sep or sex.strip().lower() not in _SEX_WORDS or not age.strip().isdigit():
            raise InputError(f"member {i + 1} must be sex:age such as male:45 or 女:43, got {item!r}", param="--roster")
        roster.append((_SEX_WORDS[sex.strip().lower()], int(age.strip())))
    return roster


def cmd_member(args: argparse.Namespace) -> int:
    full = parse_roster(args.roster)
    if args.min_age is not None or args.max_age is not None:
        low = 0 if args.min_age is None else args.min_age
        members = eligible(full, min_age=low, max_age=args.max_age)
        high = args.max_age
        keep = [i for i, (_, a) in enumerate(full) if low <= a and (high is None or a <= high)]
    else:
        members, keep = full, list(range(len(full)))
    index = select_member(args.household, members, seed=args.seed)
    order = kish_order(members)
    k = len(members)
    words = {lang: member_words(index, members, lang) for lang in ("zh", "en")}
    chosen = order[index]
    if args.json:
        _print_json({
            "household": args.household, "seed": args.seed, "eligible": k, "index": index, "probability": 1 / k,
            "weight_factor": k, "words": words,
            "member": {"sex": members[chosen][0], "age": members[chosen][1], "roster_index": keep[chosen]},
            "order": [{"position": p, "sex": members[i][0], "age": members[i][1], "roster_index": keep[i]}
                      for p, i in enumerate(order)],
        })
    else:
        sex, age = members[chosen]
        print(f"index {index} of {k} in Kish's order (males oldest first, then females); probability 1/{k}")
        print(f"{words['zh']} / {words['en']} ({sex}, {age})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m sampling", description="Sampling planner: sample sizes, LQAS rules, allocation, PSU selection.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    s = sub.add_parser("size", help="sample size against a threshold or for a margin of error")
    s.add_argument("--expected", type=float, required=True, help="expected rate p1 in (0, 1)")
    s.add_argument("--threshold", type=float, help="show the rate is above this threshold p0 (< expected)")
    s.add_argument("--margin", type=float, help="half-width E of the interval (0.05 = 5 points)")
    s.add_argument("--power", type=float, default=0.8, help="power at the expected rate (default 0.8)")
    s.add_argument("--alpha", type=float, default=0.05, help="one-sided significance level (default 0.05)")
    s.add_argument("--level", type=float, default=0.95, help="confidence level for --margin (default 0.95)")
    s.add_argument("--deff", type=float, default=1.0, help="design effect (default 1)")
    s.add_argument("--population", type=float, help="population size N for the finite population correction")
    s.add_argument("--response-rate", type=float, default=1.0, help="expected response rate in (0, 1] (default 1)")
    s.add_argument(
        "--method", default="normal",
        help="threshold: normal (score formula) | exact (binomial); margin: normal (Wald) | wilson | exact (Clopper-Pearson)",
    )
    s.add_argument("--frame", help="frame (CSV/XLSX): also give each township's n as its own domain, beside the county")
    s.add_argument("--stratum", help="with --frame: the township column")
    s.add_argument("--size", help="with --frame: the population column")
    s.add_argument("--json", action="store_true", help="print JSON with n and every intermediate value")
    s.set_defaults(func=cmd_size)

    q = sub.add_parser("lqas", help="LQAS sample size and decision rule")
    q.add_argument("--upper", type=float, required=True, help="target rate (should pass)")
    q.add_argument("--lower", type=float, required=True, help="lower threshold (should fail)")
    q.add_argument("--alpha", type=float, default=0.10, help="max P(fail | upper) (default 0.10)")
    q.add_argument("--beta", type=float, default=0.10, help="max P(pass | lower) (default 0.10)")
    q.add_argument("--n", type=int, help="fixed sample size per township")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_lqas)

    a = sub.add_parser("allocate", help="allocate n across strata")
    a.add_argument("frame", metavar="FRAME", help="CSV or XLSX: one row per stratum or per PSU (sizes are summed)")
    a.add_argument("--n", type=int, required=True, help="total sample size")
    a.add_argument("--stratum", required=True, help="stratum column")
    a.add_argument("--size", required=True, help="population (size) column")
    a.add_argument("--method", default="proportional", help=f"one of {', '.join(ALLOCATION_METHODS)}")
    a.add_argument("--expected", type=float, help="expected rate for neyman (one for all strata)")
    a.add_argument("--expected-column", help="column of per-stratum expected rates for neyman")
    a.add_argument("--exponent", type=float, default=0.5, help="q of the power allocation, in [0, 1] (default 0.5)")
    a.add_argument("--min", type=int, default=0, help="minimum per stratum (default 0)")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_allocate)

    columns = "; ".join(f"{k}: {v}" for k, v in PLAN_COLUMNS.items())
    t = sub.add_parser(
        "select", help="select PSUs per stratum and write the plan",
        description=f"Writes one row per selected PSU: the frame's columns, then {columns}.",
    )
    t.add_argument("frame", metavar="FRAME", help="CSV or XLSX with one row per PSU")
    t.add_argument("--stratum", required=True, help="stratum column")
    t.add_argument("--psu", required=True, help="PSU id column (unique within a stratum)")
    t.add_argument("--size", required=True, help="PSU size column (people)")
    t.add_argument("--psus", type=int, required=True, help="PSUs to draw in each stratum")
    t.add_argument("--take", type=int, help="people per PSU (default: everyone in the PSU)")
    t.add_argument("--method", default="pps", help=f"one of {', '.join(SELECTION_METHODS)} (default pps)")
    t.add_argument("--seed", type=int, help="random seed (default: drawn and reported)")
    t.add_argument("--out", required=True, help="plan file (.csv, UTF-8 with BOM, or .xlsx)")
    t.add_argument("--json", action="store_true", help="print a JSON summary")
    t.set_defaults(func=cmd_select)

    columns = "; ".join(f"{k}: {v}" for k, v in HOUSEHOLD_COLUMNS.items())
    h = sub.add_parser(
        "households", help="stage 2: select households in each village of a plan",
        description=f"Writes one row per household to visit: {columns}. Villages without a household list "
        "(--mode-column: list / random_walk, 名单 / 随机行走) are walked by the printed random-walk rule.",
    )
    h.add_argument("plan", metavar="PLAN", help="plan (CSV/XLSX) written by 'python -m sampling select'")
    h.add_argument("--village", required=True, help="village (PSU) id column, unique in the plan")
    h.add_argument("--households", required=True, help="column of households listed (or estimated) per village")
    h.add_argument("--take", type=int, help="households to visit per village (default: the plan's 'take' column)")
    h.add_argument("--take-column", help="column of households to visit per village")
    h.add_argument("--mode-column", help="column saying list or random_walk per village (default: all list)")
    h.add_argument("--stratum", help="township column to copy into each household row")
    h.add_argument("--seed", help="selection seed (text; default: drawn and reported)")
    h.add_argument("--out", required=True, help="households file (.csv, UTF-8 with BOM, or .xlsx)")
    h.add_argument("--json", action="store_true", help="print a JSON summary")
    h.set_defaults(func=cmd_households)

    m = sub.add_parser("member", help="stage 3: the member to interview in a household (Kish order, probability 1/k)")
    m.add_argument("--household", required=True, help="household id, unique in the campaign")
    m.add_argument("--roster", required=True,
                   help=f"members as sex:age, comma separated, e.g. male:45,female:43 (sex {' or '.join(SEXES)}, m/f, 男/女)")
    m.add_argument("--seed", required=True, help="the campaign's selection seed")
    m.add_argument("--min-age", type=int, help="with --max-age: the roster is everyone; keep ages in the range")
    m.add_argument("--max-age", type=int, help="upper age bound of the eligible (inclusive)")
    m.add_argument("--json", action="store_true")
    m.set_defaults(func=cmd_member)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except SamplingError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
