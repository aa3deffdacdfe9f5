"""Benchmark: our Polis math vs red-dwarf, on openData conversations and synthetic data.

Run from the repository root: ``.venv/bin/python bench/deliberation.py [--quick]``.
Times are wall-clock seconds of the full math (PCA, clustering, repness, consensus) on the same
votes in the same run; the ratio is red-dwarf / ours (> 1 means we are faster).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from grassroots.deliberation.polis import (  # noqa: E402
    Conversation,
    VoteMatrix,
    adjusted_rand,
    compute_math,
    read_opendata_dir,
)
from grassroots.deliberation.polis.history import join_order  # noqa: E402
from grassroots.deliberation.polis.synthetic import planted_votes  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "polis" / "openData"
SYNTHETIC = [(1_000, 100, 30), (5_000, 300, 40), (30_000, 800, 67)]

try:
    from reddwarf.implementations.polis import run_pipeline
except ImportError:  # bench-only extra
    run_pipeline = None


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """Best wall time of ``repeat`` runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def ours(votes: list[tuple[Any, Any, int]], mod_out: set[Any]) -> Any:
    """Our full math, including building the matrix from raw votes (as red-dwarf does)."""
    return compute_math(VoteMatrix.from_votes(votes), mod_out=mod_out)


def reddwarf(votes: list[tuple[Any, Any, int]], mod_out: set[Any]) -> Any:
    """red-dwarf's Polis pipeline on the same votes."""
    assert run_pipeline is not None
    records = [
        {"participant_id": p, "statement_id": s, "vote": v, "modified": i}
        for i, (p, s, v) in enumerate(votes)
    ]
    return run_pipeline(votes=records, mod_out_statement_ids=sorted(mod_out), random_state=0)


def compare(
    label: str, votes: list[tuple[Any, Any, int]], mod_out: set[Any], extra: str = ""
) -> None:
    """Print one line: our time, red-dwarf's time and the ratio."""
    # red-dwarf's pivot rejects repeated (participant, statement) pairs, so both engines get
    # the final vote of each pair (computed outside the timings).
    votes = [(p, s, v) for (p, s), v in {(p, s): v for p, s, v in votes}.items()]
    repeat = 3 if len(votes) < 100_000 else 1
    t_ours, _ = timed(lambda: ours(votes, mod_out), repeat)
    if run_pipeline is None:
        print(f"{label:42s} ours {t_ours:7.3f}s  {extra}")
        return
    t_rd, _ = timed(lambda: reddwarf(votes, mod_out))  # slow: one run keeps the bench short
    print(
        f"{label:42s} ours {t_ours:7.3f}s  red-dwarf {t_rd:7.3f}s  "
        f"ratio {t_rd / t_ours:6.1f}x  {extra}"
    )


def bench_opendata() -> None:
    """Every openData conversation beside the checkout."""
    if not DATA.is_dir():
        print(f"skipping openData: {DATA} not found")
        return
    for directory in sorted(DATA.iterdir()):
        conv = read_opendata_dir(directory)
        order = join_order(conv.votes)  # as the tests measure the ARI (outside the timings)
        result = compute_math(
            VoteMatrix.from_votes(conv.votes), mod_out=conv.mod_out, in_conv=order, join_order=order
        )
        ari = adjusted_rand(result.group_of(), conv.polis_groups)
        compare(
            directory.name,
            conv.votes,
            conv.mod_out,
            f"votes {len(conv.votes)}  ARI vs Polis {ari:.3f}",
        )


def bench_synthetic(sizes: list[tuple[int, int, int]], reddwarf_max: int) -> None:
    """Planted-group conversations; red-dwarf only up to ``reddwarf_max`` participants."""
    global run_pipeline
    for n, m, per in sizes:
        data = planted_votes(n, m, n_groups=3, votes_per_participant=per, seed=1)
        votes = list(
            zip(
                data.participants.tolist(),
                data.statements.tolist(),
                data.votes.tolist(),
                strict=True,
            )
        )
        label = f"synthetic {n}x{m} ({len(votes):,} votes)"
        saved = run_pipeline
        if n > reddwarf_max:
            run_pipeline = None
        compare(
            label,
            votes,
            set(),
            ""
            if run_pipeline or saved is None
            else "(red-dwarf skipped at this size: see --reddwarf-max)",
        )
        run_pipeline = saved
    bench_incremental(*sizes[-1])


def bench_incremental(n: int, m: int, per: int) -> None:
    """Time to fold one vote into the largest conversation, and a full recompute."""
    data = planted_votes(n, m, n_groups=3, votes_per_participant=per, seed=1)
    conv = Conversation()
    conv.matrix = VoteMatrix.from_arrays(data.participants, data.statements, data.votes)
    t_full, _ = timed(conv.recompute)
    sid = next(s for s in range(m) if conv.matrix.get(0, s) is None)
    t_vote, _ = timed(lambda: conv.add_vote(0, sid, 1), repeat=5)
    t_new, _ = timed(lambda: conv.add_vote("new-participant", 0, 1))
    t_next, _ = timed(lambda: conv.next_statement(0, seed=1), repeat=5)
    print(
        f"incremental on {n}x{m}: full recompute {t_full:.2f}s, add_vote {t_vote * 1e3:.2f} ms"
        f" (new participant {t_new * 1e3:.1f} ms), next_statement {t_next * 1e3:.2f} ms"
    )


def main() -> None:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip the 30,000 × 800 case")
    parser.add_argument(
        "--reddwarf-max",
        type=int,
        default=5_000,
        help="largest synthetic participant count to run red-dwarf on "
        "(its O(n²) silhouette makes 30,000 take minutes)",
    )
    args = parser.parse_args()
    if run_pipeline is None:
        print("red-dwarf is not installed (pip install red-dwarf): printing our figures only")
    bench_opendata()
    bench_synthetic(SYNTHETIC[:-1] if args.quick else SYNTHETIC, args.reddwarf_max)


if __name__ == "__main__":
    main()
