"""Spark in local mode (the `spark` extra, Java 17), the stand-in for a cluster."""

import shutil
from pathlib import Path

from ..errors import ProjectError
from ..governance.tables import TABLE_SUFFIXES
from .inputs import profile_target, source_files, upstream_files
from .messages import one_line
from .nodes import DBT_TARGET, RAW_SCHEMA, SqlModel


class SparkSession:
    """Spark in local mode: the session starts the Spark session dbt then joins (`method:
    session`), with its warehouse under sql/target/. Sources and earlier layers are tables over
    their files, read as Parquet (or CSV); the built models are written back as Parquet."""

    MASTER = "local[2]"

    def __init__(self, project, layers: tuple[str, ...]):
        self.warehouse = project.root / DBT_TARGET / "spark-warehouse"
        self.schema = profile_target(project.root, "spark").get("schema", "analytics")
        self.environment: dict[str, str] = {}
        self.sources = source_files(project)
        self.upstream = upstream_files(project, layers)

    def load(self) -> None:
        try:
            from pyspark.sql import SparkSession as Spark
        except ImportError:
            raise ProjectError(
                "sql.engine spark needs the extra: `uv sync --extra spark`"
            ) from None

        shutil.rmtree(self.warehouse, ignore_errors=True)
        self.spark = self.start(Spark)
        for schema in (RAW_SCHEMA, self.schema):
            self.spark.sql(f"create database if not exists {spark_identifier(schema)}")
        for name, path in self.sources.items():
            self.register(table_name(RAW_SCHEMA, name), path)
        for name, path in self.upstream.items():
            self.register(table_name(self.schema, name), path)

    def start(self, spark_class):
        """The local session (the one dbt-spark joins); no Java is a one-line error."""
        builder = (
            spark_class.builder.master(self.MASTER)
            .appName("sql")
            .config("spark.sql.warehouse.dir", str(self.warehouse))
            .config("spark.sql.catalogImplementation", "in-memory")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            # a handful of partitions: the default 200 are for a cluster, not two cores
            .config("spark.sql.shuffle.partitions", "4")
        )
        try:
            spark = builder.getOrCreate()
        except Exception as error:  # pyspark's errors for a missing or old Java vary by version
            raise ProjectError(
                f"Spark did not start ({one_line(error)[:200]}): it needs Java 17 or later"
            ) from None
        spark.sparkContext.setLogLevel("ERROR")
        return spark

    def register(self, table: str, path: Path) -> None:
        """`table` as a table over the file at `path` (Parquet, CSV or TSV by its suffix)."""
        delimiter = TABLE_SUFFIXES.get(path.suffix.lower())
        options = f"path {spark_literal(str(path))}"
        if delimiter is not None:
            options += f", header 'true', inferSchema 'true', sep {spark_literal(delimiter)}"
        fmt = "parquet" if delimiter is None else "csv"
        self.spark.sql(f"drop table if exists {table}")
        self.spark.sql(f"create table {table} using {fmt} options ({options})")

    def export(self, outputs: list[tuple[SqlModel, Path]]) -> None:
        """Spark writes each model as Parquet: one part file, moved to the model's output
        (which may be on another file system than the warehouse: a stage's staging folder)."""
        for model, path in outputs:
            written = self.warehouse.parent / "spark-out" / model.name
            table = self.spark.table(table_name(self.schema, model.name))
            table.coalesce(1).write.mode("overwrite").parquet(str(written))
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(next(written.glob("part-*.parquet")), path)

    def close(self) -> None:
        """The Spark session stays up for the process: starting one costs seconds, and dbt
        joins the running one."""


def spark_literal(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def spark_identifier(name: str) -> str:
    """`name` quoted for Spark SQL: a source named in params.yaml is data, not SQL."""
    return "`" + name.replace("`", "``") + "`"


def table_name(schema: str, name: str) -> str:
    return f"{spark_identifier(schema)}.{spark_identifier(name)}"
