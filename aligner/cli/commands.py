"""The `corpus` command line: a thin typer layer over the library. Each command is a small typed function
whose docstring is its help text. User errors print one line on stderr and exit with code 2; `--debug`
shows the traceback instead."""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path
from typing import Optional

import typer

from corpus.errors import CorpusError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Offline parallel-corpus tool: align translations sentence by sentence, write TMX, score fidelity.",
)


@app.callback()
def _global(debug: bool = typer.Option(False, "--debug", help="Show full tracebacks on errors.")) -> None:
    if debug:
        os.environ["CORPUS_DEBUG"] = "1"


INPUT_FORMAT_HELP = ("Read every input file as this format, whatever its suffix: text, markdown, docx, odt, html, "
                     "epub, pdf, xliff, srt, vtt (default: from the suffix, else from the content).")


# ---- commands: each one a small function over the library API (sections owned by their modules) ----


# -- segment (owner: corpus/segment.py, corpus/reader.py)
@app.command("segment")
def segment_cmd(
    file: Path = typer.Argument(..., help="A document: text, Markdown, DOCX, ODT, HTML, EPUB, PDF, XLIFF, SRT, VTT."),
    lang: str = typer.Option(..., "--lang", "-l", help="ISO 639-1 code of the language to print (en, zh, de...)."),
    fmt: str = typer.Option("text", "--format", "-f", help="text: one sentence a line; jsonl: one JSON object "
                            "a line with doc id, sentence index, paragraph, character offsets and where."),
    input_format: Optional[str] = typer.Option(None, "--input-format", metavar="FORMAT", help=INPUT_FORMAT_HELP),
    presegmented: bool = typer.Option(False, "--presegmented", help="XLIFF: its own segments are the sentences."),
) -> None:
    """Print the sentences of one language found in FILE, in document order."""
    import json

    from corpus.text.langid import language_code
    from corpus.reading.reader import read_documents
    from corpus.reading.registry import ReadOptions

    code = language_code(lang)
    if fmt not in ("text", "jsonl"):
        raise CorpusError(f"unknown format {fmt!r} (text or jsonl)")
    documents = read_documents(file, fmt=input_format, options=ReadOptions(keep_segments=presegmented))
    chosen = [d for d in documents if d.lang == code]
    if not chosen:
        found = ", ".join(d.lang for d in documents)
        raise CorpusError(f"no {code} text in this file (found: {found})", file)
    out = sys.stdout
    for doc in chosen:
        for s in doc.sentences:
            if fmt == "text":
                out.write(s.text + "\n")
            else:
                record = {"doc": s.doc_id, "lang": doc.lang, "index": s.index, "paragraph": s.paragraph,
                          "start": s.start, "end": s.end, "where": s.where, "text": s.text}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")


