"""Fuzz the TMX reader and the document readers by hand: `python tests/fuzz_run.py --seconds 120`.

Feeds random and mutated files (byte flips, truncations, inserted NULs, spliced chunks, random XML built from
the tags of real TMX files, random Markdown and mixed-script text, re-encodings) to
`corpus.formats.tmx.load_tmx` and `corpus.reading.reader.read_documents`, the latter under every document
format's suffix: text, DOCX, ODT, EPUB (ZIP containers, whose XML members are mutated and zipped again as
well as the container's bytes), HTML, PDF, XLIFF and subtitles. The only acceptable failure is `CorpusError` (the
clean one-line error the CLI prints); any other exception, and any input that takes longer than
`--slow` seconds, is a finding: the input is saved under tests/data/fuzz/<target>/ by the hash of its bytes,
where tests/robust/test_fuzz_replay.py replays it on every test run.

`--atheris` runs the same targets under atheris (coverage-guided, `pip install atheris`) instead of the
built-in random mutator; the replay test never needs atheris.

Not collected by pytest (no `test_` prefix); the targets below are imported by the replay test.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FUZZ_DIR = HERE / "data" / "fuzz"
sys.path.insert(0, str(ROOT))

from corpus.errors import CorpusError  # noqa: E402

# ---- targets: bytes in, None or CorpusError out ---------------------------------------------------------

TARGETS = {
    # name: (suffixes the input is tried under, what it exercises)
    "tmx": (".tmx",),
    "document": (".txt", ".md"),
    "docx": (".docx",),
    "odt": (".odt",),
    "epub": (".epub",),
    "html": (".html", ".xhtml"),
    "pdf": (".pdf",),
    "xliff": (".xlf",),
    "subtitles": (".srt", ".vtt"),
}
ZIP_TARGETS = {"docx", "odt", "epub"}
XML_TARGETS = {"tmx", "html", "xliff"} | ZIP_TARGETS


def run_target(target: str, data: bytes, workdir: Path, suffix: str | None = None) -> None:
    """Run one input through one target. Returns normally or raises CorpusError; anything else is a bug."""
    suffixes = TARGETS[target] if suffix is None else (suffix,)
    for sfx in suffixes:
        path = workdir / f"input{sfx}"
        path.write_bytes(data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                if target == "tmx":
                    _tmx_target(path)
                else:
                    _document_target(path)
            except CorpusError as exc:
                _check_clean(exc, path)


def _check_clean(exc: CorpusError, path: Path) -> None:
    message = str(exc)
    if "\n" in message:
        raise AssertionError(f"CorpusError spans several lines: {message!r}")
    if exc.path is not None and exc.path != str(path):
        raise AssertionError(f"CorpusError names {exc.path!r}, not the input {path}")


def _tmx_target(path: Path) -> None:
    """Read, then show what was read the ways the commands do: inspect's summary, compare's terminal table
    and page (their views take whatever a foreign TMX held), and write it back as TMX."""
    import io

    from rich.console import Console

    from corpus.views.inspect import run_inspect
    from corpus.views.page import render_page
    from corpus.formats.table import validate_units
    from corpus.views.terminal import print_units
    from corpus.formats.tmx import load_tmx, write_tmx

    doc = load_tmx(path)
    validate_units(doc.units)  # what the reader returns is a well-typed units table
    assert doc.tu_count >= doc.units.select("corpus", "unit_id").unique().height
    console = Console(file=io.StringIO(), width=120)
    run_inspect(path, console=console)
    if doc.units.height:
        print_units(doc.units, console=console, pager=False)
        render_page(doc.units)
        write_tmx(doc.units, path.with_suffix(".out.tmx"), include_single=True)


def _document_target(path: Path) -> None:
    from corpus.reading.reader import read_documents

    docs = read_documents(path)
    assert docs, "read_documents returned no document without raising CorpusError"
    for doc in docs:
        # What a build does with a document besides its sentences: its title, its metadata stored as JSON.
        assert isinstance(doc.title, str)
        json.dumps(doc.metadata, default=str)
        for p in doc.paragraphs:
            assert 0 <= p.start <= p.end <= len(doc.text), (p.start, p.end, len(doc.text))
        for s in doc.sentences:  # sentences point back into the file's text
            assert s.text.strip() and 0 <= s.start < s.end <= len(doc.text), (s.start, s.end, s.text)


# ---- seeds -------------------------------------------------------------------------------------------------


def seed_inputs(target: str) -> list[bytes]:
    """Real files to mutate: the repository's TMX/Markdown/text test data and seeds, plus a TMX we write."""
    found: list[bytes] = []
    if target == "tmx":
        for p in sorted((HERE / "data").rglob("*.tmx")):
            if FUZZ_DIR not in p.parents:
                found.append(p.read_bytes())
        found.append(_our_tmx())
    elif target == "document":
        for p in sorted((ROOT / "seeds").glob("*.txt")):
            found.append(p.read_bytes()[:6000])
        for p in sorted((HERE / "data").rglob("*")):
            if p.is_file() and p.suffix in (".txt", ".md") and FUZZ_DIR not in p.parents and p.stat().st_size < 50_000:
                found.append(p.read_bytes())
    else:
        for p in sorted((ROOT / "seeds").glob("*.txt")):
            paragraphs = [line for line in p.read_text(encoding="utf-8")[:3000].splitlines() if line.strip()]
            found.append(FORMAT_WRITERS[target](paragraphs))
    return found or [b"x"]


