"""`grassroots import-cases`: history comes in as cases with the intake's invariants."""

from __future__ import annotations

import csv
import gzip
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from grassroots.cases.codes import SECRET_ALPHABET, _luhn_digit, is_valid_tracking_code
from grassroots.cases.enums import AssignmentStatus, CaseEventType, CaseStatus
from grassroots.cases.importing import import_cases, load_mapping
from grassroots.cases.importing.layout import _check_digit
from grassroots.cases.importing.writer import BatchWriter
from grassroots.cases.models import Case, CaseAssignment, CaseEvent, Category, IdempotencyRecord
from grassroots.core.models import AuditEntry
from tests.factories.organizations import UnitFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "unique_key,account,opendate,closedate,complaint_type,descriptor,zip,borough,city,"
    "council_dist,community_board"
)
HEAT = "Housing and Buildings,Heat/Hot Water"
HOLES = "Transportation,Potholes"
MN1 = "10001,Manhattan,New York,NYCC01,01 Manhattan"
ROWS = [
    f"NYCC01001,NYCC01,2024-03-01,2024-03-04,{HEAT},{MN1}",
    f"NYCC01002,NYCC01,2024-03-02,,{HOLES},{MN1}",
    "NYCC02003,NYCC02,2024-03-05,2024-03-05,Housing and Buildings,Repairs,"
    "10002,Manhattan,New York,NYCC02,02 Manhattan",
    f"NYCC99004,NYCC99,2024-03-06,,{HOLES},{MN1}",
    f"NYCC01005,NYCC01,not-a-date,,{HOLES},{MN1}",
    f"NYCC01006,NYCC01,2024-03-09,2024-03-01,{HOLES},{MN1}",
    f"NYCC01001,NYCC01,2024-03-01,2024-03-04,{HEAT},{MN1}",
]
MAPPING = """
source = "council"
timezone = "America/New_York"
kind = "petition"
unit_code = "{value}"
[places]
"01 Manhattan" = "MN01"
"""


@pytest.fixture
def units() -> dict[str, Any]:
    city = UnitFactory(code="NYC", level="city")
    district = UnitFactory(code="MN", level="district", parent=city)
    return {
        "NYCC01": UnitFactory(code="NYCC01", level="department", parent=city),
        "NYCC02": UnitFactory(code="NYCC02", level="department", parent=city),
        "MN01": UnitFactory(code="MN01", level="street", parent=district),
    }


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    data = tmp_path / "casework.csv.gz"
    with gzip.open(data, "wt", encoding="utf-8") as handle:
        handle.write("\n".join([HEADER, *ROWS]) + "\n")
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    return {"data": data, "mapping": mapping, "rejects": tmp_path / "rejects.csv"}


def run(files: dict[str, Path]) -> str:
    out = StringIO()
    call_command(
        "import_cases",
        str(files["data"]),
        format="councilcasework",
        mapping=str(files["mapping"]),
        rejects=str(files["rejects"]),
        no_progress=True,
        stdout=out,
    )
    return out.getvalue()


def test_import_writes_cases_and_ends_with_the_summary_line(units: Any, files: Any) -> None:
    # when the file is imported
    output = run(files)
    # then three rows are cases and four are rejected, and the last line says so
    assert output.splitlines()[-1].startswith("imported=3 rejected=4 seconds=")
    assert Case.objects.count() == 3


def test_imported_cases_carry_status_dates_units_and_valid_codes(units: Any, files: Any) -> None:
    run(files)
    closed = Case.objects.get(subject="Housing and Buildings: Heat/Hot Water")
    open_ = Case.objects.get(subject="Transportation: Potholes")
    assert (closed.status, open_.status) == (CaseStatus.CLOSED, CaseStatus.DISPATCHED)
    assert closed.received_at.isoformat() == "2024-03-01T05:00:00+00:00"  # New York midnight
    assert closed.closed_at.isoformat() == "2024-03-04T05:00:00+00:00"
    assert (closed.unit.code, closed.place_unit.code, closed.kind) == ("NYCC01", "MN01", "petition")
    assert open_.resolve_due is not None and open_.respond_due is not None
    for case in Case.objects.all():
        assert is_valid_tracking_code(case.tracking_code)
        assert case.tracking_code[:4] == "2403"
        assert len(case.secret) == 8 and set(case.secret) <= set(SECRET_ALPHABET)


