"""Source files a careless or hostile system could export, and what a load of them must never do.

Each generated file copies one of the generator's own sources (its mapping and real rows: CRM, web shop and
loyalty customers, stores, transactions, web events, tickets, consents), in CSV (UTF-8, cp1252 or UTF-16,
any delimiter, now and then a stray line in another encoding), JSONL (any JSON type in any cell) or XLSX,
and puts hostile values in its cells: the API fuzz's text (surrogates, injections, odd Unicode, very long
strings), out-of-range times, dates and coordinates, amounts such as ``1e999999``, nested or huge JSON,
duplicate and colliding ids, extra columns with odd names. Loaded through the real ``c360 load``, a file
may have rows rejected (each with its line and reason); a crash, a traceback, a row count that does not
add up, or an accepted row missing from the store is a failure.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from neo4j import RoutingControl
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from bench.fuzz_operations import HUGE_INTS, ODD_FLOATS, ODD_TIMES, text, weighted
from graph.database import Graph
from loaders.mapping import read_mapping
from loaders.readers import read_rows
from loaders.rejects import RejectLog
from loaders.run import SOURCE_KINDS
from loaders.validation import validate
from synthetic import generate
from synthetic.mappings import EVENT_MAPPINGS, MAPPINGS, MappingFile

#: the node each kind writes, found by its key
LABELS = {"customers": "SourceRecord", "stores": "Store", "transactions": "Transaction",
          "web_events": "WebSession", "tickets": "Ticket", "consents": "ConsentEvent"}
#: hostile values for the canonical fields that parse something (times, amounts, codes…)
FIELD_VALUES: dict[str, tuple[Any, ...]] = {
    "at": (*ODD_TIMES, "0001-01-01T00:30:00+01:00", "9999-12-31T23:59:59-01:00", "2023-01-03T17:35:46+01:00",
           "2023-01-03 17:35", "1e9"),
    "amount": ("1e999999", "-1e999999", "NaN", "-1", "1" * 400, "0.001", "1,5", "€5", "1e-999999", "Infinity",
               "9" * 30 + ".99", " 12.50 ", "12.5.5", "0E-1000000", "-0"),
    "currency": ("eur", "XXX", "€", "EURO", "ZZZ", "usd "),
    "latitude": ("nan", "inf", "-inf", "1e309", "-0", "90.0000001", "45,5", "12°", "1e-400"),
    "granted": ("maybe", "TRUE", "1", "oui", "NaN", "granted ", "Nee"),
    "lines": ("[" * 5000, "[{\"a\": " + "9" * 5000 + "}]", "[]", "{\"a\": 1}", "null", "[{\"x\": NaN}]",
              "[{\"\\ud800\": 1}]", "[{\"a\": " + "[" * 3000 + "]" * 3000 + "}]", "[1, 2]"),
    "email": ("a@b", "a@-b.com", "x@exämple.com", "x@" + "a" * 300 + ".com", "a" * 65 + "@x.fr",
              "\"quoted\"@x.fr", "a@b@c", "jean@x.com\n", "JEAN@X.COM"),
    "phone": ("+" + "9" * 50, "0", "06 12 34 56 78 ext 9", "++33612345678", "+33 6 12 34 56 78", "tel:+33612"),
    "birth_date": ("0001-01-01", "9999-12-31", "1899-12-31", "31/02/2000", "2000-02-30", "1e3"),
    "country": ("ZZ", "F", "FRA", "1", "fr", "ÉÉ"),
    "postcode": ("75001", "ABCDEFGHIJKLMN", "00000", "L-1234", "1234 AB"),
}
FIELD_VALUES |= {"opened_at": FIELD_VALUES["at"], "closed_at": FIELD_VALUES["at"],
                 "longitude": FIELD_VALUES["latitude"]}
#: names unknown columns take: kept as ``attr_…`` properties
EXTRA_COLUMNS = ("notes ☃", "=cmd", "  ", "a" * 300, "attr_key", "key", "source", "Ünïcødé/ -", "__proto__")
FORMATS = ("csv", "csv", "jsonl", "xlsx")
DETECT = "detect"  # no encoding in the mapping: the loader detects it
ENCODINGS = ("utf-8", "utf-8", DETECT, "cp1252", "utf-16")


@dataclass(frozen=True)
class Template:
    """One of the generator's sources: its mapping and its rows as read (column → text)."""

    mapping: MappingFile
    rows: tuple[dict[str, Any], ...]

    @property
    def kind(self) -> str:
        return self.mapping.kind