# ---- seed files of the document formats, written in each format's own markup -------------------------------


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _zip(members: dict[str, str], first: str | None = None) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(members, key=lambda n: n != first):
            z.writestr(name, members[name], compress_type=zipfile.ZIP_STORED if name == first else None)
    return buffer.getvalue()


def _docx(paragraphs: list[str]) -> bytes:
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{_escaped(p)}</w:t></w:r>'
                   f'<w:ins><w:r><w:t>x</w:t></w:r></w:ins><w:del><w:r><w:delText>y</w:delText></w:r></w:del></w:p>'
                   for p in paragraphs)
    return _zip({"word/document.xml": f'<?xml version="1.0"?><w:document {w}><w:body>{body}'
                 '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>cell</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>'})


def _odt(paragraphs: list[str]) -> bytes:
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    body = "".join(f"<text:p>{_escaped(p)}<text:s text:c=\"2\"/></text:p>" for p in paragraphs)
    return _zip({"mimetype": "application/vnd.oasis.opendocument.text",
                 "content.xml": f'<?xml version="1.0"?><office:document-content {ns}><office:body><office:text>'
                                f'<text:h>Title</text:h>{body}</office:text></office:body></office:document-content>'},
                first="mimetype")


def _html(paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{_escaped(p)}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title></head><body><nav>menu</nav>'
            f"<main><h1>Title</h1>{body}<table><tr><td>cell</td></tr></table></main></body></html>").encode()


def _epub(paragraphs: list[str]) -> bytes:
    page = _html(paragraphs).decode()
    return _zip({
        "mimetype": "application/epub+zip",
        "META-INF/container.xml": '<?xml version="1.0"?><container xmlns="urn:oasis:names:tc:opendocument:xmlns:'
                                  'container"><rootfiles><rootfile full-path="b.opf"/></rootfiles></container>',
        "b.opf": '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf"><manifest><item id="a" '
                 'href="a.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="a"/>'
                 '</spine></package>',
        "a.xhtml": page,
    }, first="mimetype")


def _pdf(paragraphs: list[str]) -> bytes:
    """A PDF of the paragraphs' ASCII letters in Helvetica, three pages with a running header and a page number."""
    pages = [paragraphs[k::3] for k in range(3)]
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "", "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for number, lines in enumerate(pages, 1):
        ops = ["BT /F1 9 Tf 72 770 Td (Running header) Tj ET", f"BT /F1 9 Tf 300 20 Td ({number}) Tj ET"]
        y = 700
        for line in lines:
            clean = "".join(c for c in line if 32 <= ord(c) < 127 and c not in "()\\")[:90]
            ops.append(f"BT /F1 11 Tf 72 {y} Td ({clean}) Tj ET")
            y -= 14
        stream = "\n".join(ops).encode("latin-1")
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream.decode('latin-1')}\nendstream")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {len(objects)} 0 R "
                       "/Resources << /Font << /F1 3 0 R >> >> >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for k, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{k} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _xliff(paragraphs: list[str]) -> bytes:
    units = "".join(f'<trans-unit id="{k}"><source>{_escaped(p)}<x id="1"/></source><seg-source><mrk mtype="seg" '
                    f'mid="1">{_escaped(p)}</mrk></seg-source><target>{_escaped(p)}</target></trans-unit>'
                    for k, p in enumerate(paragraphs))
    return (f'<?xml version="1.0"?><xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file '
            f'source-language="en" target-language="de"><body>{units}</body></file></xliff>').encode()


def _subtitles(paragraphs: list[str]) -> bytes:
    cues = [f"{k}\n00:00:{k % 60:02d},000 --> 00:00:{k % 60:02d},900\n<i>{p[:80]}</i>\n{p[80:160]}\n"
            for k, p in enumerate(paragraphs, 1)]
    return "\n".join(cues).encode()


