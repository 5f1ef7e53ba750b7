"""Opening what document formats are made of, safely: ZIP containers (DOCX, ODT, EPUB) and XML.

Every failure is a CorpusError that names the file, never a traceback:
- a file that is no ZIP container, or a corrupt or truncated one;
- a ZIP bomb: members are read with a cap on their unpacked size (the sizes a ZIP declares can lie, so
  the cap holds while unpacking) and on the whole container;
- XML that declares entities (a DTD internal subset: "billion laughs", external entities). The parser
  never expands entities, never loads a DTD and never touches the network; a file that tries is refused.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from lxml import etree

from corpus.errors import CorpusError

MAX_MEMBER_BYTES = 200 * 1024 * 1024  # one unpacked part (a document.xml of a long book is a few MB)
MAX_TOTAL_BYTES = 500 * 1024 * 1024  # everything unpacked from one container
MAX_RATIO = 200  # unpacked / packed bytes of a member above which a large member is a bomb, not text

_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.I)
_DOCTYPE_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[", re.I)


class Container:
    """A ZIP container being read: members by name, each read at most once within the caps."""

    def __init__(self, data: bytes, path, format_name: str):
        self.path = path
        self.format_name = format_name
        self.unpacked = 0
        if not data.startswith(b"PK"):
            raise CorpusError(f"not a {format_name} file (not a ZIP container{_what_it_is(data)})", path)
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            self.names = set(self.zip.namelist())
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
            raise CorpusError(f"corrupt or truncated ZIP container ({exc}); not a readable {format_name} file",
                              path) from None

    def has(self, name: str) -> bool:
        return name in self.names

    def read(self, name: str) -> bytes:
        """The unpacked bytes of member `name`, within the caps."""
        try:
            info = self.zip.getinfo(name)
        except KeyError:
            raise CorpusError(f"not a {self.format_name} file (its container lacks {name})", self.path) from None
        if info.file_size > MAX_MEMBER_BYTES or (
            info.file_size > 10 * 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        ):
            raise CorpusError(f"{name} would unpack to {info.file_size:,} bytes: refused as a ZIP bomb", self.path)
        limit = min(MAX_MEMBER_BYTES, MAX_TOTAL_BYTES - self.unpacked)
        try:
            with self.zip.open(info) as member:
                data = member.read(limit + 1)  # declared sizes can lie: the cap holds while unpacking
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
            raise CorpusError(f"corrupt or truncated ZIP container ({name}: {exc})", self.path) from None
        except RuntimeError as exc:  # an encrypted member ("File ... is encrypted, password required")
            raise CorpusError(f"encrypted ZIP member {name}: decrypt it first ({exc})", self.path) from None
        if len(data) > limit:
            raise CorpusError(f"{name} unpacks to more than {limit:,} bytes: refused as a ZIP bomb", self.path)
        self.unpacked += len(data)
        return data

    def xml(self, name: str) -> etree._Element:
        return parse_xml(self.read(name), self.path, f"{self.format_name} part {name}")


def _what_it_is(data: bytes) -> str:
    """A hint at what a file that should be a ZIP container really is."""
    if not data:
        return ": the file is empty"
    if data.startswith(b"%PDF"):
        return ": it is a PDF"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return ": it is an old binary Office file (.doc/.xls); save it as .docx"
    if data.lstrip()[:1] == b"<":
        return ": it is XML or HTML"
    return ""


_PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                       dtd_validation=False, remove_comments=True, remove_pis=True)


def check_no_entities(data: bytes, path, what: str) -> None:
    """Refuse markup that declares entities in a DTD internal subset: they are never expanded or fetched, and
    text that depends on them cannot be read faithfully."""
    head = data[:65536]
    if _DOCTYPE_SUBSET.search(head) or _ENTITY_DECLARATION.search(head):
        raise CorpusError(f"{what} declares XML entities (a DTD): refused, entities are never expanded or fetched",
                          path)


def parse_xml(data: bytes, path, what: str) -> etree._Element:
    """The root element of XML `data`; CorpusError for XML that is broken or declares entities."""
    check_no_entities(data, path, what)
    parser = etree.XMLParser(**_PARSER_OPTIONS)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise CorpusError(f"{what} is not well-formed XML ({_first_line(exc)})", path) from None
    except (ValueError, etree.LxmlError) as exc:
        raise CorpusError(f"{what} cannot be parsed ({_first_line(exc)})", path) from None
    if root is None:
        raise CorpusError(f"{what} is empty", path)
    return root


def _first_line(exc: Exception) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]


def local(tag) -> str:
    """An element's tag without its namespace ("" for comments and processing instructions)."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""  # QName() refuses HTML's odd names ("x:seg")
