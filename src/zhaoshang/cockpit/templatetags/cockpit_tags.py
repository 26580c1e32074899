"""`{% chain_options as chains %}`: the industrial chains as (code, name in the reader's
language), for the chain filter of the cockpit and the ledger (the ledger's `chain`
parameter reads the code: `projects.queries.LedgerParams`)."""

from django import template

from zhaoshang.chains.models import Chain
from zhaoshang.cockpit.queries import chain_name

register = template.Library()


@register.simple_tag
def chain_options() -> list[tuple[str, str]]:
    return [(c.code, chain_name(c)) for c in Chain.objects.order_by("order", "code")]
