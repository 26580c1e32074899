"""`{% chain_progress chain as progress %}`: the chain map's section on who answers and the
chain's tasks, from the same read as the progress page (`tasks.chain_progress`)."""

from django import template

from zhaoshang.chains import tasks

register = template.Library()


@register.simple_tag
def chain_progress(chain):
    return tasks.chain_progress(chain)