FORMAT_WRITERS = {"docx": _docx, "odt": _odt, "epub": _epub, "html": _html, "pdf": _pdf, "xliff": _xliff,
                  "subtitles": _subtitles}


def _our_tmx() -> bytes:
    from corpus.formats.table import units_frame
    from corpus.formats.tmx import write_tmx

    rows = []
    for uid, (en, de, zh) in enumerate([
        ("Runway is not an AI company.", "Runway ist keine KI-Firma.", "Runway 不是一家人工智能公司。"),
        ("It costs 5 € & <more>.", "Es kostet 5 € & <mehr>.", "它花费 5 欧元。"),
    ]):
        for lang, text, script in (("en", en, ""), ("de", de, ""), ("zh", zh, "Hans")):
            rows.append({"corpus": "c", "unit_id": uid, "lang": lang, "script": script, "doc_id": f"d.{lang}",
                         "sent_ids": [uid], "text": text, "link": "1-1-1", "confidence": 0.9,
                         "fidelity": None if lang == "en" else 0.8, "flags": ["number-mismatch"] if uid else []})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ours.tmx"
        write_tmx(units_frame(rows), path, tool_version="fuzz")
        return path.read_bytes()


# ---- generators and mutators -------------------------------------------------------------------------------

_XML_PIECES = [
    b"<tu>", b"</tu>", b"<tuv xml:lang=\"en\">", b"<tuv lang=\"ZH-TW\">", b"<tuv xml:lang=\"\">", b"</tuv>",
    b"<seg>", b"</seg>", b"<prop type=\"x-confidence\">nan</prop>", b"<prop type=\"x-sentences\">-1,99999999999999999999</prop>",
    b"<prop type=\"x-fidelity\">1e999</prop>", b"<note>", b"</note>", b"<bpt i=\"1\">{</bpt>", b"<ept i=\"1\">}</ept>",
    b"<ph>x</ph>", b"<hi>", b"</hi>", b"<body>", b"</body>", b"<header/>", b"<tmx version=\"1.4\">", b"</tmx>",
    b"&amp;", b"&lt;", b"&#0;", b"&#x1F;", b"&#xD800;", b"&#1114112;", b"&undefined;", b"<![CDATA[", b"]]>",
    b"<!-- c -->", b"<?pi x?>", b"<!DOCTYPE tmx [<!ENTITY e \"&#38;e;\">]>", b"&e;",
    b"<?xml version=\"1.1\" encoding=\"UTF-8\"?>", b"<?xml version=\"1.0\" encoding=\"UTF-16\"?>",
    b"<?xml version=\"1.0\" encoding=\"bogus\"?>", b" tuid=\"x-1\"", b" tuid=\"-5\"", b" tuid=\"00\"",
    b"<tu tuid=\"c-0\">", b"xmlns=\"urn:x\"", b"<x:seg xmlns:x=\"urn:y\">", b"\xef\xbb\xbf", b"\xff\xfe",
]
_TEXT_PIECES = [
    "---\n", "title: [unclosed\n", "title: 5\n", "- a\n- b\n", "# ", "## Heading\n", "[1](http://x.org)",
    "![img](a.png)", "**", "*", "_", "`", "```\ncode\n```\n", "| a | b |\n|---|---|\n", "<br/>", "<div>",
    "> quote\n", "1. ", "\n\n", "\r\n", "\r", "\t", "\u00a0", "\u200b", "\ufeff", "\u2028", "。", "！", "？", "……",
    "Dr.", "z. B.", "U.S.", "11. Februar", "“", "”", "„", "«", "»", "(", ")", "新的媒体格局", "Runway ist keine",
    "Le monde", "مرحبا", "שלום", "नमस्ते", "😀", "\U00020000", "e\u0301", "Ａ", "…", ".", "!", "?", "\x0b", "\x0c",
    "[", "]", "\\", "&amp;", "http://example.org/a?b=c", "ﬁ", "İ", "ß",
]
_ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "gb18030", "gbk", "big5", "cp1252",
              "latin-1", "shift_jis", "koi8-r"]


def random_text(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 60)):
        r = rng.random()
        if r < 0.5:
            parts.append(rng.choice(_TEXT_PIECES))
        elif r < 0.8:
            parts.append(" " + "".join(rng.choice("abcdefghij ABCäöü.,;") for _ in range(rng.randint(1, 15))))
        else:
            parts.append("".join(chr(rng.randint(1, 0x2FFFF)) for _ in range(rng.randint(1, 5))))
    return "".join(parts)


