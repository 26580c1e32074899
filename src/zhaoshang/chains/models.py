"""Industrial chains (产业链): nodes, enterprises and projects placed on them, chain leaders,
the facts the target score reads (products, stated cadence, supply links) and its weights."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ChainGroup(models.TextChoices):
    TRADITIONAL = "traditional", _("Traditional (传统产业链)")
    EMERGING = "emerging", _("Emerging (新兴产业链)")
    FUTURE = "future", _("Future (未来产业)")


class Chain(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    group = models.CharField(_("group"), max_length=12, choices=ChainGroup.choices)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    source = models.ForeignKey(
        "core.Source", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )

    class Meta:
        verbose_name = _("industrial chain")
        verbose_name_plural = _("industrial chains")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Position(models.TextChoices):
    UPSTREAM = "upstream", _("Upstream")
    MIDSTREAM = "midstream", _("Midstream")
    DOWNSTREAM = "downstream", _("Downstream")


class Node(models.Model):
    """A node (环节) of a chain: a place in its tree, what it makes, how firms describe it."""

    chain = models.ForeignKey(
        Chain, on_delete=models.CASCADE, related_name="nodes", verbose_name=_("chain")
    )
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    position = models.CharField(_("position"), max_length=10, choices=Position.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent node"),
    )
    description = models.TextField(_("description"), blank=True)
    products = models.JSONField(_("products"), default=list, blank=True)
    keywords = models.JSONField(
        _("keywords"),
        default=list,
        blank=True,
        help_text=_("Words and synonyms firms write in their business scope"),
    )
    industry_codes = models.JSONField(
        _("industry codes (GB/T 4754-2017)"), default=list, blank=True
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("chain node")
        verbose_name_plural = _("chain nodes")
        ordering = ["chain", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["chain", "code"], name="uniq_chain_node")]

    def __str__(self) -> str:
        return f"{self.chain.name} · {self.name}"


class Origin(models.TextChoices):
    AUTO = "auto", _("Automatic")
    MANUAL = "manual", _("By a person")


class PlacementBase(models.Model):
    """Shared by enterprise and project placements.

    `origin=auto` rows belong to the classifier and are replaced on every run; a person's
    decision (`origin=manual`: confirmed, added, or removed with `is_active=False`) is never
    touched by a run.
    """

    node = models.ForeignKey(Node, on_delete=models.CASCADE, verbose_name=_("node"))
    confidence = models.DecimalField(_("confidence"), max_digits=4, decimal_places=3)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    origin = models.CharField(
        _("origin"), max_length=6, choices=Origin.choices, default=Origin.AUTO
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Off when a person removed the placement")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        abstract = True


class Placement(PlacementBase):
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="chain_placements",
        verbose_name=_("enterprise"),
    )

    class Meta:
        verbose_name = _("enterprise placement")
        verbose_name_plural = _("enterprise placements")
        ordering = ["node", "-confidence"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "node"], name="uniq_enterprise_node")
        ]
        # covering the gap computation's read of every active placement (is_active, node,
        # enterprise) and the target ranking's read of the best fit on a few nodes
        indexes = [
            models.Index(
                fields=["is_active", "node", "enterprise", "confidence", "origin"],
                name="chains_plac_active_node_fit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.node}"


class ProjectPlacement(PlacementBase):
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="chain_placements",
        verbose_name=_("project"),
    )

    class Meta:
        verbose_name = _("project placement")
        verbose_name_plural = _("project placements")
        ordering = ["node", "-confidence"]
        constraints = [
            models.UniqueConstraint(fields=["project", "node"], name="uniq_project_node")
        ]
        indexes = [
            models.Index(fields=["is_active", "node", "project"], name="chains_proj_active_node")
        ]

    def __str__(self) -> str:
        return f"{self.project} → {self.node}"


class ChainLeader(models.Model):
    """A chain leader (链主) of one chain, on a node when it is known."""

    chain = models.ForeignKey(
        Chain, on_delete=models.CASCADE, related_name="leaders", verbose_name=_("chain")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="chain_leads",
        verbose_name=_("enterprise"),
    )
    node = models.ForeignKey(
        Node,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leaders",
        verbose_name=_("node"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    source = models.ForeignKey(
        "core.Source", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )

    class Meta:
        verbose_name = _("chain leader")
        verbose_name_plural = _("chain leaders")
        ordering = ["chain", "enterprise"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "enterprise"], name="uniq_chain_leader")
        ]

    def __str__(self) -> str:
        return f"{self.chain} · {self.enterprise}"


class EnterpriseProfile(models.Model):
    """What the chain work knows about an enterprise beyond the registry: its products (read
    by the classifier) and a reinvestment cadence stated by a source (ZF: every 15 months)."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="chain_profile",
        verbose_name=_("enterprise"),
    )
    products = models.TextField(_("products"), blank=True)
    stated_cadence_months = models.DecimalField(
        _("stated months between projects here"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
    )
    source = models.ForeignKey(
        "core.Source", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )
    is_synthetic = models.BooleanField(_("synthetic"), default=False)

    class Meta:
        verbose_name = _("enterprise chain profile")
        verbose_name_plural = _("enterprise chain profiles")

    def __str__(self) -> str:
        return str(self.enterprise)


class SupplyLink(models.Model):
    """A known supplier → customer relation between two enterprises."""

    supplier = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="supplies_to",
        verbose_name=_("supplier"),
    )
    customer = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="buys_from",
        verbose_name=_("customer"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    source = models.ForeignKey(
        "core.Source", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("source")
    )
    is_synthetic = models.BooleanField(_("synthetic"), default=False)

    class Meta:
        verbose_name = _("supply link")
        verbose_name_plural = _("supply links")
        constraints = [
            models.UniqueConstraint(fields=["supplier", "customer"], name="uniq_supply_link")
        ]

    def __str__(self) -> str:
        return f"{self.supplier} → {self.customer}"


class TargetWeights(models.Model):
    """The weights of the target score's parts. The row named `default` is used unless a
    caller passes its own."""

    name = models.CharField(_("name"), max_length=50, unique=True, default="default")
    fit = models.PositiveSmallIntegerField(_("fit to the node"), default=35)
    size = models.PositiveSmallIntegerField(_("size"), default=20)
    expansion = models.PositiveSmallIntegerField(_("expansion activity"), default=20)
    relationship = models.PositiveSmallIntegerField(_("existing relationship"), default=15)
    links = models.PositiveSmallIntegerField(_("links to local firms"), default=10)

    class Meta:
        verbose_name = _("target score weights")
        verbose_name_plural = _("target score weights")

    def __str__(self) -> str:
        return self.name

    def as_dict(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in WEIGHT_KEYS}


WEIGHT_KEYS = ("fit", "size", "expansion", "relationship", "links")


# --- who answers for a chain (链长制) and its tasks (强链、补链、延链) ------------------------


class OfficialRole(models.TextChoices):
    CHIEF = "chief", _("Chain chief (链长)")
    DEPUTY = "deputy", _("Deputy chain chief (副链长)")
    LEAD_BUREAU = "lead_bureau", _("Lead bureau / task force (牵头部门/专班)")


class ChainTracked(models.Model):
    """Bookkeeping of the chain's accountability records: never deleted (a removal sets
    `removed_at` and is recorded in the change history), a version for optimistic locking."""

    is_synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Invented demo data")
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        abstract = True


class ChainOfficial(ChainTracked):
    """A city leader answering for a chain (链长, 副链长) or the bureau / task force that
    leads its work (牵头部门/专班: `name` is the bureau)."""

    chain = models.ForeignKey(
        Chain, on_delete=models.CASCADE, related_name="officials", verbose_name=_("chain")
    )
    role = models.CharField(_("role"), max_length=12, choices=OfficialRole.choices)
    name = models.CharField(_("name"), max_length=60)
    title = models.CharField(_("title"), max_length=100, blank=True)
    unit = models.CharField(_("unit or bureau"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("chain official")
        verbose_name_plural = _("chain officials")
        ordering = ["chain", "role", "id"]

    def __str__(self) -> str:
        return f"{self.chain} · {self.get_role_display()}: {self.name}"


class TaskKind(models.TextChoices):
    STRENGTHEN = "strengthen", _("Strengthen (强链)")
    FILL = "fill", _("Fill a gap (补链)")
    EXTEND = "extend", _("Extend (延链)")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class ChainTask(ChainTracked):
    """A goal of a chain's work (强链、补链、延链), on one node when it has one, with an owner
    and a deadline; `target_count` makes it measurable when the goal counts something
    (firms on a node, projects signed) and `achieved_count` says how far it got."""

    chain = models.ForeignKey(
        Chain, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("chain")
    )
    node = models.ForeignKey(
        Node,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("node"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=TaskKind.choices)
    goal = models.CharField(_("goal"), max_length=300)
    target_count = models.PositiveIntegerField(_("target (count)"), null=True, blank=True)
    target_unit = models.CharField(_("counted in"), max_length=20, blank=True)
    achieved_count = models.PositiveIntegerField(_("achieved (count)"), null=True, blank=True)
    owner = models.CharField(_("owner (person or bureau)"), max_length=100)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("chain task")
        verbose_name_plural = _("chain tasks")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["deadline", "chain"], name="chains_task_deadline")]

    def __str__(self) -> str:
        return f"{self.chain} · {self.goal}"


class ChainTaskNote(models.Model):
    """A dated progress note on a task; notes are added, never edited."""

    task = models.ForeignKey(
        ChainTask, on_delete=models.CASCADE, related_name="notes", verbose_name=_("task")
    )
    on = models.DateField(_("date"))
    text = models.CharField(_("progress"), max_length=500)
    is_synthetic = models.BooleanField(_("synthetic"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("task progress note")
        verbose_name_plural = _("task progress notes")
        ordering = ["task", "-on", "-id"]

    def __str__(self) -> str:
        return f"{self.on} {self.text[:40]}"


class TaskThresholds(models.Model):
    """When a chain task's light turns: amber from `amber_days` before its deadline, red from
    `red_days` after it. The row named `default` is used (defaults while there is none)."""

    name = models.CharField(_("name"), max_length=50, unique=True, default="default")
    amber_days = models.PositiveSmallIntegerField(
        _("amber from (days before deadline)"), default=30
    )
    red_days = models.PositiveSmallIntegerField(_("red from (days after deadline)"), default=1)

    class Meta:
        verbose_name = _("chain task light thresholds")
        verbose_name_plural = _("chain task light thresholds")

    def __str__(self) -> str:
        return self.name
