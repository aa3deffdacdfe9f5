"""`grassroots import-cases` on real-world files: history sets off no sweep, a bad byte or value
is a counted reject or warning (never silent, never fatal), a failing run still tells what it
committed, triage only when asked, and a progress total."""

from __future__ import annotations

import csv
import gzip
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from grassroots.accounts.models import Notification
from grassroots.cases import tasks
from grassroots.cases.importing import import_cases, layout, load_mapping
from grassroots.cases.importing.layout import sweep_flags
from grassroots.cases.importing.source import SourceFile
from grassroots.cases.importing.writer import BatchWriter
from grassroots.cases.models import Case

pytestmark = pytest.mark.django_db

COUNCIL = (
    "unique_key,account,opendate,closedate,complaint_type,descriptor,zip,borough,city,"
    "council_dist,community_board"
)
BALTIMORE = (
    "ServiceRequestNum,SRType,MethodReceived,CreatedDate,SRStatus,DueDate,CloseDate,Agency,"
    "Address,Neighborhood,Latitude,Longitude"
)
TAIL = "10001,Manhattan,New York,NYCC01,01 Manhattan"


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


def council_row(i: int, unit: str, opened: str = "2024-03-01", closed: str = "") -> str:
    return f"C{i:05d},{unit},{opened},{closed},Transportation,Potholes,{TAIL}"


def write(path: Path, header: str, rows: list[str], *, extra: bytes = b"") -> Path:
    data = ("\n".join([header, *rows]) + "\n").encode()
    if path.suffix == ".gz":
        with gzip.open(path, "wb") as handle:
            handle.write(data + extra)
    else:
        path.write_bytes(data + extra)
    return path


def command(path: Path, tmp_path: Path, fmt: str = "councilcasework", **options: Any) -> str:
    mapping = tmp_path / "mapping.toml"
    if not mapping.exists():
        mapping.write_text('source = "test"\ntimezone = "America/New_York"\n', encoding="utf-8")
    out = StringIO()
    call_command(
        "import_cases",
        str(path),
        format=fmt,
        mapping=str(mapping),
        rejects=str(tmp_path / "rejects.csv"),
        no_progress=True,
        stdout=out,
        **options,
    )
    return out.getvalue()