def test_each_imported_case_has_its_timeline_assignment_and_key(units: Any, files: Any) -> None:
    run(files)
    closed = Case.objects.get(subject="Housing and Buildings: Heat/Hot Water")
    events = list(CaseEvent.objects.filter(case=closed).values_list("type", "to_status"))
    assert events == [(CaseEventType.RECEIVED, "received"), (CaseEventType.CLOSED, "closed")]
    open_ = Case.objects.get(subject="Transportation: Potholes")
    lead = CaseAssignment.objects.get(case=open_)
    assert (lead.unit.code, lead.status) == ("NYCC01", AssignmentStatus.PENDING)
    assert not CaseAssignment.objects.filter(case=closed).exists()  # nothing left to do
    assert IdempotencyRecord.objects.get(case=closed).key == "import:council:NYCC01001"


def test_rejected_rows_are_written_with_their_reason(units: Any, files: Any) -> None:
    run(files)
    with files["rejects"].open(encoding="utf-8") as handle:
        rejects = [(r["line"], r["reason_code"], r["unique_key"]) for r in csv.DictReader(handle)]
    assert rejects == [
        ("5", "unknown_unit", "NYCC99004"),
        ("6", "bad_date", "NYCC01005"),
        ("7", "closed_before_received", "NYCC01006"),
        ("8", "duplicate_in_file", "NYCC01001"),
    ]


def test_categories_missing_are_created_once_with_an_audit_entry(units: Any, files: Any) -> None:
    run(files)
    created = Category.objects.filter(code__startswith="council.")
    names = sorted(created.values_list("name_en", flat=True))
    assert names == ["Housing and Buildings", "Transportation"]
    assert AuditEntry.objects.filter(action="cases.category.created").count() == 2


def test_each_batch_and_the_run_are_on_the_audit_log(units: Any, files: Any) -> None:
    run(files)
    batch = AuditEntry.objects.get(action="cases.case.imported")
    finished = AuditEntry.objects.get(action="cases.import.finished")
    ids = sorted(Case.objects.values_list("id", flat=True))
    assert (batch.data["count"], batch.data["ids"]) == (3, [ids[0], ids[-1]])
    assert (finished.data["imported"], finished.data["rejected"]) == (3, 4)
    assert finished.data["reasons"] == {
        "unknown_unit": 1,
        "bad_date": 1,
        "closed_before_received": 1,
        "duplicate_in_file": 1,
    }


def test_importing_the_same_file_again_adds_nothing(units: Any, files: Any) -> None:
    run(files)
    # when the same file is imported a second time
    output = run(files)
    # then no case is added and the imported rows are listed as already imported
    assert output.splitlines()[-1].startswith("imported=0 rejected=7 ")
    assert "rejected already_imported: 4" in output  # three cases and the repeated row
    assert Case.objects.count() == 3


def test_generic_csv_reads_columns_named_in_the_mapping(units: Any, tmp_path: Path) -> None:
    data = tmp_path / "mine.csv"
    data.write_text(
        "ref,when,what,who,done\nA1,2024-05-01 08:30:00,Noise,NYCC02,2024-05-02 09:00:00\n"
    )
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        '[columns]\nid = "ref"\nreceived = "when"\ncategory = "what"\n'
        'unit = "who"\nclosed = "done"\n'
    )
    report = import_cases(
        data, load_mapping("csv", mapping), actor=None, rejects_path=tmp_path / "r.csv"
    )
    case = Case.objects.get()
    assert (report.imported, case.subject, case.unit.code, case.status) == (
        1,
        "Noise",
        "NYCC02",
        "closed",
    )


def test_check_digit_is_the_intake_luhn_digit() -> None:
    for body in ("24030000000", "24039999999", "25121234567", "99012345678"):
        assert _check_digit(body) == _luhn_digit(body)


