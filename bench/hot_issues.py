"""Hot issues on the Teddy Cup 2020 C messages with votes (attachment 3).

    .venv/bin/python bench/hot_issues.py [CSV] [--threshold 0.28] [--window 30] [--top 5]

Runs the same clustering and heat score as `grassroots insights hot` on the raw file, without
a database: the place is the district or county named in the message (A1区 … A9县), else the
whole city; the reporter is the user id; support is the message's votes (likes). Prints the
top issues with their place, time span, counts, keywords and message ids (never message text:
the data set has no licence), and the time taken against the time to vectorise the texts alone
(the baseline measured in the same run).

    .venv/bin/python bench/hot_issues.py --month [--size 100000] [--previous 10000]

A month of --size cases built from the NYC council casework file (each row's subject
"complaint type: descriptor", its community board as the place, its date moved into one month,
so the same few hundred subjects repeat thousands of times per board — the worst case for pairs).
Times the clustering (`link`) on it, and on a first slice of --previous cases both the current
clustering and the previous one (single link over every pair in a place, kept below for the
comparison), in the same run.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import gzip
from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta

import numpy as np
from scipy import sparse

from grassroots.insights.hot.cluster import (
    Cluster,
    Progress,
    Report,
    Settings,
    _near_pairs,
    _place_pairs,
    _vectors,
    distance_m,
    link,
)
from grassroots.insights.hot.heat import hot_issues

DATA = Path(__file__).resolve().parents[2] / "shared/data"
DEFAULT = DATA / "teddycup2020c"
CASEWORK = DATA / "service_requests_311/nyc_council_constituent_casework.csv.gz"
DISTRICT = re.compile(r"A\d+[区县]")


def _moment(text: str) -> datetime:
    """The file writes both 2019/2/28 11:25:05 and 2019-08-01 00:00:00."""
    return datetime.strptime(text.strip().replace("-", "/"), "%Y/%m/%d %H:%M:%S")


def read(path: Path) -> list[Report]:
    reports = []
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            subject, body = row["留言主题"].strip(), re.sub(r"\s+", "", row["留言详情"])
            district = DISTRICT.search(subject + body)
            reports.append(
                Report(
                    key=int(row["留言编号"]),
                    text=f"{subject} {subject} {body[:200]}",
                    place=f"{district.group(0)}/" if district else "",
                    at=_moment(row["留言时间"]),
                    resident=row["留言用户"].strip(),
                    support=int(float(row["点赞数"] or 0)),
                )
            )
    return reports


# --- The previous clustering (single link over every pair of a place), for the comparison.


class _Links:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, a: int) -> int:
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def join(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def previous_link(
    reports: Sequence[Report], settings: Settings, progress: Progress | None = None
) -> tuple[list[Cluster], sparse.csr_matrix]:
    """The clusters of at least `min_reports` reports, largest first, and the text vectors."""
    vectors = _vectors([r.text for r in reports])
    days = np.array([r.at.timestamp() / 86400 for r in reports])
    links = _Links(len(reports))
    blocks = [(a, b, False) for a, b in _place_pairs(reports)]
    blocks += [(a, b, True) for a, b in _near_pairs(reports, settings.radius_m)]
    for done, (left, right, by_distance) in enumerate(blocks, start=1):
        _link_block(reports, vectors, days, left, right, by_distance, settings, links)
        if progress is not None:
            progress(done, len(blocks))
    return _clusters(links, vectors, len(reports), settings.min_reports), vectors


def _link_block(
    reports: Sequence[Report],
    vectors: sparse.csr_matrix,
    days: np.ndarray,
    left: list[int],
    right: list[int],
    by_distance: bool,
    settings: Settings,
    links: _Links,
) -> None:
    similar = (vectors[left] @ vectors[right].T).tocoo()
    for i, j, value in zip(similar.row, similar.col, similar.data, strict=True):
        a, b = left[i], right[j]
        if (left is right and a >= b) or a == b or value < settings.threshold:
            continue
        if abs(days[a] - days[b]) > settings.window_days:
            continue
        if by_distance:
            pa, pb = reports[a].point, reports[b].point
            if pa is None or pb is None or distance_m(pa, pb) > settings.radius_m:
                continue
        links.join(a, b)


def _clusters(
    links: _Links, vectors: sparse.csr_matrix, size: int, min_reports: int
) -> list[Cluster]:
    groups: dict[int, list[int]] = defaultdict(list)
    for index in range(size):
        groups[links.find(index)].append(index)
    found = []
    for members in groups.values():
        if len(members) < min_reports:
            continue
        block = vectors[members]
        centre = np.asarray(block.mean(axis=0)).ravel()
        closeness = np.asarray(block @ centre).ravel()
        order = sorted(range(len(members)), key=lambda k: (-closeness[k], members[k]))
        found.append(Cluster([members[k] for k in order], [float(closeness[k]) for k in order]))
    found.sort(key=lambda c: (-len(c.members), c.members[0]))
    return found


def casework_month(size: int) -> list[Report]:
    """`size` council casework rows as reports of one month (see the docstring)."""
    reports: list[Report] = []
    month = datetime(2025, 1, 1)
    with gzip.open(CASEWORK, "rt", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if len(reports) == size:
                break
            label = " ".join(row["complaint_type"].split())
            detail = " ".join(row["descriptor"].split())
            subject = f"{label}: {detail}" if detail else label
            board = row["community_board"].strip()
            key = int("".join(c for c in row["unique_key"] if c.isdigit()) or len(reports))
            moment = month + timedelta(days=key % 31, hours=key % 24)
            place = f"{row['borough'].strip()}/{board}/" if board else ""
            reports.append(Report(key=key, text=f"{subject} {subject}", place=place, at=moment))
    return reports


def month_bench(size: int, previous: int) -> None:
    reports = casework_month(size)
    settings = Settings()
    began = time.perf_counter()
    clusters, _ = link(reports, settings)
    seconds = time.perf_counter() - began
    biggest = max((len(c.members) for c in clusters), default=0)
    print(
        f"month of {len(reports)} cases: link {seconds:.1f} s, {len(clusters)} clusters, "
        f"largest {biggest}"
    )
    part = reports[:previous]
    began = time.perf_counter()
    now = link(part, settings)[0]
    current = time.perf_counter() - began
    began = time.perf_counter()
    before = previous_link(part, settings)[0]
    old = time.perf_counter() - began
    print(
        f"first {len(part)} cases: link {current:.1f} s ({len(now)} clusters), previous "
        f"single link {old:.1f} s ({len(before)} clusters, largest "
        f"{max((len(c.members) for c in before), default=0)}); previous/current {old / current:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("csv", nargs="?", default=DEFAULT / "attachment3_messages_with_votes.csv")
    parser.add_argument("--threshold", type=float, default=Settings.threshold)
    parser.add_argument("--window", type=float, default=Settings.window_days)
    parser.add_argument("--top", type=int, default=5)
    parser.add_argument("--month", action="store_true", help="the one-month scale test instead")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--previous", type=int, default=10_000)
    args = parser.parse_args()
    if args.month:
        month_bench(args.size, args.previous)
        return
    reports = read(Path(args.csv))
    start, end = min(r.at for r in reports), max(r.at for r in reports)
    settings = Settings(threshold=args.threshold, window_days=args.window)
    began = time.perf_counter()
    _vectors([r.text for r in reports])
    baseline = time.perf_counter() - began
    began = time.perf_counter()
    issues = hot_issues(reports, start=start, end=end, settings=settings, limit=args.top)
    seconds = time.perf_counter() - began
    for rank, issue in enumerate(issues, start=1):
        print(
            f"#{rank} heat={issue.heat} place={issue.place.rstrip('/') or 'city'} "
            f"span={issue.first_at:%Y-%m-%d}..{issue.last_at:%Y-%m-%d} "
            f"messages={len(issue.keys)} residents={issue.residents} votes={issue.support} "
            f"growth={issue.growth}"
        )
        print(f"   keywords={','.join(issue.keywords)}")
        print(f"   ids={','.join(map(str, sorted(issue.keys)))}")
    began = time.perf_counter()
    link(reports, settings)
    current = time.perf_counter() - began
    began = time.perf_counter()
    previous_link(reports, settings)
    old = time.perf_counter() - began
    print(
        f"messages={len(reports)} seconds={seconds:.1f} vectorise_only={baseline:.1f} "
        f"ratio={seconds / baseline:.2f}; clustering alone {current:.1f} s, the previous "
        f"single link {old:.1f} s"
    )


if __name__ == "__main__":
    main()
