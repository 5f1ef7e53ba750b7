"""Running the document groups of a build: in this process, or on Dask (a local cluster of worker
processes, or an existing cluster on other machines), with per-group results kept for `--resume`.

A group is one task (`GroupTask`): a discovered group carries its documents and pair decisions; a named group
(`DIR/<lang>/<name>`, aligner.pipeline.layout) carries its files' bytes and is read on the worker. `run_group` is the
same function everywhere: segment, embed, align, merge, score -> `GroupOutput` (polars tables, which pickle).
An exception inside it becomes a `GroupFailure` with the group's name and a one-line message, so one bad
group never costs the others' results.

Results are stored per group as `OUT/groups/<corpus>.parquet` (the units table; the group's other tables and
its input fingerprint in the Parquet key-value metadata), each written atomically as soon as it arrives;
`--resume` reuses every stored group whose fingerprint matches its input. The build reassembles the groups
in task order, never completion order, so the output is the same whatever ran the tasks and in which order.

Every Dask worker process loads the embedding model once (`aligner.models.embed.default_embedder`, a per-process
singleton) and shares the SQLite embedding cache with the others through WAL mode and a busy timeout.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence
from urllib.parse import quote

import polars as pl

from aligner.align.docalign import PairDecision
from aligner.align.links import format_links
from aligner.pipeline.group import GroupResult, build_group
from aligner.pipeline.layout import named_decisions, read_source
from corpus.atomic import atomic_dir, atomic_path
from corpus.errors import CorpusError
from corpus.formats.table import units_frame, write_parquet
from corpus.reading.presegmented import PresegmentedDocument
from corpus.version import package_version

AUTO_SERIAL_BELOW = 8  # groups: fewer run in-process when --workers is not given (a cluster costs seconds)
STORE_FORMAT = 2  # 2: units carry `where` (a store of 1 is recomputed, not shown without places)


@dataclass
class GroupTask:
    corpus: str
    docs: list | None = None  # discovered group: its documents, read on the client...
    decisions: list | None = None  # ...and their pair decisions
    named: object | None = None  # named group (aligner.pipeline.layout.NamedGroup): files read on the worker

    def fingerprint(self, options) -> str:
        """Identifies everything the group's result depends on: its input, the options, the code version."""
        digest = hashlib.sha1(f"{STORE_FORMAT}\0{package_version()}\0{self.corpus}\0".encode())
        digest.update(f"{options.presegmented}\0{options.max_per_doc}\0{options.fidelity}\0".encode())
        if self.named is not None:
            digest.update(self.named.fingerprint().encode())
        for d in self.docs or []:
            digest.update(f"\0{d.id}\0{d.lang}\0{getattr(d, 'script', '')}\0".encode())
            digest.update("\n".join(d.sentence_texts).encode("utf-8", "surrogatepass"))
            digest.update("\n".join(getattr(d, "sentence_places", None) or ()).encode("utf-8", "surrogatepass"))
        for dec in self.decisions or []:
            digest.update(f"\0{dec.doc_a}\0{dec.doc_b}\0{dec.parallel}\0{dec.span_a}\0{dec.span_b}\0{dec.anchors}".encode())
        ids = {d.id for d in self.docs or []} | {f.doc_id for f in (self.named.files if self.named else ())}
        for (a, b), links in sorted(getattr(options, "anchors", {}).items()):  # the pairs' given links
            if a in ids and b in ids:
                digest.update(f"\0anchors\0{a}\0{b}\0{format_links(list(links))}".encode())
        return digest.hexdigest()


@dataclass
class GroupOutput:
    result: object  # aligner.pipeline.group.GroupResult
    documents: list  # light copies (corpus.reading.presegmented.PresegmentedDocument) of the group's documents
    decisions: list  # its pair decisions (for named groups, made on the worker)
    resumed: bool = False


@dataclass
class GroupFailure:
    corpus: str
    error: str  # one line

    def __str__(self) -> str:
        return f"group {self.corpus} failed: {self.error}"


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__

    return text if isinstance(exc, CorpusError) else f"{type(exc).__name__}: {text}"


def light_document(doc):
    return PresegmentedDocument(doc.id, doc.path, doc.lang, getattr(doc, "script", "") or "",
                                list(doc.sentence_texts),
                                sentence_places=list(getattr(doc, "sentence_places", None) or ()))


def run_group(task: GroupTask, options) -> GroupOutput | GroupFailure:
    """One group, start to end; runs in this process or on a Dask worker. Never raises."""
    try:
        if task.named is not None:
            docs = [read_source(f, options.presegmented) for f in task.named.files]
            decisions = named_decisions(task.named, docs)
        else:
            docs, decisions = task.docs, task.decisions
        result = build_group(task.corpus, docs, decisions, options)
        return GroupOutput(result, [light_document(d) for d in docs], list(decisions))
    except Exception as exc:  # reported with the group's name; the other groups carry on
        return GroupFailure(task.corpus, _one_line(exc))


