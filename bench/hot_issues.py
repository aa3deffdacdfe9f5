"""Hot issues on the Teddy Cup 2020 C messages with votes (attachment 3).

    .venv/bin/python bench/hot_issues.py [CSV] [--threshold 0.28] [--window 30] [--top 5]

Runs the same clustering and heat score as `grassroots insights hot` on the raw file, without
a database: the place is the district or county named in the message (A1区 … A9县), else the
whole city; the reporter is the user id; support is the message's votes (likes). Prints the
top issues with their place, time span, counts, keywords and message ids (never message text:
the data set has no licence), and the time taken against the time to vectorise the texts alone
(the baseline measured in the same run).
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

from grassroots.insights.hot.cluster import Report, Settings, _vectors
from grassroots.insights.hot.heat import hot_issues

DEFAULT = Path(__file__).resolve().parents[2] / "shared/data/teddycup2020c"
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("csv", nargs="?", default=DEFAULT / "attachment3_messages_with_votes.csv")
    parser.add_argument("--threshold", type=float, default=Settings.threshold)
    parser.add_argument("--window", type=float, default=Settings.window_days)
    parser.add_argument("--top", type=int, default=5)
    args = parser.parse_args()
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
    print(
        f"messages={len(reports)} seconds={seconds:.1f} vectorise_only={baseline:.1f} "
        f"ratio={seconds / baseline:.2f}"
    )


if __name__ == "__main__":
    main()
