"""`zhaoshang intel add FILE --source URL --date 2023-01-31`: store an article for review."""

from __future__ import annotations

import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from zhaoshang.core.errors import InputError, NotAllowed
from zhaoshang.intel import services
from zhaoshang.intel.models import Article, CandidateStatus
from zhaoshang.lib.extract.files import MAX_BYTES


class Command(BaseCommand):
    help = "Store news articles for review (add) and list them (list)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="store an article (.txt, .docx, .html; '-' for stdin)")
        add.add_argument("file", metavar="FILE")
        add.add_argument("--source", default="", help="web address or where it came from")
        add.add_argument("--date", default="", help="publication date, e.g. 2023-01-31")
        add.add_argument("--title", default="", help="title (default: the first line)")
        add.add_argument(
            "--user", default="", help="who adds it (default: the first administrator)"
        )
        sub.add_parser("list", help="list stored articles with their open candidates")

    def handle(self, *args, **options):
        if options["action"] == "list":
            for a in Article.objects.order_by("-added_at")[:200]:
                pending = a.candidates.filter(status=CandidateStatus.PENDING).count()
                self.stdout.write(
                    f"{a.pk:>5}  {a.added_at:%Y-%m-%d}  {pending:>3} 待审 / to review  {a.title}"
                )
            return
        user = self._user(options["user"])
        name = options["file"]
        try:
            if name == "-":
                data = sys.stdin.buffer.read(MAX_BYTES + 1)
            else:
                with open(name, "rb") as fh:
                    data = fh.read(MAX_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"{name}: {exc.strerror or exc}") from None
        try:
            article, created = services.add_article(
                user=user,
                data=data,
                file_name="stdin.txt" if name == "-" else name,
                source_url=options["source"],
                published_on=options["date"] or None,
                title=options["title"],
            )
        except InputError as exc:
            raise CommandError(
                "; ".join(f"{field}: {m}" for field, msgs in exc.fields.items() for m in msgs)
            ) from None
        except NotAllowed as exc:
            raise CommandError(str(exc)) from None
        candidates = article.candidates.all()
        if created:
            self.stdout.write(
                f"已保存文章 {article.pk} / stored article {article.pk}: {article.title} "
                f"({len(article.amounts)} amounts, {candidates.count()} candidates)"
            )
        else:
            self.stdout.write(
                f"文章已存在，未重复保存 / already stored as article {article.pk}: {article.title}"
            )
        for c in candidates:
            self.stdout.write(f"  [{c.get_kind_display()}] {c.name[:60]}  {c.get_status_display()}")

    def _user(self, username: str):
        User = get_user_model()
        if username:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f'没有用户“{username}” / no user "{username}"')
            return user
        user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError(
                "没有管理员账号，请用 --user 指定 / no administrator: name one with --user"
            )
        return user
