from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from zhaoshang.core.models import ApiToken


class Command(BaseCommand):
    help = "Create, list or revoke API tokens (zhaoshang token create USERNAME)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="issue a new token; printed alone on the last line")
        create.add_argument("username")
        create.add_argument("--name", default="", help="what the token is for")
        listing = sub.add_parser("list", help="list a user's tokens (prefixes only)")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="revoke a token by its prefix")
        revoke.add_argument("prefix")

    def _user(self, username):
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"没有用户 “{username}” / No user named {username!r}") from None

    def handle(self, *args, **options):
        action = options["action"]
        if action == "create":
            user = self._user(options["username"])
            _token, key = ApiToken.issue(user, name=options["name"])
            self.stdout.write(
                f"已为 {user.username} 创建令牌，只显示这一次 / "
                f"Token for {user.username}, shown only once "
                f"(Authorization: Bearer …):"
            )
            self.stdout.write(key)
        elif action == "list":
            user = self._user(options["username"])
            for t in user.api_tokens.order_by("created_at"):
                state = "revoked" if t.revoked else "active"
                used = t.last_used_at.isoformat() if t.last_used_at else "-"
                self.stdout.write(
                    f"{t.prefix}…\t{state}\t{t.created_at:%Y-%m-%d}\t{used}\t{t.name}"
                )
        else:
            n = ApiToken.objects.filter(prefix=options["prefix"], revoked=False).update(
                revoked=True
            )
            if not n:
                raise CommandError(
                    f"没有这个令牌 / No active token with prefix {options['prefix']!r}"
                )
            self.stdout.write(f"已吊销 / Revoked {n}")
