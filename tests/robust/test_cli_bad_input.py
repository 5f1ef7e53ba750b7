"""Bad input through every command: one clear line on stderr naming the file and the problem, exit code 2, no
traceback (`--debug` shows it). An output that cannot be written is refused before the work starts.

Most cases call `aligner.cli.main` in-process with a patched argv (the same code path as the console script,
error handling included, without a second or two of interpreter start-up each); a handful run the installed
`corpus` script as a subprocess: the FIFO (a read would block), `--debug`, the 1 MB line, Ctrl-C.

Inputs that are odd but legitimate (a one-sentence document, blank lines in a presegmented file, two
identical documents in a folder) must either work or be refused in the same one-line way.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
from pathlib import Path

import pytest

from corpus.formats.table import units_frame
from corpus.formats.tmx import write_tmx
from support import CORPUS, ROOT, run_in_process

EN = ("The council met on Monday to discuss the new budget. The mayor proposed to spend more on schools. "
      "Several members objected to the cost. After a long debate, the proposal was accepted by seven votes "
      "to four. The new schools will open in 2027.\n")
DE = ("Der Rat trat am Montag zusammen, um über den neuen Haushalt zu beraten. Der Bürgermeister schlug vor, mehr "
      "Geld für Schulen auszugeben. Mehrere Mitglieder lehnten die Kosten ab. Nach einer langen Debatte wurde der "
      "Vorschlag mit sieben zu vier Stimmen angenommen. Die neuen Schulen werden 2027 eröffnet.\n")
FR = ("Le conseil s'est réuni lundi pour discuter du nouveau budget. Le maire a proposé de dépenser davantage pour "
      "les écoles. Plusieurs membres se sont opposés au coût. Après un long débat, la proposition a été acceptée "
      "par sept voix contre quatre. Les nouvelles écoles ouvriront en 2027.\n")


def _units():
    rows = []
    for uid, (en, de) in enumerate(zip(EN.split(". "), DE.split(". "))):
        for lang, text in (("en", en), ("de", de)):
            rows.append({"corpus": "c", "unit_id": uid, "lang": lang, "doc_id": f"d.{lang}", "sent_ids": [uid],
                         "text": text, "link": "1-1", "confidence": 0.9, "fidelity": None if lang == "en" else 0.8})
    return units_frame(rows)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    """Every input of the matrix, made once: good ones to combine with the bad ones."""
    d = tmp_path_factory.mktemp("robust")
    files = {
        "en.txt": EN, "de.txt": DE, "fr.txt": FR, "one.txt": "The council met on Monday.\n",
        "empty.txt": "", "blank.txt": "  \n\n\t\n",
        "preseg_en.txt": "The council met.\n\nThe mayor spoke.\n\n\nThey voted.\n",
        "preseg_de.txt": "Der Rat tagte.\nDer Bürgermeister sprach.\nSie stimmten ab.\n",
        "preseg_long_en.txt": EN.replace(". ", ".\n"), "preseg_long_fr.txt": FR.replace(". ", ".\n"),
        "links.txt": "[0]:[0]\n[1]:[1]\n", "badlinks.txt": "0 -> 1\n",
        "not_xml.tmx": "This is plain text, not XML.\n",
        "html.tmx": "<html><body><p>hello</p></body></html>\n",
        "truncated.tmx": "<?xml version='1.0'?>\n<tmx version='1.4'><header/><body><tu>\n<tuv xml:lang='en'><seg>cut",
        "malformed.tmx": "<tmx version='1.4'><header/><body><tu><tuv xml:lang='en'><seg>a</tuv></seg></tu></body></tmx>",
        "nolang.tmx": "<tmx version='1.4'><header/><body><tu><tuv><seg>a</seg></tuv></tu></body></tmx>",
        "nobody.tmx": "<tmx version='1.4'><header/></tmx>",
    }
    for name, text in files.items():
        (d / name).write_text(text, encoding="utf-8")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (d / "binary.tmx").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (d / "nul.tmx").write_bytes(b"<tmx version='1.4'><header/><body><tu><tuv xml:lang='en'><seg>a\x00b</seg>"
                                b"</tuv></tu></body></tmx>")
    (d / "folder.txt").mkdir()  # a folder where a file is expected (root reads anything: no chmod 000)
    (d / "folder.tmx").mkdir()
    write_tmx(_units(), d / "good.tmx")
    (d / "good.tmx.txt").write_bytes((d / "good.tmx").read_bytes())  # TMX under a document's suffix
    # Folders for `build`.
    for name, content in {
        "corpus_ok": {"en.txt": EN, "de.txt": DE},
        "corpus_empty": {},
        "corpus_binary": {"a.txt": None},
        "corpus_identical": {"a.txt": EN, "b.txt": EN},
        "corpus_one_sentence": {"en.txt": "The council met on Monday.\n", "de.txt": "Der Rat trat am Montag zusammen.\n"},
        "corpus_other_files": {"archive.zip": "x", "image.png": "y"},  # no document format (PDF is one now)
    }.items():
        folder = d / name
        folder.mkdir()
        for fname, text in content.items():
            if text is None:
                (folder / fname).write_bytes(bytes(range(256)) * 8)
            else:
                (folder / fname).write_text(text, encoding="utf-8")
    (d / "a_file").write_text("x", encoding="utf-8")  # a file where an output folder's parent should be
    return {p.name: p for p in d.iterdir()} | {"missing.txt": d / "missing.txt", "missing.tmx": d / "missing.tmx",
                                              "missing_dir": d / "missing_dir", "root": d}


@dataclasses.dataclass
class Case:
    id: str
    argv: list[str]  # {name} is replaced by the path of inputs[name]
    names: str | None  # the input whose path the error line must contain (None: no file at fault)
    problem: str  # regular expression the error line must match (case-insensitive)
    graceful: bool = False  # legitimate input: exit 0 is fine too


MISSING = r"no such|not found|does not exist|missing"
NOT_A_FILE = r"folder|directory|not a file|not a regular file"
BINARY = r"binary|not a text|encoding|not .*text"
EMPTY = r"empty|no text"
BAD_XML = r"not well-formed|not a TMX|XML|truncated|TMX"
LANG = r"language|lang"
UNWRITABLE = r"cannot write|not writable|does not exist|not a folder|cannot create|directory|folder"

CASES = [
    # segment
    Case("segment-missing", ["segment", "{missing.txt}", "--lang", "en"], "missing.txt", MISSING),
    Case("segment-empty", ["segment", "{empty.txt}", "--lang", "en"], "empty.txt", EMPTY),
    Case("segment-blank", ["segment", "{blank.txt}", "--lang", "en"], "blank.txt", EMPTY),
    Case("segment-folder", ["segment", "{folder.txt}", "--lang", "en"], "folder.txt", NOT_A_FILE),
    Case("segment-binary", ["segment", "{binary.txt}", "--lang", "en"], "binary.txt", BINARY),
    Case("segment-unknown-lang", ["segment", "{en.txt}", "--lang", "xx-klingon"], None, LANG),
    Case("segment-absent-lang", ["segment", "{en.txt}", "--lang", "de"], "en.txt", r"no de text"),
    Case("segment-one-sentence", ["segment", "{one.txt}", "--lang", "en"], None, "", graceful=True),
    # eval
    Case("eval-missing", ["eval", "{missing.txt}", "{links.txt}"], "missing.txt", MISSING),
    Case("eval-binary", ["eval", "{links.txt}", "{binary.txt}"], "binary.txt", r"cannot read|link|binary"),
    Case("eval-not-links", ["eval", "{links.txt}", "{badlinks.txt}"], "badlinks.txt", r"line 1: not a link"),
    Case("eval-folder", ["eval", "{links.txt}", "{folder.txt}"], "folder.txt", MISSING + "|" + NOT_A_FILE),
    Case("eval-odd-count", ["eval", "{links.txt}"], None, r"pairs"),
    # inspect
    Case("inspect-missing", ["inspect", "{missing.tmx}"], "missing.tmx", MISSING),
    Case("inspect-folder", ["inspect", "{folder.tmx}"], "folder.tmx", NOT_A_FILE),
    Case("inspect-not-xml", ["inspect", "{not_xml.tmx}"], "not_xml.tmx", BAD_XML),
    Case("inspect-html", ["inspect", "{html.tmx}"], "html.tmx", r"not a TMX"),
    Case("inspect-truncated", ["inspect", "{truncated.tmx}"], "truncated.tmx", r"line \d+.*not well-formed"),
    Case("inspect-malformed", ["inspect", "{malformed.tmx}"], "malformed.tmx", r"line \d+.*not well-formed"),
    Case("inspect-binary", ["inspect", "{binary.tmx}"], "binary.tmx", BAD_XML),
    Case("inspect-nul", ["inspect", "{nul.tmx}"], "nul.tmx", BAD_XML),
    Case("inspect-no-lang", ["inspect", "{nolang.tmx}"], "nolang.tmx", r"xml:lang"),
    Case("inspect-no-body", ["inspect", "{nobody.tmx}"], "nobody.tmx", r"no <body>"),
    Case("inspect-empty", ["inspect", "{empty.txt}"], "empty.txt", r"empty"),
    Case("inspect-unknown-lang", ["inspect", "{good.tmx}", "--lang", "123"], None, LANG),
    Case("inspect-out-missing-dir", ["inspect", "{good.tmx}", "-o", "{missing_dir}/out.csv"], "missing_dir", UNWRITABLE),
    Case("inspect-out-under-file", ["inspect", "{good.tmx}", "-o", "{a_file}/out.csv"], "a_file", UNWRITABLE),
    Case("inspect-out-is-folder", ["inspect", "{good.tmx}", "-o", "{folder.txt}", "--format", "csv"], "folder.txt",
         UNWRITABLE),
    # build
    Case("build-missing", ["build", "{missing_dir}", "--out", "{root}/out_missing"], "missing_dir", MISSING),
    Case("build-a-file", ["build", "{en.txt}", "--out", "{root}/out_file"], "en.txt", r"not a folder|folder"),
    Case("build-empty-folder", ["build", "{corpus_empty}", "--out", "{root}/out_empty"], "corpus_empty",
         r"no text|no .*files"),
    Case("build-no-documents", ["build", "{corpus_other_files}", "--out", "{root}/out_other"], "corpus_other_files",
         r"no text|no .*files"),
    Case("build-binary", ["build", "{corpus_binary}", "--out", "{root}/out_binary"], "corpus_binary/a.txt", BINARY),
    Case("build-bad-name", ["build", "{corpus_ok}", "--out", "{root}/out_name", "--name", "../x"], None, r"name"),
    Case("build-out-under-file", ["build", "{corpus_ok}", "--out", "{a_file}/out"], "a_file", UNWRITABLE),
    # align (issue 3's interface)
    Case("align-missing-src", ["align", "{missing.txt}", "{de.txt}", "--src-lang", "en", "--tgt-lang", "de"],
         "missing.txt", MISSING),
    Case("align-empty-tgt", ["align", "{en.txt}", "{empty.txt}", "--src-lang", "en", "--tgt-lang", "de"],
         "empty.txt", EMPTY),
    Case("align-folder", ["align", "{folder.txt}", "{de.txt}", "--src-lang", "en", "--tgt-lang", "de"],
         "folder.txt", NOT_A_FILE),
    Case("align-binary", ["align", "{en.txt}", "{binary.txt}", "--src-lang", "en", "--tgt-lang", "de"],
         "binary.txt", BINARY),
    Case("align-unknown-lang", ["align", "{en.txt}", "{de.txt}", "--src-lang", "en", "--tgt-lang", "qq-zz"],
         None, LANG),
    Case("align-wrong-language-target", ["align", "{en.txt}", "{fr.txt}", "--src-lang", "en", "--tgt-lang", "de"],
         "fr.txt", r"\bde\b.*\bfr\b|\bfr\b.*\bde\b|language"),
    Case("align-mismatched-src", ["align", "{de.txt}", "{en.txt}", "--src-lang", "en", "--tgt-lang", "de"],
         "de.txt", LANG + r"|no en text"),
    Case("align-tmx-missing-dir", ["align", "{en.txt}", "{de.txt}", "--src-lang", "en", "--tgt-lang", "de", "--tmx",
                                   "{missing_dir}/out.tmx"], "missing_dir", UNWRITABLE),
    Case("align-links-under-file", ["align", "{en.txt}", "{de.txt}", "--src-lang", "en", "--tgt-lang", "de",
                                    "--links", "{a_file}/out.txt"], "a_file", UNWRITABLE),
    Case("align-presegmented-wrong-language", ["align", "{preseg_long_en.txt}", "{preseg_long_fr.txt}", "--src-lang",
                                               "en", "--tgt-lang", "de", "--presegmented"], "preseg_long_fr.txt",
         r"\bfr\b.*\bde\b|language"),
    Case("align-presegmented-binary", ["align", "{preseg_de.txt}", "{binary.txt}", "--src-lang", "de", "--tgt-lang",
                                       "en", "--presegmented"], "binary.txt", BINARY),
    # score (issue 6's interface)
    Case("score-missing", ["score", "{missing.txt}", "{de.txt}", "--src-lang", "en", "--tgt-lang", "de"],
         "missing.txt", MISSING),
    Case("score-binary", ["score", "{en.txt}", "{binary.txt}", "--src-lang", "en", "--tgt-lang", "de"],
         "binary.txt", BINARY),
    Case("score-unknown-lang", ["score", "{en.txt}", "{de.txt}", "--src-lang", "english", "--tgt-lang", "de"],
         None, LANG),
    Case("score-wrong-language-target", ["score", "{en.txt}", "{fr.txt}", "--src-lang", "en", "--tgt-lang", "de"],
         "fr.txt", r"\bde\b.*\bfr\b|\bfr\b.*\bde\b|language"),
    Case("score-bad-links", ["score", "{en.txt}", "{de.txt}", "--src-lang", "en", "--tgt-lang", "de", "--links",
                             "{badlinks.txt}"], "badlinks.txt", r"link"),
    Case("score-truncated-tmx", ["score", "{truncated.tmx}"], "truncated.tmx", r"line \d+.*not well-formed"),
    Case("score-html-tmx", ["score", "{html.tmx}"], "html.tmx", r"not a TMX"),
    Case("score-tmx-out-missing-dir", ["score", "{good.tmx}", "-o", "{missing_dir}/scored.tmx"], "missing_dir",
         UNWRITABLE),
    # compare (issue 7's interface)
    Case("compare-missing", ["compare", "{missing.tmx}", "--html", "{root}/c.html"], "missing.tmx", MISSING),
    Case("compare-not-xml", ["compare", "{not_xml.tmx}", "--html", "{root}/c.html"], "not_xml.tmx", BAD_XML),
    Case("compare-truncated", ["compare", "{truncated.tmx}", "--html", "{root}/c.html"], "truncated.tmx",
         r"line \d+.*not well-formed"),
    Case("compare-html-input", ["compare", "{html.tmx}", "--html", "{root}/c.html"], "html.tmx", r"not a TMX"),
    Case("compare-second-bad", ["compare", "{good.tmx}", "{truncated.tmx}", "--html", "{root}/c.html"],
         "truncated.tmx", r"not well-formed"),
    Case("compare-out-missing-dir", ["compare", "{good.tmx}", "--html", "{missing_dir}/c.html"], "missing_dir",
         UNWRITABLE),
    Case("review-missing", ["review", "{missing_dir}"], "missing_dir", MISSING),
    Case("review-not-a-build", ["review", "{folder.txt}"], "folder.txt", r"not a folder written by|no compare.html"),
    Case("review-a-file", ["review", "{good.tmx}"], "good.tmx", NOT_A_FILE + "|no such folder|not a folder"),
    Case("compare-unknown-lang", ["compare", "{good.tmx}", "--lang", "en", "--lang", "zz"], None, LANG + r"|no zz"),
]


def _argv(case: Case, inputs: dict[str, Path]) -> list[str]:
    return [re.sub(r"\{([^}]+)\}", lambda m: str(inputs[m.group(1)]), a) for a in case.argv]


def _commands() -> set[str]:
    from aligner.cli import app

    return {c.name or c.callback.__name__ for c in app.registered_commands}


def run_subprocess(*argv: str, timeout: float = 300, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(CORPUS), *argv], capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **(env or {})}, stdin=subprocess.DEVNULL)


def assert_one_line_error(code: int, err: str, named: Path | None, problem: str) -> str:
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2, f"exit code {code}, stderr: {err!r}"
    assert len(lines) == 1, f"expected one line on stderr, got: {err!r}"
    line = lines[0]
    assert line.startswith("corpus: error: "), line
    assert not re.match(r"corpus: error: [A-Z]\w+(Error|Exception): ", line), f"an unexpected exception: {line}"
    if named is not None:
        assert str(named) in line, f"the line does not name {named}: {line}"
    assert re.search(problem, line, re.IGNORECASE), f"the line does not say {problem!r}: {line}"
    return line


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_gives_one_line_and_exit_2(case, inputs, monkeypatch, capsys):
    code, out, err = run_in_process(_argv(case, inputs), monkeypatch, capsys)
    # A usage error (an option or argument the command does not have) is a wrong case or a changed CLI:
    # it must fail here, not pass as "one line, exit 2".
    assert not re.search(r"No such (option|command)|unexpected extra argument|Missing (option|argument)", err), err
    if case.graceful and code == 0:
        assert "Traceback" not in err and out.strip(), err
        return
    named = None
    if case.names:
        first, _, rest = case.names.partition("/")
        named = inputs[first] / rest if rest else inputs[first]
    assert_one_line_error(code, err, named, case.problem)


def test_every_command_is_covered():
    covered = {c.argv[0] for c in CASES}
    covered.add("prepare")  # takes no user input: nothing to get wrong
    assert _commands() <= covered, f"commands without bad-input cases: {_commands() - covered}"
    assert covered <= _commands(), f"cases for commands the CLI does not have: {covered - _commands()}"


# ---- odd but legitimate inputs ----------------------------------------------------------------------------


def test_build_of_two_identical_documents_pairs_nothing(inputs, monkeypatch, capsys):
    """Same text twice, same language: not translations of each other, so no corpus, and no crash."""
    out = inputs["root"] / "out_identical"
    code, stdout, err = run_in_process(["build", str(inputs["corpus_identical"]), "--out", str(out)], monkeypatch,
                                       capsys)
    assert "Traceback" not in err
    if code == 2:
        assert_one_line_error(code, err, inputs["corpus_identical"], r"parallel|same language|identical")
        return
    assert code == 0, err
    from corpus.formats.table import read_parquet

    assert read_parquet(out / "corpus.parquet").is_empty()
    assert not (out / "corpus.tmx").exists()


def test_build_of_one_sentence_documents(inputs, monkeypatch, capsys):
    out = inputs["root"] / "out_one"
    code, stdout, err = run_in_process(["build", str(inputs["corpus_one_sentence"]), "--out", str(out),
                                        "--no-fidelity"], monkeypatch, capsys)
    assert "Traceback" not in err
    if code == 2:
        assert_one_line_error(code, err, None, r".")
        return
    assert code == 0, err
    from corpus.formats.table import read_parquet

    units = read_parquet(out / "corpus.parquet")
    # Whatever was decided, no sentence is lost: each is in a unit or listed as unaligned.
    import polars as pl

    unaligned = pl.read_csv(out / "unaligned.csv")
    assert units.height + unaligned.height >= 2


def test_build_presegmented_refuses_a_megabyte_line(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "en.txt").write_text("The meeting was long.\n", encoding="utf-8")
    (folder / "de.txt").write_text("Die Sitzung dauerte lange " * 40000, encoding="utf-8")
    code, out, err = run_in_process(["build", str(folder), "--presegmented", "--out", str(tmp_path / "out")],
                                    monkeypatch, capsys)
    assert_one_line_error(code, err, folder / "de.txt", r"characters.*not one sentence per line")


def test_foreign_tmx_with_nan_infinite_or_out_of_range_scores(tmp_path, monkeypatch, capsys):
    """Another tool's TMX may say x-confidence "nan" or x-fidelity "inf" / "-3": the views (page JSON, colour
    scale) crashed on them; such values are read as missing."""
    path = tmp_path / "foreign.tmx"
    path.write_text("<tmx version='1.4'><header/><body><tu tuid='x'><prop type='x-confidence'>nan</prop>"
                    "<tuv xml:lang='en'><prop type='x-fidelity'>inf</prop><seg>A 5.</seg></tuv>"
                    "<tuv xml:lang='de'><prop type='x-fidelity'>-3</prop><seg>B 6.</seg></tuv></tu>"
                    "<tu><prop type='x-confidence'>0.75</prop><tuv xml:lang='en'><seg>C.</seg></tuv>"
                    "<tuv xml:lang='de'><prop type='x-fidelity'>1e999</prop><seg>D.</seg></tuv></tu></body></tmx>",
                    encoding="utf-8")
    from corpus.formats.tmx import read_tmx

    units = read_tmx(path)
    assert units.get_column("fidelity").null_count() == units.height
    assert units.get_column("confidence").to_list() == [None, None, 0.75, 0.75]
    for argv in (["compare", str(path)], ["compare", str(path), "--html", str(tmp_path / "p.html")],
                 ["inspect", str(path)], ["compare", str(path), str(path), "--html", str(tmp_path / "two.html")]):
        code, out, err = run_in_process(argv, monkeypatch, capsys)
        assert code == 0, (argv, err)


def test_documents_with_the_same_file_name_never_hide_each_other(tmp_path):
    """a/intro.txt and b/intro.txt (and intro.txt beside intro.md): ids come from file names, and a repeated
    one made the build keep only one of the documents, silently."""
    from corpus.reading.presegmented import read_corpus_folder

    for rel, text in {"a/intro.txt": EN, "b/intro.txt": DE, "c/intro.txt": FR, "c/intro.md": FR,
                      "d/letter.txt": EN + "\n---\n\n" + DE}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    for presegmented in (False, True):
        docs = read_corpus_folder(tmp_path, presegmented)
        ids = [d.id for d in docs]
        assert len(ids) == len(set(ids)), ids
        assert {"a/intro.txt", "b/intro.txt", "c/intro.txt", "c/intro.md"} <= set(ids)
    assert {"letter.en", "letter.de"} <= {d.id for d in read_corpus_folder(tmp_path)}


def test_build_keeps_both_same_named_documents(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "in"
    for rel, text in {"en/intro.txt": EN, "texts/intro.txt": DE}.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    code, out, err = run_in_process(["build", str(folder), "--out", str(tmp_path / "out"), "--no-fidelity"],
                                    monkeypatch, capsys)
    assert code == 0, err
    from corpus.formats.table import read_parquet

    units = read_parquet(tmp_path / "out" / "corpus.parquet")
    assert sorted(units.get_column("lang").unique().to_list()) == ["de", "en"]
    assert units.get_column("unit_id").n_unique() == 5


def test_align_presegmented_blank_lines_keep_line_numbers_or_are_refused(inputs, monkeypatch, capsys, tmp_path):
    """Sentence numbers of a presegmented file are its line numbers (gold links count lines): blank lines must
    not shift them silently."""
    links = tmp_path / "links.txt"
    code, out, err = run_in_process(["align", str(inputs["preseg_en.txt"]), str(inputs["preseg_de.txt"]),
                                     "--src-lang", "en", "--tgt-lang", "de", "--presegmented", "--links", str(links)],
                                    monkeypatch, capsys)
    if code == 2:
        assert_one_line_error(code, err, inputs["preseg_en.txt"], r"blank|empty")
        return
    assert code == 0, err
    from aligner.align.links import read_links

    got = read_links(links)
    lines = inputs["preseg_en.txt"].read_text(encoding="utf-8").splitlines()
    src = sorted(i for link in got for i in link.src)
    non_blank = [i for i, line in enumerate(lines) if line.strip()]
    assert set(non_blank) <= set(src) <= set(range(len(lines))), (src, lines)


def test_align_one_sentence_documents(inputs, monkeypatch, capsys, tmp_path):
    one_de = tmp_path / "one_de.txt"
    one_de.write_text("Der Rat trat am Montag zusammen.\n", encoding="utf-8")
    links = tmp_path / "links.txt"
    code, out, err = run_in_process(["align", str(inputs["one.txt"]), str(one_de), "--src-lang", "en",
                                     "--tgt-lang", "de", "--links", str(links)], monkeypatch, capsys)
    assert code == 0, err
    assert links.read_text(encoding="utf-8").split() == ["[0]:[0]"]


def test_ctrl_c_exits_130_with_one_line(inputs, monkeypatch, capsys):
    import corpus.reading.reader

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(corpus.reading.reader, "read_documents", interrupted)
    code, out, err = run_in_process(["segment", str(inputs["en.txt"]), "--lang", "en"], monkeypatch, capsys)
    assert (code, err.strip()) == (130, "corpus: interrupted")


def test_score_presegmented_links_use_the_line_numbers_align_writes(tmp_path, monkeypatch, capsys):
    src, tgt, links = tmp_path / "src.txt", tmp_path / "tgt.txt", tmp_path / "links.txt"
    src.write_text("The council met on Monday.\n\nThe mayor spoke about schools.\nThey voted.\n", encoding="utf-8")
    tgt.write_text("Der Rat tagte am Montag.\nDer Bürgermeister sprach über Schulen.\nSie stimmten ab.\n",
                   encoding="utf-8")
    links.write_text("[0]:[0]\n[2]:[1]\n[3]:[2]\n", encoding="utf-8")  # line numbers, as align writes them
    code, out, err = run_in_process(["score", str(src), str(tgt), "--src-lang", "en", "--tgt-lang", "de",
                                     "--presegmented", "--links", str(links), "--format", "json"], monkeypatch, capsys)
    assert code == 0, err
    import json

    rows = json.loads(out)["links"]
    assert [r["src"] for r in rows] == ["The council met on Monday.", "The mayor spoke about schools.", "They voted."]


def test_score_presegmented_target_in_the_wrong_language(inputs, monkeypatch, capsys, tmp_path):
    en, fr = tmp_path / "en.txt", tmp_path / "fr.txt"
    en.write_text(EN.replace(". ", ".\n"), encoding="utf-8")
    fr.write_text(FR.replace(". ", ".\n"), encoding="utf-8")
    code, out, err = run_in_process(["score", str(en), str(fr), "--src-lang", "en", "--tgt-lang", "de",
                                     "--presegmented"], monkeypatch, capsys)
    assert_one_line_error(code, err, fr, r"\bfr\b.*\bde\b|language")


# ---- real subprocesses: what only the installed script shows ------------------------------------------------


def test_fifo_is_refused_not_read_forever(inputs, tmp_path):
    """A named pipe with no writer would block a read forever: it is not a regular file."""
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    try:
        run = run_subprocess("segment", str(fifo), "--lang", "en", timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("corpus segment blocked on a FIFO")
    assert_one_line_error(run.returncode, run.stderr, fifo, NOT_A_FILE + r"|regular")
    fifo_tmx = tmp_path / "pipe.tmx"
    os.mkfifo(fifo_tmx)
    run = run_subprocess("inspect", str(fifo_tmx), timeout=60)
    assert_one_line_error(run.returncode, run.stderr, fifo_tmx, NOT_A_FILE + r"|regular")


def test_debug_shows_the_traceback_and_plain_run_does_not(inputs):
    plain = run_subprocess("inspect", str(inputs["truncated.tmx"]), timeout=60)
    assert_one_line_error(plain.returncode, plain.stderr, inputs["truncated.tmx"], r"not well-formed")
    debug = run_subprocess("--debug", "inspect", str(inputs["truncated.tmx"]), timeout=60)
    assert debug.returncode != 0
    assert "Traceback" in debug.stderr and "CorpusError" in debug.stderr


def test_installed_script_bad_document_and_missing_output_folder(inputs):
    run = run_subprocess("segment", str(inputs["binary.txt"]), "--lang", "en", timeout=60)
    assert_one_line_error(run.returncode, run.stderr, inputs["binary.txt"], BINARY)
    run = run_subprocess("inspect", str(inputs["good.tmx"]), "-o", str(inputs["missing_dir"] / "x.csv"), timeout=60)
    assert_one_line_error(run.returncode, run.stderr, inputs["missing_dir"], UNWRITABLE)
    assert not inputs["missing_dir"].exists()


def test_one_megabyte_line_without_newline(tmp_path):
    """A 1 MB line with no newline and no sentence end: read, segmented and printed, or refused in one line."""
    words = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor " * 14000)[:1_000_000]
    big = tmp_path / "big.txt"
    big.write_text(words, encoding="utf-8")
    run = run_subprocess("segment", str(big), "--lang", "en", timeout=300)
    if run.returncode == 2:
        assert_one_line_error(run.returncode, run.stderr, big, r"long|large|line")
    else:
        assert run.returncode == 0, run.stderr
        assert "".join(run.stdout.split()) == "".join(words.split())


def test_one_megabyte_presegmented_line_is_refused(tmp_path):
    """A 1 MB line in a one-sentence-per-line file is a wrong file, not a sentence (embedding it would take
    minutes): refused at once, naming the file and the line."""
    big = tmp_path / "big.txt"
    big.write_text("Die Sitzung dauerte lange " * 40000, encoding="utf-8")  # ~1 MB, no newline
    src = tmp_path / "src.txt"
    src.write_text("The meeting was long.\n", encoding="utf-8")
    links = tmp_path / "links.txt"
    run = run_subprocess("align", str(src), str(big), "--src-lang", "en", "--tgt-lang", "de", "--presegmented",
                         "--links", str(links), "--features", "embedding,length", timeout=600,
                         env={"CORPUS_CACHE_DIR": str(tmp_path / "cache")})
    assert_one_line_error(run.returncode, run.stderr, big, r"line 1\b.*(long|characters)")
    assert not links.exists()
