#!/usr/bin/env python3
"""Update and compile the translation catalogues (needs GNU gettext: apt-get install gettext).

Apps that own a `locale/` folder (chains, clusters, ...) keep their own catalogue;
everything else (templates, core, projects, enterprises, api ...) is in
`src/zhaoshang/locale`. Message ids are English; Chinese (zh_Hans) is the
translation, and the default language.

    python scripts/messages.py            # makemessages + compilemessages everywhere
    python scripts/messages.py --check    # exit 1 if any message lacks a translation
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from zhaoshang.lib.pofile import untranslated

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "zhaoshang"

LANG = "zh_Hans"


def app_locales() -> list[Path]:
    return sorted(p.parent for p in PACKAGE.glob("*/locale") if p.is_dir())


def run(args: list[str], cwd: Path) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "zhaoshang.settings"}
    subprocess.run(
        [sys.executable, "-m", "django", *args],
        cwd=cwd,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="only report untranslated messages")
    args = parser.parse_args()
    apps = app_locales()
    if not args.check:
        ignores = [arg for app in apps for arg in ("-i", f"{app.name}/*")]
        for cwd, extra in [(PACKAGE, ignores)] + [(app, []) for app in apps]:
            run(["makemessages", "-l", LANG, "--no-location", "--no-obsolete", *extra], cwd)
            run(["compilemessages", "-l", LANG], cwd)
    bad = 0
    for po in sorted(PACKAGE.glob(f"**/locale/{LANG}/LC_MESSAGES/django.po")):
        missing = untranslated(po)
        for msgid in missing:
            print(f"{po.relative_to(PACKAGE)}: untranslated: {msgid}")
        bad += len(missing)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
