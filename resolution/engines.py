"""Where the matching model runs: in-process DuckDB by default, Spark for data beyond one machine.

The model, its comparisons and its blocking rules are the same on both (Splink writes each backend's SQL);
only the database Splink is handed changes. ``C360_MATCH_BACKEND=spark`` picks Spark: a local session
(``local[*]``) unless ``SPARK_REMOTE`` or a session created before names a cluster.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from functools import cache
from typing import Any, Literal

from splink import DuckDBAPI
from splink.internals.database_api import DatabaseAPISubClass

Engine = Callable[[], DatabaseAPISubClass]
EngineName = Literal["duckdb", "spark"]


def duckdb() -> DatabaseAPISubClass:
    return DuckDBAPI()


@cache
def _spark_session() -> Any:
    """One Spark session per process, with Splink's string-similarity functions (a jar it ships)."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    session = (SparkSession.builder.appName("c360-matching").master("local[*]")
               .config("spark.jars", similarity_jar_location())
               .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
               .config("spark.sql.shuffle.partitions", "8")
               .config("spark.ui.enabled", "false")
               .getOrCreate())
    # Splink checkpoints its intermediate tables to cut Spark's lineage
    session.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="c360-spark-"))
    return session


def spark() -> DatabaseAPISubClass:
    from splink.backends.spark import SparkAPI

    return SparkAPI(spark_session=_spark_session())  # type: ignore[no-untyped-call]


ENGINES: dict[EngineName, Engine] = {"duckdb": duckdb, "spark": spark}