def encode(text: str, rng: random.Random) -> bytes:
    codec = rng.choice(_ENCODINGS)
    return text.encode(codec, errors=rng.choice(["replace", "ignore", "xmlcharrefreplace"])
                       if codec not in ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32")
                       else "surrogatepass")


def random_tmx(rng: random.Random) -> bytes:
    """A TMX-shaped document built from real TMX tags, with random attributes and text."""
    def text() -> str:
        return "".join(rng.choice(["a", " ", "新", "&amp;", "&lt;", "<hi>x</hi>", "<ph/>", "\u00e9", "&#x9;"])
                       for _ in range(rng.randint(0, 6)))
    tus = []
    for k in range(rng.randint(0, 6)):
        tuvs = []
        for _ in range(rng.randint(0, 4)):
            lang = rng.choice(["en", "de", "zh-CN", "ZH_tw", "x", "", "123", "en-US", "zh-Hant-TW", "-", "a" * 9])
            attr = rng.choice(["xml:lang", "lang"])
            segs = "".join(f"<seg>{text()}</seg>" for _ in range(rng.choice([1, 1, 1, 0, 2])))
            props = rng.choice(["", "<prop type=\"x-doc\">d</prop><prop type=\"x-sentences\">1,2</prop>",
                                "<prop type=\"x-fidelity\">abc</prop>", "<note>n</note><note/>"])
            tuvs.append(f"<tuv {attr}=\"{lang}\">{props}{segs}</tuv>")
        tuid = rng.choice([f"c-{k}", str(k), "", "x", f"c-{rng.randint(-3, 3)}", "0"])
        props = rng.choice(["", "<prop type=\"x-corpus\">c</prop>", "<prop type=\"x-link\">1-1</prop>"
                            "<prop type=\"x-confidence\">inf</prop>"])
        tus.append(f"<tu tuid=\"{tuid}\">{props}{''.join(tuvs)}</tu>")
    header = rng.choice(["<header srclang=\"en\"/>", "<header/>", "", "<header><prop type=\"a\">b</prop></header>"])
    doc = f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">{header}<body>{''.join(tus)}</body></tmx>"
    return doc.encode("utf-8")