@dataclass(frozen=True)
class SourceFile:
    """A file to load: its mapping, header, rows (column → value of any type) and stray-encoded lines."""

    mapping: MappingFile
    columns: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]
    stray_lines: tuple[int, ...] = ()

    @property
    def kind(self) -> str:
        return self.mapping.kind


def templates(customers: int = 30, seed: int = 5) -> dict[str, Template]:
    """The generator's sources for a few people, read back as the loader reads them."""
    with tempfile.TemporaryDirectory(prefix="c360-fuzz-templates-") as scratch:
        directory = Path(scratch)
        generate(customers, directory, seed=seed)
        found = {}
        for mapping_file in (*MAPPINGS.values(), *EVENT_MAPPINGS.values()):
            mapping = read_mapping(directory / f"{mapping_file.stem}.toml")
            rows = tuple(row.values for row in read_rows(directory / mapping_file.data_file, mapping) if not row.error)
            found[mapping_file.name] = Template(mapping_file, rows)
    return found


@functools.cache
def _cell(field: str | None) -> st.SearchStrategy[Any]:
    """A hostile value for a column holding ``field`` (None: an unmapped column), of any JSON type."""
    typed = st.one_of(st.sampled_from(HUGE_INTS), st.sampled_from(ODD_FLOATS), st.booleans(), st.none(),
                      st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), text(), max_size=2))
    if field not in FIELD_VALUES:
        return weighted((2, text()), (1, typed))
    return weighted((2, text()), (1, typed), (3, st.sampled_from(FIELD_VALUES[field])))


@st.composite
def _row(draw: st.DrawFn, template: Template, fields: Mapping[str, str], extra: Sequence[str], taken: list[str],
         id_prefix: str) -> dict[str, Any]:
    row = dict(draw(st.sampled_from(template.rows)))
    id_column = template.mapping.id_source_column
    row[id_column] = f"{id_prefix}{row[id_column]}" if row.get(id_column) else row.get(id_column)
    for column in (*row, *extra):
        if column in extra or draw(st.integers(0, 9)) == 0:
            row[column] = draw(_cell(fields.get(column)))
    if taken and draw(st.integers(0, 9)) == 0:  # an id seen before, exactly or nearly
        earlier = draw(st.sampled_from(taken))
        row[id_column] = draw(st.sampled_from((earlier, earlier.lower(), f" {earlier} ", earlier.replace("0", " 0"))))
    if isinstance(row.get(id_column), str):
        taken.append(row[id_column])
    return row


def source_files(templates: Mapping[str, Template], name: str) -> st.SearchStrategy[SourceFile]:
    """One file copying a drawn template, named ``name`` (the source's lineage name and file stem)."""

    @st.composite
    def build(draw: st.DrawFn) -> SourceFile:
        template = templates[draw(st.sampled_from(sorted(templates)))]
        fmt = draw(st.sampled_from(FORMATS))
        fields = {column: field for field, column in template.mapping.columns.items()}
        fields[template.mapping.id_source_column] = "source_id"
        extra = tuple(draw(st.lists(st.sampled_from(EXTRA_COLUMNS), max_size=2, unique=True)))
        taken: list[str] = []
        count = draw(st.integers(1, 40))
        rows = tuple(draw(_row(template, fields, extra, taken, f"{name}-")) for _ in range(count))
        columns = tuple(dict.fromkeys(c for row in template.rows for c in row)) + extra
        mapping = replace(template.mapping, name=name, id_column=template.mapping.id_source_column,
                          data_file=f"{name}.{fmt}", format=fmt,
                          sheet="Sheet" if fmt == "xlsx" else None,
                          delimiter=draw(st.sampled_from(",;\t|")) if fmt == "csv" else None,
                          encoding=draw(st.sampled_from(ENCODINGS)) if fmt == "csv" else "utf-8")
        stray = tuple(draw(st.lists(st.integers(1, count), max_size=2))) if fmt == "csv" else ()
        return SourceFile(mapping, columns, rows, stray)

    return build()