# ---- per-group store: OUT/groups/<corpus>.parquet ---------------------------------------------------------


def group_path(store: Path, corpus: str) -> Path:
    return store / f"{quote(corpus, safe='')}.parquet"


def _decision_dict(dec) -> dict:
    out = dataclasses.asdict(dec)
    out.pop("cells", None)
    return out


def _frame_to_text(frame: pl.DataFrame) -> str:
    import base64
    import io

    buffer = io.BytesIO()
    frame.write_ipc(buffer)  # Arrow IPC keeps every dtype, empty frames included
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _frame_from_text(text: str) -> pl.DataFrame:
    import base64
    import io

    return pl.read_ipc(io.BytesIO(base64.b64decode(text)))


def write_group(path: Path, output: GroupOutput, fingerprint: str) -> None:
    """The group's units as Parquet; its other fields (tables as Arrow IPC), documents and decisions as JSON
    in the file's key-value metadata, so one atomic file holds the whole group."""
    import pyarrow.parquet as pq

    r = output.result
    fields = {f.name: getattr(r, f.name) for f in dataclasses.fields(r) if f.name != "units"}
    meta = {
        "fingerprint": fingerprint,
        "frames": {k: _frame_to_text(v) for k, v in fields.items() if isinstance(v, pl.DataFrame)},
        "fields": {k: v for k, v in fields.items() if not isinstance(v, pl.DataFrame)},
        "documents": [dataclasses.asdict(d) for d in output.documents],
        "decisions": [_decision_dict(d) for d in output.decisions],
    }
    table = r.units.to_arrow()
    table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                           b"corpus_group": json.dumps(meta, ensure_ascii=False).encode()})
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)


def read_group(path: Path, fingerprint: str) -> GroupOutput | None:
    """The stored group when it exists, is readable and was made from the same input; else None."""
    import pyarrow.parquet as pq

    if not path.is_file():
        return None
    try:
        table = pq.read_table(path)
        meta = json.loads(table.schema.metadata[b"corpus_group"])
        if meta["fingerprint"] != fingerprint:
            return None
        units = units_frame(pl.from_arrow(table.replace_schema_metadata(None)))
        frames = {k: _frame_from_text(v) for k, v in meta["frames"].items()}
        result = GroupResult(units=units, **frames, **meta["fields"])
        docs = [PresegmentedDocument(**d) for d in meta["documents"]]
        decisions = [PairDecision(**{k: tuple(v) if k.startswith("span_") and v is not None else v
                                     for k, v in d.items()}) for d in meta["decisions"]]
        return GroupOutput(result, docs, decisions, resumed=True)
    except Exception:  # damaged, or written by another version of GroupResult: recompute
        return None


# ---- executors -------------------------------------------------------------------------------------------


class SerialExecutor:
    """Runs the tasks one after another in this process (`--workers 0`)."""

    description = "in-process"

    def map(self, fn: Callable, items: Sequence) -> Iterator[tuple[int, object]]:
        for k, item in enumerate(items):
            yield k, fn(item)


@dataclass
class DaskExecutor:
    """Runs the tasks on Dask: on `scheduler` (an existing cluster, `tcp://host:8786`), else on a local
    cluster of `workers` processes (one thread each: the model is single-core bound). `workers=None` picks:
    in-process below AUTO_SERIAL_BELOW tasks or on one core, else one worker per core."""

    workers: int | None = None
    scheduler: str | None = None
    description: str = field(default="", init=False)
    worker_peak_mb: list[float] = field(default_factory=list, init=False)
    _client: object = field(default=None, init=False, repr=False)

    def connect(self) -> "DaskExecutor":
        """Reach the scheduler now (before reading and comparing documents), not when the groups are ready."""
        from distributed import Client

        try:
            self._client = Client(self.scheduler, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise CorpusError(f"cannot reach the Dask scheduler ({_one_line(exc)})", self.scheduler) from exc
        return self

    def _workers_for(self, tasks: int) -> int:
        if self.workers is not None:
            return self.workers
        cores = os.cpu_count() or 1
        return 0 if tasks < AUTO_SERIAL_BELOW or cores < 2 else min(cores, tasks)

    def map(self, fn: Callable, items: Sequence) -> Iterator[tuple[int, object]]:
        workers = self._workers_for(len(items)) if self.scheduler is None else -1
        if workers == 0 or not items:
            self.description = "in-process"
            yield from SerialExecutor().map(fn, items)
            return
        import logging
        import uuid

        from distributed import Client, LocalCluster, as_completed

        if self.scheduler:
            client, self._client = self._client or self.connect()._client, None
            cluster = None
            self.description = f"Dask scheduler {self.scheduler}"
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=":0", silence_logs=logging.ERROR)
            client = Client(cluster)
            self.description = f"local Dask cluster of {workers} worker processes"
        try:
            run = uuid.uuid4().hex[:8]
            futures = [client.submit(fn, item, key=f"corpus-group-{run}-{k}", pure=False)
                       for k, item in enumerate(items)]
            position = {f.key: k for k, f in enumerate(futures)}
            for future in as_completed(futures):
                try:
                    value = future.result()
                except Exception as exc:  # the worker died (KilledWorker), the task could not be sent...
                    value = exc
                future.release()
                yield position[future.key], value
            self.worker_peak_mb = sorted(client.run(_peak_rss_mb).values())
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