def test_real_council_casework_sample_imports(
    units: Any, shared_data: Path, tmp_path: Path
) -> None:
    # given the first 2,000 rows of the real file, offices NYCC01 and NYCC02 known
    source = shared_data / "service_requests_311" / "nyc_council_constituent_casework.csv.gz"
    part = tmp_path / "part.csv"
    with gzip.open(source, "rt", encoding="utf-8") as handle:
        part.write_text("".join(line for _, line in zip(range(2001), handle, strict=False)))
    mapping = tmp_path / "m.toml"
    mapping.write_text('timezone = "America/New_York"\nunit_code = "{value}"\n')
    report = import_cases(
        part, load_mapping("councilcasework", mapping), actor=None, rejects_path=tmp_path / "r.csv"
    )
    # then every row is either a case or a reject, nothing dropped
    assert report.imported + report.rejected == 2000
    assert report.imported == Case.objects.count()
    assert set(report.reasons) <= {
        "unknown_unit",
        "duplicate_in_file",
        "missing_unit",
        "closed_before_received",
    }


def _import(files: dict[str, Path], *, reader_process: bool = True) -> Any:
    return import_cases(
        files["data"],
        load_mapping("councilcasework", files["mapping"]),
        actor=None,
        rejects_path=files["rejects"],
        reader_process=reader_process,
    )


def _cases() -> list[tuple[Any, ...]]:
    return list(
        Case.objects.order_by("id").values_list(
            "subject", "status", "received_at", "closed_at", "unit__code", "place_unit__code",
            "resolve_due", "respond_due", "category__code",
        )
    )  # fmt: skip


def test_reading_in_a_reader_process_or_in_this_one_gives_the_same_cases(
    units: Any, files: Any
) -> None:
    # given the file imported with the reader process, the result noted and removed
    first = _import(files, reader_process=True)
    cases, events = _cases(), CaseEvent.objects.count()
    reasons = dict(first.reasons)
    IdempotencyRecord.objects.all().delete()
    CaseEvent.objects.all().delete()
    CaseAssignment.objects.all().delete()
    Case.objects.all().delete()
    # when it is imported again without the reader process
    second = _import(files, reader_process=False)
    # then the cases, their events and the rejects are the same, and in line order
    assert (_cases(), CaseEvent.objects.count(), dict(second.reasons)) == (cases, events, reasons)
    with files["rejects"].open(encoding="utf-8") as handle:
        lines = [int(r["line"]) for r in csv.DictReader(handle)]
    assert lines == sorted(lines) and len(lines) == 4


def test_rows_imported_by_another_run_meanwhile_are_rejected_not_doubled(
    units: Any, files: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the file imported once, and a second run that did not see those keys at its start
    _import(files)
    monkeypatch.setattr(BatchWriter, "_imported_keys", lambda self: set())
    # when the second run writes its batch (the unique key refuses it, the batch is rechecked)
    report = _import(files)
    # then nothing is added and each row is listed once, with its reason, in line order
    assert (report.imported, Case.objects.count()) == (0, 3)
    with files["rejects"].open(encoding="utf-8") as handle:
        rejects = [(r["line"], r["reason_code"], r["unique_key"]) for r in csv.DictReader(handle)]
    assert rejects == [
        ("2", "already_imported", "NYCC01001"),
        ("3", "already_imported", "NYCC01002"),
        ("4", "already_imported", "NYCC02003"),
        ("5", "unknown_unit", "NYCC99004"),
        ("6", "bad_date", "NYCC01005"),
        ("7", "closed_before_received", "NYCC01006"),
        ("8", "duplicate_in_file", "NYCC01001"),
    ]


def test_an_error_in_the_reader_process_stops_the_run_before_writing(
    units: Any, tmp_path: Path, files: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a reader that fails on the 300th row (a badly encoded row is a reject now: see
    # test_import_robustness.py)
    from grassroots.cases.importing import ImportAborted, layout

    rows = [f"NYCC01{i:05d},NYCC01,2024-03-01,,{HOLES},{MN1}" for i in range(400)]
    data = tmp_path / "broken.csv"
    data.write_bytes(("\n".join([HEADER, *rows]) + "\n").encode())
    files = {**files, "data": data}
    check = layout.check_row

    def failing(line: int, *args: Any, **kwargs: Any) -> Any:
        if line == 300:
            raise RuntimeError("reader broke")
        return check(line, *args, **kwargs)

    monkeypatch.setattr(layout, "check_row", failing)
    # when it is imported, then the reader's error is raised here and no case is written
    with pytest.raises(ImportAborted) as caught:
        _import(files)
    assert isinstance(caught.value.__cause__, RuntimeError)
    assert caught.value.report.imported == 0
    assert Case.objects.count() == 0