def write(source: SourceFile, directory: Path) -> tuple[Path, int]:
    """The data file and its mapping in ``directory``: the data file's path, and how many rows the reader
    must report (all but those whose every cell is blank as written: a blank line holds no record)."""
    path = directory / source.mapping.data_file
    toml = source.mapping.to_toml()
    if source.mapping.encoding == DETECT:
        toml = "\n".join(line for line in toml.splitlines() if not line.startswith("encoding")) + "\n"
    (directory / f"{source.mapping.stem}.toml").write_text(toml, encoding="utf-8")
    if source.mapping.format == "jsonl":
        with open(path, "w", encoding="ascii", newline="\n") as handle:  # a lone surrogate stays a \\ud800 escape
            for row in source.rows:
                handle.write(json.dumps(row, default=str) + "\n")
        return path, len(source.rows)
    if source.mapping.format == "xlsx":
        return path, _write_xlsx(path, source)
    return path, _write_csv(path, source)


#: a line in another encoding than the file's, as when two exports are concatenated
STRAY = {"utf-8": "cp1252", "cp1252": "utf-8", "utf-16-le": "utf-16-le"}


def _write_csv(path: Path, source: SourceFile) -> int:
    """NUL would make the whole file binary (refused as such, whole), so it is written as ``\\0``; a lone
    surrogate is written as UTF-8 would write it if it could (bytes no decoder accepts)."""
    declared = "utf-8" if source.mapping.encoding == DETECT else source.mapping.encoding
    codec = "utf-16-le" if declared == "utf-16" else declared
    readable = 0
    with open(path, "wb") as handle:
        if codec == "utf-16-le":
            handle.write(codecs.BOM_UTF16_LE)
        for number, row in enumerate([dict(zip(source.columns, source.columns, strict=True)), *source.rows]):
            cells = ["" if row.get(c) is None else str(row.get(c)).replace("\x00", "\\0") for c in source.columns]
            buffer = io.StringIO()
            # CRLF ends a record, as RFC 4180 has it, so that the csv module quotes a lone CR in a cell too
            csv.writer(buffer, delimiter=source.mapping.delimiter or ",", lineterminator="\r\n").writerow(cells)
            encoding = STRAY[codec] if number in source.stray_lines else codec
            errors = "surrogatepass" if encoding.startswith("utf") else "replace"
            handle.write(buffer.getvalue().encode(encoding, errors))
            as_read = [cell.encode(encoding, errors).decode(encoding, "replace") for cell in cells]
            readable += bool(number) and any(cell.strip() for cell in as_read)
    return readable


def _xlsx_value(value: Any) -> Any:
    """What a spreadsheet cell can hold: text without XML-illegal characters (openpyxl writes U+FFFE, making a
    workbook no reader opens, which the loader refuses whole), finite numbers, dates."""
    if value is None or isinstance(value, bool | datetime):
        return value
    if (isinstance(value, int) and abs(value) < 10**15) or (isinstance(value, float) and abs(value) < 1e300):
        return value
    cleaned = ILLEGAL_CHARACTERS_RE.sub("", str(value)).replace("\ufffe", "").replace("\uffff", "")
    return cleaned.encode("utf-8", "ignore").decode("utf-8")[:32_000]


def _write_xlsx(path: Path, source: SourceFile) -> int:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Sheet"
    sheet.append([_xlsx_value(c) for c in source.columns])
    readable = 0
    for row in source.rows:
        cells = [_xlsx_value(row.get(c)) for c in source.columns]
        sheet.append(cells)
        readable += any(cell is not None and str(cell).strip() for cell in cells)
    workbook.save(path)
    return readable


@dataclass
class LoadTally:
    """What a source fuzz run did: files and rows tried, rows accepted, and every failure found."""

    files: int = 0
    rows: int = 0
    accepted: int = 0
    rejected: int = 0
    failures: list[str] = field(default_factory=list)