def executor_for(workers: int | None = None, scheduler: str | None = None):
    """The executor the `build` options ask for: `--scheduler ADDRESS`, `--workers N` (0: in-process), or
    neither (in-process for small folders, a local cluster for big ones)."""
    if scheduler:
        return DaskExecutor(scheduler=scheduler).connect()
    if workers == 0:
        return SerialExecutor()
    return DaskExecutor(workers=workers)


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---- running a build's groups ----------------------------------------------------------------------------


def run_groups(tasks: Sequence[GroupTask], options, progress: Callable[[int, int], None] | None = None,
               executor=None, store: Path | None = None, resume: bool = False) -> list[GroupOutput | GroupFailure]:
    """Every task's outcome, in task order. With `store`, each finished group is written there at once;
    with `resume`, groups already stored from the same input are not run again."""
    import functools

    executor = executor or SerialExecutor()
    outcomes: list[GroupOutput | GroupFailure | None] = [None] * len(tasks)
    fingerprints = [t.fingerprint(options) for t in tasks]
    if store is not None and resume:
        for k, task in enumerate(tasks):
            outcomes[k] = read_group(group_path(store, task.corpus), fingerprints[k])
    todo = [k for k in range(len(tasks)) if outcomes[k] is None]
    done = len(tasks) - len(todo)
    if progress:
        progress(done, len(tasks))
    if store is not None and todo:
        store.mkdir(parents=True, exist_ok=True)
    # The embedder holds an SQLite connection and does not travel: each worker process uses its own.
    travelling = dataclasses.replace(options, embedder=None) if isinstance(executor, DaskExecutor) else options
    for k, value in executor.map(functools.partial(run_group, options=travelling), [tasks[k] for k in todo]):
        index = todo[k]
        if isinstance(value, BaseException):
            value = GroupFailure(tasks[index].corpus, _one_line(value))
        if isinstance(value, GroupOutput) and store is not None:
            write_group(group_path(store, tasks[index].corpus), value, fingerprints[index])
        outcomes[index] = value
        done += 1
        if progress:
            progress(done, len(tasks))
    return outcomes  # type: ignore[return-value]


PARTITION_ROWS = 1_000_000  # units rows: above this the table is written as a folder of Parquet files


def write_units_parquet(units: pl.DataFrame, path: Path, partition_rows: int = PARTITION_ROWS) -> None:
    """The units table as one Parquet file, or, above `partition_rows` rows, as a folder of that name holding
    `part-00000.parquet`, ... each of whole corpora (groups) in table order, about `partition_rows` rows
    each: `polars.scan_parquet(path / "*.parquet")` reads it back as one table. Either form replaces the
    other atomically enough: the new one is complete before the old one goes."""
    import shutil

    if units.height <= partition_rows:
        if path.is_dir():
            shutil.rmtree(path)
        write_parquet(units, path)
        return
    sizes = units.group_by("corpus", maintain_order=True).len()
    part = ((sizes.get_column("len").cum_sum() - 1) // partition_rows).rank("dense").cast(pl.Int64) - 1
    corpus_part = sizes.select("corpus", part.alias("_part"))
    with atomic_dir(path) as tmp:
        for (k,), frame in units.join(corpus_part, on="corpus", how="left", maintain_order="left").group_by(
                "_part", maintain_order=True):
            frame.drop("_part").write_parquet(tmp / f"part-{k:05d}.parquet")


def report_build(result, tmx: Path | None = None, table: Path | None = None, console=None) -> int:
    """Write the extra outputs asked for (`--tmx FILE`, `--table FILE`), print one line per failed group and
    a summary on stderr; the exit code: 1 when a group failed, else 0."""
    import shutil

    from rich.console import Console

    console = console or Console(stderr=True)
    written = result.out_dir / f"{result.name}.tmx"
    if tmx is not None and written in result.files:
        with atomic_path(tmx) as tmp:  # the build's own TMX, byte for byte
            shutil.copyfile(written, tmp)
    if table is not None:
        write_units_parquet(result.units, table)
    for failure in result.failed:
        console.print(f"corpus: {failure}", markup=False, highlight=False, soft_wrap=True)
    if result.failed:
        console.print(f"corpus: {len(result.failed)} of {len(result.failed) + len(result.groups)} document groups "
                      f"failed; the other groups' results were written (rerun with --resume to redo only the "
                      f"failed ones)", markup=False, highlight=False, soft_wrap=True)
        return 1
    return 0