def rejects(tmp_path: Path, name: str = "rejects.csv") -> list[dict[str, str]]:
    with (tmp_path / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --- 1. no reminder or escalation flood ---------------------------------------------------


def test_imported_open_cases_set_off_no_reminder_escalation_or_notification(
    tree: Any, people: Any, tmp_path: Path
) -> None:
    # given open cases received two years ago, handled by a unit with handlers on duty
    unit = tree["s1"].code
    rows = [council_row(i, unit) for i in range(6)] + [council_row(9, unit, closed="2024-03-02")]
    output = command(write(tmp_path / "open.csv", COUNCIL, rows), tmp_path)
    assert output.splitlines()[-1].startswith("imported=7 rejected=0 ")
    before = Notification.objects.count()
    # when the deadline sweep runs
    report = tasks.sweep()
    # then nothing is reminded, escalated or notified: the history was handled elsewhere
    assert (report.reminded, report.escalated, report.auto_closed) == (0, 0, 0)
    assert Notification.objects.count() == before
    flags = sweep_flags(Case)
    assert set(Case.objects.values_list(*flags).distinct()) == {(True,) * len(flags)}


def test_every_flag_the_sweep_claims_is_set_by_the_import() -> None:
    # given the flags the deadline sweep claims (the second argument of each `_each` call)
    source = Path(tasks.__file__).read_text(encoding="utf-8")
    claimed = set(re.findall(r"_each\(\s*[^,]+,\s*\"(\w+)\"", source))
    assert {"reminded_respond", "reminded_resolve", "escalated"} <= claimed
    # then the import sets each of them (a flag with another name would fail here)
    assert claimed <= set(sweep_flags(Case))


# --- 2. a bad byte is a reject; a failing run still reports -------------------------------


def test_a_latin1_row_is_rejected_with_its_line_and_the_run_goes_on(
    tree: Any, tmp_path: Path
) -> None:
    # given a gzipped file whose 16th line has a Latin-1 é, and a last line that does too
    unit = tree["s1"].code
    rows = [council_row(i, unit) for i in range(30)]
    rows[14] = rows[14].replace("Potholes", "Pothol\udce9s")
    data = "\n".join([COUNCIL, *rows]) + "\n"
    path = tmp_path / "latin.csv.gz"
    with gzip.open(path, "wb") as handle:
        handle.write(data.encode("utf-8", "surrogateescape") + b"C99999,T\xe9,x\n")
    # when it is imported
    output = command(path, tmp_path)
    # then both bad rows are rejected, with their line, and the others are imported
    assert "rejected bad_encoding: 2" in output
    assert output.splitlines()[-1].startswith("imported=29 rejected=2 ")
    found = [(r["line"], r["reason_code"], r["descriptor"]) for r in rejects(tmp_path)]
    assert found[0] == ("16", "bad_encoding", "Pothol\\xe9s")
    assert found[1][:2] == ("32", "bad_encoding")
    assert Case.objects.count() == 29


def test_a_fatal_error_mid_run_prints_what_was_committed_and_the_closing_line(
    tree: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given batches of 5 rows and a writer that fails on the third batch
    monkeypatch.setattr(layout, "BATCH_SIZE", 5)
    write_batch, calls = BatchWriter.write, []

    def failing(self: BatchWriter, laid: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return write_batch(self, laid)

    monkeypatch.setattr(BatchWriter, "write", failing)
    rows = [council_row(i, tree["s1"].code) for i in range(14)] + ["C77777,NOPE,2024-03-01"]
    out = StringIO()
    # when it is imported, then the command fails (non-zero exit status)...
    with pytest.raises(CommandError, match="disk full"):
        call_command(
            "import_cases",
            str(write(tmp_path / "f.csv", COUNCIL, rows)),
            format="councilcasework",
            rejects=str(tmp_path / "rejects.csv"),
            no_progress=True,
            stdout=out,
        )
    # ... after the summary of the two batches committed and the closing line
    lines = out.getvalue().splitlines()
    assert "stopped: RuntimeError: disk full" in lines
    assert lines[-1].startswith("imported=10 rejected=0 seconds=")
    assert Case.objects.count() == 10


# --- 3. bad values: rejected or imported with a counted warning ---------------------------


def baltimore(i: int, unit: str, **values: str) -> str:
    row = {
        "due": "03/10/2024 09:00:00 AM",
        "created": "03/01/2024 09:00:00 AM",
        "lat": "39.29",
        "lng": "-76.61",
        **values,
    }
    return (
        f"B{i},Pothole,Phone,{row['created']},Open,{row['due']},,{unit},"
        f"1 Main St,Downtown,{row['lat']},{row['lng']}"
    )


def test_bad_values_are_rejected_or_imported_with_a_counted_warning(
    tree: Any, tmp_path: Path
) -> None:
    unit = tree["s1"].code
    rows = [
        baltimore(1, unit),
        baltimore(2, unit, due="not a date"),
        baltimore(3, unit, lat="abc"),
        baltimore(4, unit, lat="999"),
        baltimore(5, unit, created="01/01/2099 09:00:00 AM"),
        "B6,Pothole,Phone",
        baltimore(7, unit) + ",surplus",
        baltimore(8, unit, lat="39", lng="-77"),  # the source's placeholder: no point, silently
        baltimore(9, unit, lat="", lng=""),  # no point given
    ]
    output = command(write(tmp_path / "b.csv", BALTIMORE, rows), tmp_path, fmt="baltimore311")
    lines = output.splitlines()
    assert lines[-1].startswith("imported=7 rejected=2 ")
    assert {"rejected future_date: 1", "rejected short_row: 1"} <= set(lines)
    assert {"warning bad_point: 2", "warning bad_due_date: 1", "warning extra_columns: 1"} <= set(
        lines
    )
    assert "imported with warnings: 4 (rows: " in output
    assert [(r["line"], r["reason_code"]) for r in rejects(tmp_path)] == [
        ("6", "future_date"),
        ("7", "short_row"),
    ]
    warned = rejects(tmp_path, "rejects.warnings.csv")
    assert [(r["line"], r["reason_code"]) for r in warned] == [
        ("3", "bad_due_date"),
        ("4", "bad_point"),
        ("5", "bad_point"),
        ("8", "extra_columns"),
    ]
    assert "the policy's deadline is used" in warned[0]["reason"]
    no_point = Case.objects.filter(lat__isnull=True).count()
    assert no_point == 4  # B3, B4 (warned), B8, B9 (none given)


# --- 4. triage only when asked; a progress total ------------------------------------------


def test_triage_only_when_asked_and_only_for_open_imported_cases(tree: Any, tmp_path: Path) -> None:
    from grassroots.triage.models import Suggestion

    unit = tree["s1"].code
    rows = [council_row(1, unit), council_row(2, unit), council_row(3, unit, closed="2024-03-02")]
    command(write(tmp_path / "t.csv", COUNCIL, rows), tmp_path)
    assert Suggestion.objects.count() == 0  # no side effect by default
    more = [council_row(4, unit), council_row(5, unit, closed="2024-03-02")]
    output = command(write(tmp_path / "t2.csv", COUNCIL, more), tmp_path, triage=True)
    assert "triaged: 1" in output
    assert list(Suggestion.objects.values_list("case__unit__code", flat=True)) == [unit]
    assert Suggestion.objects.get().case.subject.startswith("Transportation")


@pytest.mark.parametrize("name", ["p.csv", "p.csv.gz"])
def test_the_share_of_the_file_read_grows_to_one(
    tree: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setattr(layout, "BATCH_SIZE", 50)
    rows = [council_row(i, tree["s1"].code) for i in range(400)]
    path = write(tmp_path / name, COUNCIL, rows)
    shares: list[float] = []
    import_cases(
        path,
        load_mapping("councilcasework", None),
        actor=None,
        rejects_path=tmp_path / "r.csv",
        position=shares.append,
        reader_process=False,
    )
    assert len(shares) == 8 and shares == sorted(shares) and shares[-1] == 1.0
    with SourceFile(path) as source:
        assert source.fraction() == 0.0