def c360(home: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """The real command in a subprocess on the store under ``home`` (never a Neo4j from the environment)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    environment |= {"C360_HOME": str(home), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "cli", *args], capture_output=True, text=True,
                          env=environment, timeout=timeout, check=False)


def load_and_check(graph: Graph, home: Path, files: Sequence[SourceFile], directory: Path,
                   tally: LoadTally) -> None:
    """Write ``files`` into ``directory``, load it with ``c360 load``, and add what went wrong to ``tally``."""
    directory.mkdir(parents=True, exist_ok=True)
    written = [write(f, directory) for f in files]
    tally.files += len(files)
    tally.rows += sum(len(f.rows) for f in files)
    result = c360(home, "load", str(directory), "--quiet")
    where = f"{directory} ({', '.join(f'{f.mapping.name}: {f.kind} {f.mapping.format}' for f in files)})"
    if result.returncode != 0 or result.stderr.strip():
        tally.failures.append(f"c360 load exited {result.returncode}: {result.stderr.strip()[-3000:]}\n  in {where}")
        return
    for source, (path, readable) in zip(files, written, strict=True):
        problem = _check_file(graph, source, path, readable, tally)
        if problem:
            tally.failures.append(f"{problem}\n  in {path} ({source.kind}, {source.mapping.format})")


def _check_file(graph: Graph, source: SourceFile, path: Path, expected: int, tally: LoadTally) -> str | None:
    """Counts add up, every accepted row is in the store under its own key, every refusal has a reason."""
    mapping = read_mapping(path.with_suffix(".toml"))
    kind = SOURCE_KINDS[mapping.source.kind]
    with tempfile.TemporaryDirectory() as scratch:
        rejects = RejectLog(Path(scratch) / "rejects.jsonl")
        try:
            accepted = list(validate(read_rows(path, mapping), mapping, kind.model, path, rejects))
            keys = [row["key"] for row in kind.rows(iter(accepted), mapping)]
        finally:
            rejects.close()
    [run] = _read(graph, "MATCH (r:LoadRun {source: $source}) RETURN r {.*} AS run", source=mapping.source.name)
    run = run["run"]
    tally.accepted += run["accepted"]
    tally.rejected += run["rejected"]
    if run["status"] != "completed":
        return f"load run {run['status']}: {run.get('error')}"
    if run["read"] != expected or run["accepted"] + run["rejected"] != run["read"]:
        return f"rows do not add up: {expected} written, read {run['read']}, accepted {run['accepted']}, " \
               f"rejected {run['rejected']}"
    if run["accepted"] != len(accepted):
        return f"accepted {run['accepted']} by c360 load but {len(accepted)} when validated again"
    if len(set(keys)) != len(keys):
        shared = sorted({k for k in keys if keys.count(k) > 1})[:5]
        return f"accepted rows share a key, so one overwrites another: {shared}"
    [found] = _read(graph, f"MATCH (n:{LABELS[kind.name]}) WHERE n.key IN $keys RETURN count(n) AS n", keys=keys)
    if found["n"] != len(keys):
        return f"{len(keys) - found['n']} accepted row(s) missing from the store"
    return _check_rejects(run)


def _check_rejects(run: Mapping[str, Any]) -> str | None:
    if not run.get("reject_file"):
        return None if run["rejected"] == run["values_dropped"] == 0 else "refusals without a reject file"
    lines = Path(run["reject_file"]).read_text(encoding="utf-8").split("\n")  # not splitlines(): U+2028 is text
    entries = [json.loads(line) for line in lines if line]
    rejected = sum(e["action"] == "record_rejected" for e in entries)
    dropped = sum(e["action"] == "value_dropped" for e in entries)
    if (rejected, dropped) != (run["rejected"], run["values_dropped"]):
        return f"reject file holds {rejected} records and {dropped} values, the run says {run['rejected']} " \
               f"and {run['values_dropped']}"
    if any(not e["reason"] or not isinstance(e["line"], int) for e in entries):
        return "a refusal without its line or reason"
    return None


def _read(graph: Graph, query: str, **parameters: Any) -> list[dict[str, Any]]:
    records, _, _ = graph.driver.execute_query(query, parameters, database_=graph.database,
                                               routing_=RoutingControl.READ)
    return [r.data() for r in records]


def batches(templates: Mapping[str, Template], prefix: str) -> st.SearchStrategy[list[SourceFile]]:
    """One to three files to load together, each named ``<prefix><n>``."""
    @st.composite
    def build(draw: st.DrawFn) -> list[SourceFile]:
        count = draw(st.integers(1, 3))
        return [draw(source_files(templates, f"{prefix}{n}")) for n in range(count)]

    return build()


__all__ = ["LoadTally", "SourceFile", "Template", "batches", "c360", "load_and_check", "templates"]