def mutate_zip_member(data: bytes, rng: random.Random, pool: list[bytes], target: str) -> bytes:
    """A ZIP container with one of its members mutated and the container written again: what gets past the
    container's checksums to the XML readers."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = {info.filename: z.read(info) for info in z.infolist()[:50]}
    except Exception:  # not a readable container any more: mutate its bytes instead
        return mutate(data, rng, pool, "document", zipped=False)
    if not members:
        return data
    name = rng.choice(sorted(members))
    members[name] = mutate(members[name], rng, pool, "tmx", zipped=False)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for member, content in members.items():
            z.writestr(member, content)
    return buffer.getvalue()


def mutate(data: bytes, rng: random.Random, pool: list[bytes], target: str, zipped: bool = True) -> bytes:
    """One to four random edits of `data` (for a ZIP container, often of one of its members instead)."""
    if zipped and target in ZIP_TARGETS and rng.random() < 0.7:
        return mutate_zip_member(data, rng, pool, target)
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(9)
        pos = rng.randint(0, len(buf))
        if op == 0 and buf:  # flip bytes
            for _ in range(rng.randint(1, 8)):
                i = rng.randrange(len(buf))
                buf[i] ^= 1 << rng.randrange(8)
        elif op == 1:  # truncate
            del buf[pos:]
        elif op == 2:  # insert NULs
            buf[pos:pos] = b"\x00" * rng.randint(1, 4)
        elif op == 3:  # insert random bytes
            buf[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        elif op == 4 and buf:  # delete a chunk
            del buf[pos:pos + rng.randint(1, 200)]
        elif op == 5 and buf:  # duplicate a chunk
            start = rng.randrange(len(buf))
            buf[pos:pos] = buf[start:start + rng.randint(1, 300)]
        elif op == 6:  # splice a chunk of another input
            other = rng.choice(pool)
            start = rng.randrange(max(len(other), 1))
            buf[pos:pos] = other[start:start + rng.randint(1, 400)]
        elif op == 7:  # insert a piece of the format's syntax
            piece = rng.choice(_XML_PIECES) if target in XML_TARGETS else rng.choice(_TEXT_PIECES).encode("utf-8")
            buf[pos:pos] = piece
        else:  # re-encode the whole input
            try:
                text = bytes(buf).decode("utf-8")
            except UnicodeDecodeError:
                continue
            buf = bytearray(encode(text, rng))
    return bytes(buf)


def generate(target: str, rng: random.Random, pool: list[bytes]) -> bytes:
    r = rng.random()
    if r < 0.15:
        return random_tmx(rng) if target == "tmx" else encode(random_text(rng), rng)
    if r < 0.2:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 300)))
    base = rng.choice(pool)
    if r < 0.3 and target == "tmx":
        base = random_tmx(rng)
    return mutate(base, rng, pool, target)


# ---- findings ----------------------------------------------------------------------------------------------


def save_finding(target: str, data: bytes, kind: str) -> Path:
    folder = FUZZ_DIR / target
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind}-{hashlib.sha1(data).hexdigest()[:12]}.bin"
    path.write_bytes(data)
    return path


def check_one(target: str, data: bytes, workdir: Path, slow: float) -> tuple[str, str] | None:
    """None when the input is handled; else (kind, description) with kind `crash` or `slow`."""
    started = time.perf_counter()
    try:
        run_target(target, data, workdir)
    except Exception as exc:  # anything but CorpusError (caught inside) is a finding
        last = traceback.extract_tb(exc.__traceback__)[-1]
        return "crash", f"{type(exc).__name__}: {str(exc)[:200]} at {Path(last.filename).name}:{last.lineno}"
    elapsed = time.perf_counter() - started
    if elapsed > slow:
        return "slow", f"{elapsed:.1f} s"
    return None


def fuzz(targets: list[str], seconds: float, seed: int, slow: float) -> int:
    rng = random.Random(seed)
    pools = {t: seed_inputs(t) for t in targets}
    counts = {t: 0 for t in targets}
    signatures: dict[str, Path] = {}
    deadline = time.monotonic() + seconds
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        while time.monotonic() < deadline:
            target = targets[sum(counts.values()) % len(targets)]
            data = generate(target, rng, pools[target])
            counts[target] += 1
            finding = check_one(target, data, workdir, slow)
            if finding is None:
                if rng.random() < 0.05:  # inputs that were handled become material for later mutations
                    pools[target].append(data)
                continue
            kind, what = finding
            key = f"{target}|{kind}|{what.split(':')[0]}|{what.rsplit(' at ', 1)[-1]}"
            if key in signatures:
                continue  # one example per distinct failure is enough
            path = save_finding(target, data, kind)
            signatures[key] = path
            print(f"{kind}: {target}: {what}\n  saved as {path.relative_to(ROOT)}", flush=True)
    print(f"ran {', '.join(f'{n} {t}' for t, n in counts.items())} inputs in {seconds:.0f} s (seed {seed}); "
          f"{len(signatures)} distinct findings", flush=True)
    return 1 if signatures else 0


def fuzz_atheris(target: str, seconds: float, slow: float) -> None:  # pragma: no cover - hand-run only
    """Coverage-guided (libFuzzer through atheris): the readers' modules are instrumented, the seed inputs and
    the saved findings are the starting corpus, and new findings are saved like the random mutator's."""
    import atheris

    with atheris.instrument_imports(include=["corpus"]):
        import corpus.reading.markdown  # noqa: F401
        import corpus.reading.reader  # noqa: F401
        import corpus.reading.registry  # noqa: F401 (and through it every format reader)
        import corpus.text.segment  # noqa: F401
        import corpus.formats.tmx  # noqa: F401
    workdir = Path(tempfile.mkdtemp())
    seeds = Path(tempfile.mkdtemp())
    for k, data in enumerate(seed_inputs(target) + [p.read_bytes() for p in (FUZZ_DIR / target).glob("*")]):
        (seeds / f"seed{k}").write_bytes(data)

    def one(data: bytes) -> None:
        finding = check_one(target, data, workdir, slow)
        if finding is not None:
            path = save_finding(target, data, finding[0])
            print(f"{finding[0]}: {finding[1]} -> {path}", flush=True)
            raise RuntimeError(finding[1])

    atheris.Setup([sys.argv[0], f"-max_total_time={int(seconds)}", "-max_len=65536", "-rss_limit_mb=4096",
                   str(seeds)], one)
    atheris.Fuzz()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--target", choices=[*TARGETS, "all"], default="all")
    parser.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED", time.time_ns() % 2**31)))
    parser.add_argument("--slow", type=float, default=10.0, help="Seconds after which an input counts as a hang.")
    parser.add_argument("--atheris", action="store_true", help="Coverage-guided with atheris (one target).")
    args = parser.parse_args()
    targets = list(TARGETS) if args.target == "all" else [args.target]
    if args.atheris:
        fuzz_atheris(targets[0], args.seconds, args.slow)
        return 0
    return fuzz(targets, args.seconds, args.seed, args.slow)


if __name__ == "__main__":
    sys.exit(main())
