"""Bad input to the format readers: one clear line naming the file and exit 2, never a traceback, never a
partial output. Corrupt and truncated ZIP containers, a ZIP bomb, XML entity expansion and external entities
(never resolved, never fetched), a DOCX that is a renamed binary, an unknown --format."""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
import zipfile

import pytest

from corpus.errors import CorpusError
from corpus.reading.reader import read_documents
from reading_helpers import LETTER, docx, epub, odt

BODY = '<w:p><w:r><w:t>Runway is not an AI company. Runway is a media company.</w:t></w:r></w:p>'


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-c", "from aligner.cli import main; main()", *map(str, args)],
                          capture_output=True, text=True, timeout=120, cwd=cwd)


def _refused(path, match):
    with pytest.raises(CorpusError, match=match) as caught:
        read_documents(path)
    assert "\n" not in str(caught.value) and str(path) in str(caught.value)


@pytest.mark.parametrize("make", [docx, odt])
def test_truncated_and_corrupt_containers(tmp_path, make):
    good = make(tmp_path / f"good.{make.__name__}", BODY if make is docx else "<text:p>Some text here.</text:p>")
    data = good.read_bytes()
    truncated = tmp_path / f"truncated.{make.__name__}"
    truncated.write_bytes(data[: len(data) // 2])
    _refused(truncated, "corrupt or truncated ZIP container")
    flipped = bytearray(data)
    start = data.index(b"PK\x03\x04", 10) + 40  # inside the second member's compressed bytes
    for k in range(start, start + 30):
        flipped[k] ^= 0x5A
    corrupt = tmp_path / f"corrupt.{make.__name__}"
    corrupt.write_bytes(bytes(flipped))
    _refused(corrupt, "corrupt|not well-formed|not a")


def test_a_renamed_binary_is_no_docx(tmp_path):
    fake = tmp_path / "report.docx"
    fake.write_bytes(bytes(range(256)) * 20)
    _refused(fake, "not a DOCX file \\(not a ZIP container")
    pdf_as_docx = tmp_path / "paper.docx"
    pdf_as_docx.write_bytes(b"%PDF-1.7\n%binary\n")
    _refused(pdf_as_docx, "it is a PDF")


def test_a_zip_bomb_is_refused_while_unpacking(tmp_path):
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b" " * (1 << 20)
            for _ in range(300):  # 300 MB of spaces pack into a few hundred KB
                member.write(chunk)
    assert bomb.stat().st_size < 2_000_000
    _refused(bomb, "ZIP bomb")


ENTITY_BOMB = ('<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
               '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')


def test_entity_expansion_is_refused_in_every_xml_format(tmp_path):
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    path = tmp_path / "laughs.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", ENTITY_BOMB + f'<w:document {ns}><w:body><w:p><w:r><w:t>&c;</w:t></w:r>'
                   '</w:p></w:body></w:document>')
    _refused(path, "declares XML entities")
    page = tmp_path / "laughs.html"
    page.write_text('<!DOCTYPE html [<!ENTITY a "x">]><html><body><p>&a; text</p></body></html>')
    _refused(page, "declares XML entities")
    xliff = tmp_path / "laughs.xlf"
    xliff.write_text('<?xml version="1.0"?><!DOCTYPE xliff [<!ENTITY a "x">]><xliff version="1.2"/>')
    _refused(xliff, "declares XML entities")


def test_external_entities_are_never_fetched(tmp_path):
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"fetched")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/secret"
        secret = tmp_path / "secret.txt"
        secret.write_text("local secret")
        for name, text in (
            ("remote.xlf", f'<?xml version="1.0"?><!DOCTYPE xliff [<!ENTITY e SYSTEM "{url}">]>'
                           '<xliff version="1.2"><file source-language="en"><body><trans-unit id="1"><source>&e;'
                           '</source></trans-unit></body></file></xliff>'),
            ("local.xlf", f'<?xml version="1.0"?><!DOCTYPE xliff [<!ENTITY e SYSTEM "{secret.as_uri()}">]>'
                          '<xliff version="1.2"><file source-language="en"><body><trans-unit id="1"><source>&e;'
                          '</source></trans-unit></body></file></xliff>'),
            ("dtd.xlf", f'<?xml version="1.0"?><!DOCTYPE xliff SYSTEM "{url}"><xliff version="1.2"><file '
                        'source-language="en"><body><trans-unit id="1"><source>Plain words here.</source>'
                        '</trans-unit></body></file></xliff>'),
        ):
            path = tmp_path / name
            path.write_text(text)
            try:
                docs = read_documents(path)
                assert "fetched" not in docs[0].text and "local secret" not in docs[0].text
            except CorpusError as exc:
                assert "\n" not in str(exc)
    finally:
        server.shutdown()
    assert hits == []


def test_an_epub_whose_spine_names_a_missing_chapter(tmp_path):
    book = epub(tmp_path / "book.epub", {"a.xhtml": "<p>Text of the chapter.</p>"}, ["a.xhtml"])
    with zipfile.ZipFile(book) as z:
        members = {n: z.read(n) for n in z.namelist() if n != "OEBPS/a.xhtml"}
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(broken, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    _refused(broken, "missing file")


def test_the_command_line_says_one_line_and_writes_nothing(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "letter.txt").write_bytes(LETTER.read_bytes())
    (folder / "report.docx").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(500))  # an old binary .doc renamed
    run = _cli("build", folder, "--out", tmp_path / "out", "--no-fidelity")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.strip().count("\n") == 0 and "report.docx" in run.stderr and "save it as .docx" in run.stderr
    assert not (tmp_path / "out").exists()
    run = _cli("segment", LETTER, "--lang", "en", "--input-format", "word")
    assert run.returncode == 2 and "unknown input format 'word'" in run.stderr and "Traceback" not in run.stderr
