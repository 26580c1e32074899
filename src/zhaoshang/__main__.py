"""The `zhaoshang` command: a thin front over the project's management commands.

`zhaoshang [--data-dir DIR] COMMAND [ARGS]`. `--data-dir` may come anywhere on the
line; it sets ZHAOSHANG_DATA_DIR before Django reads its settings, so every
command finds the database the same way.
"""

from __future__ import annotations

import os
import sys

# Django's own commands a user of this product needs, with our one-line help.
DJANGO_COMMANDS = {
    "migrate": "Apply database migrations (the demo and serve commands do it for you)",
    "createsuperuser": "Create a Django superuser (prefer `zhaoshang demo` users or the admin)",
    "changepassword": "Change a user's password",
    "dbshell": "Open the database's own shell",
    "shell": "Python shell with the project loaded",
    "check": "Check the installation: data folder, file modes, WAL, DEBUG, secret key",
}


def _absolute(path: str) -> str:
    """Absolute, without following links: the settings resolve it, and a path they cannot
    resolve (a symlink loop) becomes their one-line data-folder error, not a traceback."""
    return os.path.abspath(os.path.expanduser(path))


def _take_data_dir(argv: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--data-dir":
            if i + 1 >= len(argv):
                sys.exit("zhaoshang: --data-dir needs a folder")
            os.environ["ZHAOSHANG_DATA_DIR"] = _absolute(argv[i + 1])
            i += 2
            continue
        if arg.startswith("--data-dir="):
            os.environ["ZHAOSHANG_DATA_DIR"] = _absolute(arg.split("=", 1)[1])
        else:
            out.append(arg)
        i += 1
    return out


def _our_commands() -> dict[str, str]:
    """Name -> first line of help, for the management commands of zhaoshang's apps."""
    from django.core.management import get_commands, load_command_class

    found: dict[str, str] = {}
    for name, app in sorted(get_commands().items()):
        if not app.startswith("zhaoshang"):
            continue
        help_text = load_command_class(app, name).help or ""
        found[name] = help_text.strip().splitlines()[0] if help_text.strip() else ""
    return found


def _print_help() -> None:
    lines = [
        "usage: zhaoshang [--data-dir DIR] COMMAND [ARGS...]",
        "",
        "招商 · 重大项目平台 / Major projects and industrial-chain investment platform.",
        "Every command finds its database the same way: --data-dir DIR, else",
        "$ZHAOSHANG_DATA_DIR, else ~/.local/share/zhaoshang; DATABASE_URL selects PostgreSQL.",
        "",
        "commands:",
    ]
    commands = {**_our_commands(), **DJANGO_COMMANDS}
    width = max(len(n) for n in commands) + 2
    for name, text in sorted(commands.items()):
        lines.append(f"  {name.ljust(width)}{text}")
    lines += ["", "`zhaoshang COMMAND --help` shows a command's options."]
    print("\n".join(lines))


def main(argv: list[str] | None = None) -> None:
    args = _take_data_dir(list(sys.argv[1:] if argv is None else argv))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
    from zhaoshang.lib.env import DataDirError, EnvError

    try:
        import django

        django.setup()
    except DataDirError as exc:
        sys.exit(f"zhaoshang: {exc}")
    except EnvError as exc:
        sys.exit(f"zhaoshang: bad setting: {exc}")
    if not args or args[0] in {"-h", "--help", "help"}:
        _print_help()
        return
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["zhaoshang", *_with_database_checks(args)])
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader went away (`zhaoshang estimates | head`): stop quietly, as Unix tools
        # do; stdout goes to devnull so that Python's own flush at exit does not fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(141)  # 128 + SIGPIPE, what a shell reports for a tool killed by it


def _with_database_checks(args: list[str]) -> list[str]:
    """`zhaoshang check` also runs the checks that need the database (WAL mode, unapplied
    migrations: see core/checks.py); Django's `check` runs them only with `--database`."""
    if args[0] != "check" or any(a == "--database" or a.startswith("--database=") for a in args):
        return args
    return [*args, "--database", "default"]


if __name__ == "__main__":
    main()
