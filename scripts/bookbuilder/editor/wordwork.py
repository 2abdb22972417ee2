"""The work a .docx may cost ``make import``, checked by streaming its XML before mammoth reads it.

mammoth parses each part it reads (the document, its footnotes, endnotes, comments, numbering,
styles, content types and relationships) into a whole DOM with ``xml.dom.minidom`` and then
into its own document tree: measured (``docs/security.md``, "make import is bounded by work"),
about 75-80 bytes of memory per byte of XML and about 850 bytes per element, and its time grows
with the number of elements. A ZIP compresses repeated XML a thousandfold, so the size limits
on the file (50 MiB) and on what it unpacks to (300 MiB) let through a 0.9 MB file that needs
more memory than the machine has. Here every member that holds XML is read as a stream with
expat, counting its bytes, text, elements, attributes and nesting depth, and the whole file is
refused once a total passes its limit: in about a second, whatever the file holds, since
reading stops there.

Every member that starts like XML is counted (not only the parts mammoth reads, which
relationships may put anywhere), so the totals are an upper bound of mammoth's work.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from xml.parsers import expat

from bookbuilder.check.load import MAX_BYTES as MAX_REPORT_BYTES

# From measuring mammoth 1.13 (docs/security.md, "make import is bounded by work"): per element
# about 850 bytes and 50 µs, per attribute about 550 bytes and 4 µs. A file at every limit at
# once: 16.5 s of CPU and 414 MiB. A report about as long as `make check` accepts (0.9 MiB of
# text) holds about half as many elements and a fifth of the attributes.
MAX_XML_BYTES = 32 * 1024 * 1024  # all XML members together, unpacked
# Text beyond what a report file may hold (each character is a byte or more of it) could only
# make a report that `make check` refuses; it also bounds mammoth's slowest case, one long text.
MAX_TEXT = MAX_REPORT_BYTES
# minidom joins a long run of characters (text, whitespace, an attribute's value) piece by piece,
# in time that grows with the square of its length (4 MB: 0.5 s; 16 MB: 7 s): no run may be
# longer than a report. Word's longest, a picture's data in an old shape's attribute, are KBs.
MAX_RUN = MAX_REPORT_BYTES
MAX_ELEMENTS = 300_000  # all XML members together
MAX_ATTRIBUTES = 600_000  # all XML members together
# mammoth recurses once or more per level: 60 tables in tables (XML nesting about 180) stop it
# with a RecursionError; Word's own documents stay well under 40 levels.
MAX_DEPTH = 100
# Each member is opened to be sniffed: a Word document holds a few dozen, one picture each more.
MAX_MEMBERS = 10_000
CHUNK = 256 * 1024


class TooMuchWork(Exception):
    """A .docx whose XML would cost too much to convert; the message says which part and why."""


@dataclass
class Tally:
    """What the XML members read so far hold."""

    xml_bytes: int = 0
    elements: int = 0
    attributes: int = 0
    text: int = 0  # characters, in pieces that are not only whitespace (between elements)


def check_work(archive: zipfile.ZipFile) -> Tally:
    """Count the XML of every member of ``archive``; raise TooMuchWork at the first limit
    passed, naming the member and the limit."""
    tally = Tally()
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise TooMuchWork(
            f"it holds {len(members):,} parts; at most {MAX_MEMBERS:,} allowed (a Word document "
            "holds a few dozen, and one more per picture)"
        )
    for info in members:
        if not info.is_dir():
            _count_member(archive, info, tally)
    return tally


def _count_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, tally: Tally) -> None:
    parser = expat.ParserCreate()
    depth = 0
    run = 0  # characters since the last tag

    def too_long(what: str) -> TooMuchWork:
        return TooMuchWork(
            f"{info.filename} holds {what} longer than {MAX_RUN // 2**20} MiB, more than a "
            "report file may hold"
        )

    def start(_name: str, attributes: dict[str, str]) -> None:
        nonlocal depth, run
        depth += 1
        run = 0
        if any(len(value) > MAX_RUN for value in attributes.values()):
            raise too_long("an attribute value")
        tally.elements += 1
        tally.attributes += len(attributes)
        if depth > MAX_DEPTH:
            raise TooMuchWork(
                f"{info.filename} nests elements more than {MAX_DEPTH} deep (Word's own "
                "documents stay under 40)"
            )
        if tally.elements > MAX_ELEMENTS:
            raise TooMuchWork(
                f"its XML holds more than {MAX_ELEMENTS:,} elements (passed in "
                f"{info.filename}); a report as long as the book accepts needs about half as "
                "many: split the document, or remove what it does not need"
            )
        if tally.attributes > MAX_ATTRIBUTES:
            raise TooMuchWork(
                f"its XML holds more than {MAX_ATTRIBUTES:,} attributes (passed in "
                f"{info.filename}); a report as long as the book accepts needs about half as many"
            )

    def end(_name: str) -> None:
        nonlocal depth, run
        depth -= 1
        run = 0

    def text(data: str) -> None:
        nonlocal run
        run += len(data)
        if run > MAX_RUN:
            raise too_long("a run of text or spaces")
        if not data.isspace():
            tally.text += len(data)
            if tally.text > MAX_TEXT:
                raise TooMuchWork(
                    f"its text is longer than {MAX_TEXT // 2**20} MiB (passed in "
                    f"{info.filename}), more than a report file may hold: split the document"
                )

    def no_doctype(*_args: object) -> None:
        raise TooMuchWork(f"{info.filename} declares a DOCTYPE, which Word never writes")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = no_doctype
    with archive.open(info) as stream:
        first = stream.read(CHUNK)
        if not _looks_like_xml(first):
            return  # an image or other binary part: mammoth does not parse it
        chunk = first
        try:
            while chunk:
                tally.xml_bytes += len(chunk)
                if tally.xml_bytes > MAX_XML_BYTES:
                    raise TooMuchWork(
                        f"its XML would unpack to more than {MAX_XML_BYTES // 2**20} MiB "
                        f"(passed in {info.filename}); converting it would need several GB "
                        "of memory"
                    )
                parser.Parse(chunk, False)
                chunk = stream.read(CHUNK)
            parser.Parse(b"", True)
        except expat.ExpatError:
            # Malformed XML: mammoth's own parser stops at the same place (and says so) or
            # never reads this member; either way no more work than counted so far.
            return


def _looks_like_xml(head: bytes) -> bool:
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        head = head.removeprefix(bom)
    return head.lstrip(b" \t\r\n\x00").startswith(b"<")
