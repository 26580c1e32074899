"""Read gettext catalogues (.po) to check them: every message translated, .mo in step."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: list[str] = field(default_factory=list)
    fuzzy: bool = False

    @property
    def translated(self) -> bool:
        return not self.fuzzy and bool(self.msgstr) and all(self.msgstr)


def _unquote(text: str) -> str:
    body = text.strip()[1:-1]
    return body.replace('\\"', '"').replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\")


def read_po(path: Path) -> list[Entry]:
    """The catalogue's entries, header and obsolete (#~) entries left out."""
    entries: list[Entry] = []
    entry, key = Entry(), None

    def flush() -> None:
        nonlocal entry, key
        if entry.msgid:
            entries.append(entry)
        entry, key = Entry(), None

    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("#,"):
            entry.fuzzy = entry.fuzzy or "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            key, entry.msgctxt = "msgctxt", _unquote(line[8:])
        elif line.startswith("msgid_plural "):
            key, entry.msgid_plural = "msgid_plural", _unquote(line[13:])
        elif line.startswith("msgid "):
            if entry.msgid or entry.msgstr:
                flush()
            key, entry.msgid = "msgid", _unquote(line[6:])
        elif line.startswith("msgstr"):
            key = "msgstr"
            entry.msgstr.append(_unquote(line.split(" ", 1)[1]))
        elif line.startswith('"') and key:
            more = _unquote(line)
            if key == "msgstr":
                entry.msgstr[-1] += more
            elif key == "msgctxt":
                entry.msgctxt = (entry.msgctxt or "") + more
            else:
                setattr(entry, key, getattr(entry, key) + more)
    return entries


def untranslated(path: Path) -> list[str]:
    return [e.msgid for e in read_po(path) if not e.translated]