# -- eval (owner: aligner/evaluate.py)
@app.command("eval")
def eval_cmd(
    files: list[Path] = typer.Argument(..., help="GOLD PRED [GOLD PRED ...]: link files, one link a line."),
    src_groups: Optional[Path] = typer.Option(
        None, "--src-groups", help="One group label (e.g. verse) per source sentence: merge predicted links "
        "inside one group before scoring (Bertalign's Bible evaluation). Needs --tgt-groups; one pair only."
    ),
    tgt_groups: Optional[Path] = typer.Option(None, "--tgt-groups", help="Group label per target sentence."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as one JSON object."),
) -> None:
    """Score predicted alignments against gold: strict and lax precision, recall and F1, pooled over pairs."""
    from aligner.eval.alignment import evaluate, merge_within
    from aligner.align.links import read_links

    if len(files) % 2:
        raise CorpusError(f"expected GOLD PRED pairs, got {len(files)} files")
    golds = [read_links(p) for p in files[0::2]]
    preds = [read_links(p) for p in files[1::2]]
    merged = src_groups is not None or tgt_groups is not None
    if merged:
        if src_groups is None or tgt_groups is None or len(golds) != 1:
            raise CorpusError("--src-groups and --tgt-groups go together, with one GOLD PRED pair")
        groups = [_read_lines(p) for p in (src_groups, tgt_groups)]
        preds = [merge_within(preds[0], *groups)]
    scores = evaluate(golds, preds, merged=merged)
    if as_json:
        import json

        print(json.dumps(scores.as_dict()))
    else:
        print(scores)


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(f"cannot read ({exc.__class__.__name__})", path) from exc


# -- align (owner: aligner/align.py, aligner/search.py, aligner/features.py)
@app.command("align")
def align_cmd(
    src: Path = typer.Argument(..., help="Source document (text, Markdown, DOCX, ODT, HTML, EPUB, PDF, XLIFF, SRT, "
                               "VTT; a file holding several languages gives the part in --src-lang)."),
    tgt: Path = typer.Argument(..., help="Target document."),
    src_lang: str = typer.Option(..., "--src-lang", help="ISO 639-1 code of the source language (en, de, zh...)."),
    tgt_lang: str = typer.Option(..., "--tgt-lang", help="ISO 639-1 code of the target language."),
    presegmented: bool = typer.Option(
        False, "--presegmented", help="Files hold one sentence per line, as given. Blank lines are skipped, and "
        "sentence numbers are the files' 0-based line numbers (as in Vecalign/Bertalign gold files). XLIFF: its "
        "own segments are the sentences."),
    input_format: Optional[str] = typer.Option(None, "--format", metavar="FORMAT", help=INPUT_FORMAT_HELP),
    links_out: Optional[Path] = typer.Option(None, "--links", metavar="FILE",
                                             help="Write the links to FILE ([0, 1]:[2] one a line) instead of stdout."),
    tmx: Optional[Path] = typer.Option(None, "--tmx", metavar="FILE", help="Also write the aligned units as TMX."),
    table: Optional[Path] = typer.Option(None, "--table", metavar="FILE.parquet",
                                         help="Also write the units table (Parquet)."),
    features: Optional[str] = typer.Option(
        None, "--features", metavar="A,B", help="Similarity features to use, comma-separated (default "
        "embedding,length,numbers,members,dictionary,overlap; also: names). The signature on stderr says which ran."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the embedding disk cache."),
    anchors: Optional[Path] = typer.Option(
        None, "--anchors", metavar="FILE", help="Links to keep exactly as given ([3, 4]:[7] one a line, numbered "
        "as the output links are); everything else is aligned around them."),
) -> None:
    """Align two documents sentence by sentence: links of n source to m target sentences (1-0 / 0-1 for
    sentences without a counterpart), printed as [0, 1]:[2] lines; the configuration signature goes to stderr."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from aligner.align.aligner import Aligner
    from aligner.models.embed import Embedder
    from corpus.reading.sides import read_side
    from aligner.align.links import format_links, write_links
    from corpus.atomic import check_writable
    from corpus.text.langid import language_code

    codes = language_code(src_lang), language_code(tgt_lang)
    check_writable(links_out, tmx, table)  # an unwritable output is refused before the work, not after it
    sides = [read_side(path, code, presegmented, input_format) for path, code in zip((src, tgt), codes)]
    sentences = [side.sentences for side in sides]
    names = [f.strip() for f in features.split(",") if f.strip()] if features is not None else None
    fixed = None
    if anchors is not None:
        from aligner.align.anchors import check_anchors, renumber
        from aligner.align.links import read_links

        given = read_links(anchors)
        fixed = renumber(given, sides[0].numbers, sides[1].numbers, anchors) if presegmented else given
        fixed = check_anchors(fixed, len(sentences[0]), len(sentences[1]), anchors, dict(zip(fixed, given)))
    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True, disable=not console.is_terminal) as bar:
        tasks: dict[str, int] = {}

        def progress(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=total)
            bar.update(tasks[step], completed=done, total=total)

        aligner = Aligner(sentences[0], sentences[1], *codes, features=names,
                          embedder=Embedder(cache=not no_cache), progress=progress, anchors=fixed)
        alignment = aligner.align()
    if presegmented:
        alignment = alignment.renumbered(sides[0].numbers, sides[1].numbers, sides[0].lines, sides[1].lines)
    print(alignment.signature, file=sys.stderr)
    if links_out is not None:
        write_links(alignment.links, links_out)
    else:
        sys.stdout.write(format_links(alignment.links))
    if tmx is not None or table is not None:
        units = alignment.to_table(corpus=src.stem, src_doc=src.name, tgt_doc=tgt.name,
                                   src_places=sides[0].places, tgt_places=sides[1].places)
        if table is not None:
            from corpus.formats.table import write_parquet

            write_parquet(units, table)
        if tmx is not None:
            from corpus.formats.tmx import write_tmx

            write_tmx(units, tmx, srclang=codes[0])


# -- inspect (owner: corpus/inspect.py, corpus/export.py, corpus/tmx.py)
@app.command("inspect")
def inspect_cmd(
    file: Path = typer.Argument(..., help="A TMX file (any tool's), or a units table saved as .parquet."),
    grep: Optional[str] = typer.Option(
        None, "--grep", metavar="WORD",
        help="Show (and export) only the units in which some language contains WORD, case-insensitive."),
    lang: Optional[list[str]] = typer.Option(
        None, "--lang", metavar="LANG", help="Keep only this language (repeatable): en, zh, zh-TW, de..."),
    fmt: Optional[str] = typer.Option(
        None, "--format", metavar="FORMAT",
        help="Export as csv, parquet, jsonl (one row per unit and language) or moses (PATH.<lang> files, "
        "line-aligned, only units having every chosen language)."),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", metavar="PATH",
        help="Where to export (format from the suffix when --format is not given)."),
    samples: Optional[int] = typer.Option(
        None, "--samples", min=0, metavar="N", help="How many units to show (default 5, or 20 with --grep)."),
) -> None:
    """Summarise a TMX file: header, languages, units, link types, confidence, fidelity and sample units."""
    from corpus.views.inspect import run_inspect

    run_inspect(file, grep=grep, langs=lang or None, fmt=fmt, output=output, samples=samples)


# -- build (owner: aligner/build.py, aligner/docalign.py, aligner/merge.py)
@app.command("build")
def build_cmd(
    folder: Path = typer.Argument(..., help="A folder of documents (text, Markdown, DOCX, ODT, HTML, EPUB, PDF, "
                                  "XLIFF, SRT, VTT, mixed; files holding several languages are split), "
                                  "searched recursively."),
    out: Path = typer.Option(Path("output"), "--out", "-o", help="Output folder (created when missing)."),
    name: str = typer.Option("corpus", "--name", "-n", help="File name prefix of the corpus outputs."),
    presegmented: bool = typer.Option(False, "--presegmented", help="Files hold one sentence per line, as given."),
    input_format: Optional[str] = typer.Option(None, "--format", metavar="FORMAT", help=INPUT_FORMAT_HELP),
    no_fidelity: bool = typer.Option(False, "--no-fidelity", help="Skip fidelity scoring (and its report)."),
    workers: Optional[int] = typer.Option(
        None, "--workers", "-w", min=0, metavar="N", help="Align document groups on a local Dask cluster of N "
        "worker processes; 0 = in this process (the default for fewer than 8 groups; else one per core)."),
    scheduler: Optional[str] = typer.Option(
        None, "--scheduler", metavar="ADDRESS", help="Align document groups on an existing Dask cluster, e.g. "
        "tcp://10.0.0.5:8786 (docs/build.md: several machines)."),
    resume: bool = typer.Option(False, "--resume", help="Skip the groups whose results are already in "
                                "OUT/groups/ from the same input."),
    tmx: Optional[Path] = typer.Option(None, "--tmx", metavar="FILE", help="Also write the multilingual TMX to FILE."),
    table: Optional[Path] = typer.Option(None, "--table", metavar="FILE.parquet",
                                         help="Also write the units table to FILE.parquet."),
) -> None:
    """Find which documents of FOLDER are translations of one another (and which parts), align them sentence
    by sentence across all their languages, and write NAME.tmx (plus one TMX per language pair),
    NAME.parquet, documents.csv, unaligned.csv, the fidelity report and compare.html into OUT. Files laid out
    as FOLDER/<lang>/<name> with the same name in several language folders are taken as parallel as they are.
    A group that fails is reported (exit code 1) and the others are kept."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from aligner.pipeline.build import BuildOptions, build_corpus, print_summary
    from aligner.pipeline.executors import executor_for, report_build

    if workers is not None and scheduler:
        raise CorpusError("--workers and --scheduler exclude each other (the scheduler's cluster has its workers)")
    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        tasks: dict[str, int] = {}

        def progress(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=total)
            bar.update(tasks[step], completed=done, total=total)

        result = build_corpus(folder, out, name, BuildOptions(presegmented=presegmented, fidelity=not no_fidelity,
                                                             input_format=input_format),
                              progress=progress, executor=executor_for(workers, scheduler), resume=resume)
    print_summary(result, Console())
    code = report_build(result, tmx=tmx, table=table, console=console)
    if code:
        sys.exit(code)


# -- compare (owner: corpus/page.py, corpus/terminal.py)
@app.command("compare")
def compare_cmd(
    files: list[Path] = typer.Argument(..., help="A TMX file (or a .parquet units table); or two TMX files that "
                                       "translate one source, to compare their renderings."),
    html: Optional[Path] = typer.Option(None, "--html", metavar="OUT.html",
                                        help="Write the self-contained side-by-side page instead of printing."),
    lang: Optional[list[str]] = typer.Option(
        None, "--lang", metavar="LANG",
        help="Languages to show, in this order (repeatable). With two files: the target language to compare."),
    source_lang: Optional[str] = typer.Option(
        None, "--source-lang", metavar="LANG",
        help="With two files: the language of the shared source (default: the one whose texts they share most)."),
    only_flagged: bool = typer.Option(False, "--only-flagged", help="Only units with a QA flag."),
    grep: Optional[str] = typer.Option(None, "--grep", metavar="WORD",
                                       help="Only units containing WORD in some language, case-insensitive."),
    low: float = typer.Option(0.5, "--low", min=0.0, max=1.0,
                              help="Fidelity (chrF/100 with two files) below which a unit counts as a problem."),
    title: Optional[str] = typer.Option(None, "--title", help="Title of the page (default: the file name)."),
    pager: bool = typer.Option(True, "--pager/--no-pager", help="Page long tables when stdout is a terminal."),
) -> None:
    """Show translations side by side: a table in the terminal, or a self-contained HTML page with --html.
    Given two TMX files of one source, pair their units by source text and show both renderings next to the
    source with their sentence-level chrF and differences marked."""
    from corpus.views.terminal import run_compare

    run_compare(files, html=html, langs=lang or None, source_lang=source_lang, only_flagged=only_flagged,
                grep=grep, low=low, title=title, pager=pager)


# -- review (owner: corpus/review/)
@app.command("review")
def review_cmd(
    out: Path = typer.Argument(..., help="An output folder written by `corpus build`."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on. Another than the loopback one "
                             "lets other machines read and edit (they still need the token): trusted networks only."),
    port: int = typer.Option(0, "--port", "-p", min=0, max=65535,
                             help="Port to listen on; 0, the default, picks a free one."),
    name: Optional[str] = typer.Option(None, "--name", "-n",
                                       help="NAME of the build's NAME.parquet, when OUT holds several."),
) -> None:
    """Review the corpus in OUT in the browser: serve its side-by-side page, editable, on a local server, and
    print the address to open (it carries this session's token; requests without it are refused). Every
    action is saved at once in OUT/corrections.jsonl. Ctrl-C stops the server."""
    from corpus.review.server import serve

    serve(out, host=host, port=port, name=name,
          announce=lambda url: typer.echo(f"reviewing {out} at {url}  (Ctrl-C stops)"))
    typer.echo(f"corpus: review stopped; the corrections are in {out / 'corrections.jsonl'}", err=True)


# -- score (owner: aligner/fidelity.py, aligner/fidelity_run.py, aligner/samelang.py)
@app.command("score")
def score_cmd(
    files: list[Path] = typer.Argument(..., help="SRC TGT (two texts); or FILE.tmx; or HYP [HYP2] with --reference."),
    src_lang: Optional[str] = typer.Option(None, "--src-lang", metavar="L1", help="Language of SRC (en, zh, de...)."),
    tgt_lang: Optional[str] = typer.Option(None, "--tgt-lang", metavar="L2", help="Language of TGT."),
    presegmented: bool = typer.Option(False, "--presegmented", help="SRC and TGT hold one sentence a line."),
    links: Optional[Path] = typer.Option(None, "--links", metavar="FILE",
                                         help="Links to score, '[0, 1]:[2]' one a line (default: align first)."),
    reference: Optional[Path] = typer.Option(None, "--reference", metavar="REF",
                                             help="Same-language mode: score HYP against REF (one segment a line) "
                                             "with sacrebleu BLEU, chrF++, TER; two HYPs get a paired test."),
    lang: Optional[str] = typer.Option(None, "--lang", metavar="L", help="Language of HYP and REF."),
    sentences: bool = typer.Option(False, "--sentences", help="With --reference: sentence-level scores."),
    test: str = typer.Option("ar", "--test", help="With two HYPs: ar (approximate randomisation) or bs (bootstrap)."),
    fmt: str = typer.Option("csv", "--format", "-f", help="csv, table or json."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE",
                                          help="Write here instead of stdout (a TMX input: the scored TMX)."),
) -> None:
    """Score translation fidelity: one row per link with the fidelity in [0, 1], each part's score and QA
    flags (CSV on stdout by default); every language pair of a TMX (writing fidelity props back with -o);
    or same-language texts against a reference with sacrebleu. The signature says how numbers were made."""
    from aligner.fidelity import run
    if fmt not in run.FORMATS:  # before any scoring
        raise CorpusError(f"unknown format {fmt!r} ({', '.join(run.FORMATS)})")
    from corpus.atomic import check_writable

    check_writable(output)  # before any scoring, too
    if reference is not None:
        if not lang:
            raise CorpusError("--reference needs --lang (the language of HYP and REF)")
        run.write_output(run.score_reference(files, reference, lang, fmt, sentences, test), output)
        return
    if len(files) == 1 and run.is_tmx(files[0]):
        _, text = run.score_tmx(files[0], output)
        sys.stdout.write(text)
        return
    if len(files) != 2:
        raise CorpusError(f"expected SRC TGT (or one TMX file), got {len(files)} files")
    if not src_lang or not tgt_lang:
        raise CorpusError("scoring two texts needs --src-lang and --tgt-lang")
    df, signature = run.score_files(files[0], files[1], src_lang, tgt_lang, presegmented, links)
    run.write_output(run.render(df, fmt, signature), output)
    if fmt == "csv":
        print(signature, file=sys.stderr)


@app.command("prepare")
def prepare_cmd() -> None:
    """Build the offline caches (embedding model, dictionaries, language identifier, Chinese word list) in the
    user's cache folder, so that the first real run does not pay for them. `make setup` runs it; it is quick when warm."""
    from aligner.models.dictionary import dictionary_status, load_dictionary
    from aligner.models.embed import Embedder
    from aligner.models.words import zh_tokens
    from corpus.text.langid import identify

    Embedder(cache=False).model  # the embedding model's tokenizer and weights, cached for a quick start
    identify("Ein kurzer Satz.")
    zh_tokens("预热分词")
    for pair in (("zh", "en"), ("de", "en"), ("fr", "en")):
        load_dictionary(*pair)
        typer.echo(f"{pair[0]}-{pair[1]}: {dictionary_status(*pair)}", err=True)


def _one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings reach users as one line each, without the source location Python adds."""
    print(f"corpus: warning: {message}", file=file or sys.stderr)


def main() -> None:
    """Entry point of the `corpus` console script."""
    debug = "--debug" in sys.argv or os.environ.get("CORPUS_DEBUG")
    if not debug:
        warnings.showwarning = _one_line_warning
    try:
        code = app(standalone_mode=False)
        # Without standalone mode click returns, not raises, the exit code of an interrupted run (Ctrl-C
        # becomes Abort, then 130 here); commands themselves return None.
        if isinstance(code, int) and code:
            if code == 130:
                print("corpus: interrupted", file=sys.stderr)
            sys.exit(code)
    except CorpusError as exc:
        if debug:
            raise
        print(f"corpus: error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("corpus: interrupted", file=sys.stderr)
        sys.exit(130)
    except (typer.Exit, SystemExit) as exc:
        code = getattr(exc, "exit_code", getattr(exc, "code", 0))
        sys.exit(code or 0)
    except Exception as exc:  # click usage errors and anything unexpected: one line, no traceback
        import click

        if isinstance(exc, click.exceptions.UsageError):
            exc.show()
            sys.exit(2)
        if isinstance(exc, click.exceptions.Abort):
            print("corpus: aborted", file=sys.stderr)
            sys.exit(130)
        if debug:
            raise
        print(f"corpus: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(2)

