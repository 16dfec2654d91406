"""Tables of the cockpit database (SQLAlchemy 2 typed models).

Money is integer yuan (元): exact on SQLite, whose NUMERIC is a float, and on PostgreSQL alike.
Projects carry both county and city adcodes so that a region-scoped aggregate reads one
covering index instead of joining the region table.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    ForeignKeyConstraint,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# What a view of projects reads: the period, the lifecycle dates, the money and the columns its
# breakdowns group by. Placed after the leading region column of the covering indexes.
COVER_COLUMNS = (
    "signed_on", "terminated_on", "started_on", "production_on", "contract_yuan",
    "industry_code", "chain_link_id", "park_id", "quality_tags", "source_region",
)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Region(Base):
    __tablename__ = "region"

    adcode: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(32))
    short_name: Mapped[str] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(8))
    parent_adcode: Mapped[int | None] = mapped_column(ForeignKey("region.adcode"))
    label_lon: Mapped[float] = mapped_column(Float)
    label_lat: Mapped[float] = mapped_column(Float)
    sort_order: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint("level IN ('province', 'city', 'county')", name="level"),
        # Lets project (county, city) reference a real county-in-city pair.
        UniqueConstraint("adcode", "parent_adcode", name="uq_region_adcode_parent"),
    )


class Industry(Base):
    __tablename__ = "industry"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)
    short_name: Mapped[str] = mapped_column(String(16))
    sort_order: Mapped[int] = mapped_column(Integer)
    is_key: Mapped[bool] = mapped_column(Boolean)


class ChainLink(Base):
    __tablename__ = "chain_link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    industry_code: Mapped[str] = mapped_column(ForeignKey("industry.code"))
    stage: Mapped[str] = mapped_column(String(4))
    sort_order: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(32))
    is_weak: Mapped[bool] = mapped_column(Boolean, default=False)
    weak_note: Mapped[str | None] = mapped_column(String(64))
    anchor_firms: Mapped[str | None] = mapped_column(String(200))
    # Province plan target over the plan period; NULL where no plan sets one.
    target_contract_yuan: Mapped[int | None] = mapped_column(BigInteger)
    target_projects: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint("stage IN ('up', 'mid', 'down')", name="stage"),
        Index("uq_chain_link_industry_name", "industry_code", "name", unique=True),
    )


class Park(Base):
    __tablename__ = "park"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    short_name: Mapped[str] = mapped_column(String(32))
    county_adcode: Mapped[int] = mapped_column(ForeignKey("region.adcode"))
    level: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(16))
    is_platform: Mapped[bool] = mapped_column(Boolean, default=False)
    lead_industries: Mapped[str | None] = mapped_column(String(100))


class Enterprise(Base):
    __tablename__ = "enterprise"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    origin_province: Mapped[str] = mapped_column(String(16))
    origin_city: Mapped[str | None] = mapped_column(String(16))
    source_region: Mapped[str] = mapped_column(String(16))
    ownership: Mapped[str] = mapped_column(String(16))
    # Bit mask of vocab.QualityTag; 0 = not an 优强企业.
    quality_tags: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_enterprise_origin", "origin_city", "origin_province"),)


class Project(Base):
    __tablename__ = "project"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"))
    # The investor as the platform records it on the project at signing (投资方所在地, 来源区域,
    # 优强企业类型): a project keeps the origin and standing its investor had when it was signed.
    origin_province: Mapped[str] = mapped_column(String(16))
    origin_city: Mapped[str | None] = mapped_column(String(16))
    source_region: Mapped[str] = mapped_column(String(16))
    quality_tags: Mapped[int] = mapped_column(Integer, default=0)
    industry_code: Mapped[str] = mapped_column(ForeignKey("industry.code"))
    chain_link_id: Mapped[int | None] = mapped_column(ForeignKey("chain_link.id"))
    chain_action: Mapped[str | None] = mapped_column(String(4))
    # A newer label a project may carry beside its key industry, e.g. 新能源电池及材料.
    emerging_label: Mapped[str | None] = mapped_column(String(16))
    county_adcode: Mapped[int] = mapped_column(ForeignKey("region.adcode"))
    city_adcode: Mapped[int] = mapped_column(ForeignKey("region.adcode"))
    park_id: Mapped[int | None] = mapped_column(ForeignKey("park.id"))
    channel: Mapped[str] = mapped_column(String(16))
    contract_yuan: Mapped[int] = mapped_column(BigInteger)
    signed_on: Mapped[date] = mapped_column(Date)
    planned_start_on: Mapped[date | None] = mapped_column(Date)
    started_on: Mapped[date | None] = mapped_column(Date)
    planned_production_on: Mapped[date | None] = mapped_column(Date)
    production_on: Mapped[date | None] = mapped_column(Date)
    terminated_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8))
    is_industrial: Mapped[bool] = mapped_column(Boolean)
    expected_output_yuan: Mapped[int | None] = mapped_column(BigInteger)
    expected_jobs: Mapped[int | None] = mapped_column(Integer)
    expected_tax_yuan: Mapped[int | None] = mapped_column(BigInteger)
    responsible_unit: Mapped[str | None] = mapped_column(String(64))
    # When the platform last recorded progress on the project (更新日期), where it says; the
    # "no progress" warning reads it.
    updated_on: Mapped[date | None] = mapped_column(Date)
    # The header search's pinyin of the project's and its investor's names (data_access/search.py
    # search_key), filled by every writer of projects; NULL only on a bench's synthetic rows.
    search_key: Mapped[str | None] = mapped_column(String(1000))

    __table_args__ = (
        CheckConstraint("contract_yuan >= 0", name="contract_non_negative"),
        # The funnel is cumulative only if a project cannot produce before it starts.
        CheckConstraint(
            "production_on IS NULL OR (started_on IS NOT NULL AND started_on <= production_on)",
            name="production_after_start",
        ),
        CheckConstraint("started_on IS NULL OR started_on >= signed_on", name="start_after_signing"),
        CheckConstraint("chain_action IS NULL OR chain_action IN ('建链', '补链', '强链', '延链')", name="chain_action"),
        # city_adcode is the county's city, kept so by the database rather than by every loader.
        ForeignKeyConstraint(
            ["county_adcode", "city_adcode"], ["region.adcode", "region.parent_adcode"],
            name="fk_project_county_in_city",
        ),
        # Target of funding's (project, county, city) reference, which keeps funding's copy in step.
        UniqueConstraint("id", "county_adcode", "city_adcode", name="uq_project_id_region"),
        # Covering indexes led by the region column: every figure of a city's or county's view is
        # read from the index alone (scripts/bench.py and bench_views.py show why these).
        # PostgreSQL indexes hold no row id unless told; SQLite's always do.
        Index("ix_project_city_cover", "city_adcode", *COVER_COLUMNS, "county_adcode", postgresql_include=["id"]),
        Index("ix_project_county_cover", "county_adcode", *COVER_COLUMNS, postgresql_include=["id"]),
        Index("ix_project_signed_cover", *COVER_COLUMNS, "city_adcode", postgresql_include=["id"]),
        Index("ix_project_enterprise", "enterprise_id"),
        # The few terminated projects, whose money a region's 到位资金 leaves out.
        Index("ix_project_terminated", "terminated_on", "city_adcode", "county_adcode",
              sqlite_where=text("terminated_on IS NOT NULL"), postgresql_where=text("terminated_on IS NOT NULL"),
              postgresql_include=["id"]),
        # The search's pinyin keys by region: a city's or county's search reads its own keys from
        # the index, not the wide rows (a pinyin substring cannot seek a B-tree).
        Index("ix_project_search", "city_adcode", "county_adcode", "search_key"),
        # The lists' default order (largest contract first, ties by code): a province-wide list whose
        # rows are picked by a per-project test (到位资金: money in the period) reads its first page
        # in this order and stops, instead of testing and sorting every project.
        Index("ix_project_contract_order", "contract_yuan", "code"),
    )


class Funding(Base):
    """Money arriving for a project on a date (到位资金); any period's figure is a sum of these.

    The project's county and city are repeated here so a region's money is summed from one index;
    the composite foreign key cascades any correction of a project's place to its money.
    """

    __tablename__ = "funding"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(Integer)
    county_adcode: Mapped[int] = mapped_column(Integer)
    city_adcode: Mapped[int] = mapped_column(Integer)
    received_on: Mapped[date] = mapped_column(Date)
    amount_yuan: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (
        ForeignKeyConstraint(
            ["project_id", "county_adcode", "city_adcode"],
            ["project.id", "project.county_adcode", "project.city_adcode"],
            name="fk_funding_project_region", onupdate="CASCADE",
        ),
        Index("ix_funding_project_cover", "project_id", "received_on", "amount_yuan"),
        Index("ix_funding_city_cover", "city_adcode", "received_on", "county_adcode", "amount_yuan"),
        Index("ix_funding_county_cover", "county_adcode", "received_on", "amount_yuan"),
        Index("ix_funding_received_cover", "received_on", "city_adcode", "amount_yuan"),
    )


class FundingMonth(Base):
    """到位资金 summed per county and month, kept by triggers on funding (see rollup.py).

    A period's money is read from here for its whole months and from funding only for the days
    of a month it cuts, so a region's money costs a few hundred rows whatever the data's size.
    """

    __tablename__ = "funding_month"

    county_adcode: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    month: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)  # YYYYMM
    city_adcode: Mapped[int] = mapped_column(Integer)
    amount_yuan: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index("ix_funding_month_city", "city_adcode", "month", "county_adcode", "amount_yuan"),
                      Index("ix_funding_month_month", "month", "city_adcode", "county_adcode", "amount_yuan"))


class Visit(Base):
    """A visit by an investment-promotion team to an enterprise or a business association (拜访)."""

    __tablename__ = "visit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visited_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(12))
    team: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16))
    # The team's home county; NULL for the provincial team, counted at province level only.
    county_adcode: Mapped[int | None] = mapped_column(ForeignKey("region.adcode"))
    city_adcode: Mapped[int | None] = mapped_column(ForeignKey("region.adcode"))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"))
    association_name: Mapped[str | None] = mapped_column(String(64))
    # Where the visited party is, for the investor-origin filter.
    location_province: Mapped[str] = mapped_column(String(16))
    location_city: Mapped[str | None] = mapped_column(String(16))
    # The import's key for the row (the platform's record id, or a digest of its natural key), so
    # importing the same file again finds it; NULL for rows no import wrote (data_access/imports).
    source_key: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        CheckConstraint("kind IN ('enterprise', 'association')", name="kind"),
        Index("uq_visit_source_key", "source_key", unique=True),
        Index("ix_visit_date", "visited_on", "kind", "channel", "location_city"),
        Index("ix_visit_city", "city_adcode", "visited_on", "kind"),
        Index("ix_visit_county", "county_adcode", "visited_on", "kind"),
    )


class Inspection(Base):
    """An enterprise's site inspection in Guizhou (赴黔考察), hosted by a county."""

    __tablename__ = "inspection"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inspected_on: Mapped[date] = mapped_column(Date)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"))
    team: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16))
    county_adcode: Mapped[int | None] = mapped_column(ForeignKey("region.adcode"))
    city_adcode: Mapped[int | None] = mapped_column(ForeignKey("region.adcode"))
    source_key: Mapped[str | None] = mapped_column(String(64))  # as Visit.source_key

    __table_args__ = (
        Index("uq_inspection_source_key", "source_key", unique=True),
        Index("ix_inspection_date", "inspected_on", "channel"),
        Index("ix_inspection_city", "city_adcode", "inspected_on"),
        Index("ix_inspection_county", "county_adcode", "inspected_on"),
    )


class AnnualTarget(Base):
    __tablename__ = "annual_target"

    region_adcode: Mapped[int] = mapped_column(ForeignKey("region.adcode"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    contract_yuan: Mapped[int] = mapped_column(BigInteger)
    funds_yuan: Mapped[int] = mapped_column(BigInteger)
    projects: Mapped[int] = mapped_column(Integer)


class DatasetInfo(Base):
    """Facts about the loaded data, e.g. its cut-off date, shown in the cockpit header."""

    __tablename__ = "dataset_info"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


# Candidate visit counts are read per enterprise (data_access/chains.py); declared here, beside the
# tables of the chain page, so the Visit class above stays as the foundation defined it.
Index("ix_visit_enterprise", Visit.enterprise_id, Visit.visited_on)


class ChainLinkTarget(Base):
    """A plan's target for a chain link in a region (the province or a city) over the plan period.

    The province's row repeats chain_link.target_*; cities' rows share it out. A region without a
    row, or with NULL or 0, has no target for the link (data_access/chains.py says what follows).
    """

    __tablename__ = "chain_link_target"

    chain_link_id: Mapped[int] = mapped_column(ForeignKey("chain_link.id"), primary_key=True)
    region_adcode: Mapped[int] = mapped_column(ForeignKey("region.adcode"), primary_key=True)
    period_start: Mapped[date] = mapped_column(Date, primary_key=True)
    period_end: Mapped[date] = mapped_column(Date)
    target_contract_yuan: Mapped[int | None] = mapped_column(BigInteger)
    target_projects: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint("period_end > period_start", name="period"),
        CheckConstraint("target_contract_yuan IS NULL OR target_contract_yuan >= 0", name="contract_non_negative"),
        CheckConstraint("target_projects IS NULL OR target_projects >= 0", name="projects_non_negative"),
        Index("ix_chain_link_target_region", "region_adcode", "period_start"),
    )


class Lead(Base):
    """An enterprise in the target library (招商线索 / 目标企业库) for a chain link it could fill.

    Held by a county's team, or by the provincial team (county and city NULL), like visits; a
    signed lead points at the project it became.
    """

    __tablename__ = "lead"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"))
    chain_link_id: Mapped[int] = mapped_column(ForeignKey("chain_link.id"))
    county_adcode: Mapped[int | None] = mapped_column(ForeignKey("region.adcode"))
    city_adcode: Mapped[int | None] = mapped_column(ForeignKey("region.adcode"))
    stage: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(16))
    listed_on: Mapped[date] = mapped_column(Date)
    stage_on: Mapped[date] = mapped_column(Date)
    # 意向投资额 as the enterprise stated it; NULL where it has not said.
    intended_yuan: Mapped[int | None] = mapped_column(BigInteger)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"))
    source_key: Mapped[str | None] = mapped_column(String(64))  # as Visit.source_key

    __table_args__ = (
        CheckConstraint("stage IN ('线索', '在谈', '已签约')", name="stage"),
        Index("uq_lead_source_key", "source_key", unique=True),
        CheckConstraint("project_id IS NULL OR stage = '已签约'", name="project_when_signed"),
        CheckConstraint("stage_on >= listed_on", name="stage_after_listing"),
        Index("ix_lead_link", "chain_link_id", "city_adcode", "county_adcode", "stage"),
        Index("ix_lead_enterprise", "enterprise_id"),
    )


# ------------------------------------------------------------------ accounts (access.py, auth/)

class User(Base):
    """A person who signs in: one role and one region (the province, a city or a county).

    A user without a region sees nothing. password_hash is an argon2 hash, NULL where the user
    signs in only through single sign-on (or is a demo account of the demo database).
    """

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    region_adcode: Mapped[int | None] = mapped_column(ForeignKey("region.adcode"))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (
        CheckConstraint("role IN ('viewer', 'analyst', 'data_manager', 'admin')", name="role"),
    )


class DisplayToken(Base):
    """A read-only pass for a wall or a meeting-room screen, bound to a region (and a playlist).

    Only the token's SHA-256 is kept; the token itself is shown once, when it is made.
    """

    __tablename__ = "display_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    region_adcode: Mapped[int] = mapped_column(ForeignKey("region.adcode"))
    playlist: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)


class LoginSession(Base):
    """A signed-in browser (or a screen opened with a display token), kept on the server.

    The cookie holds a random token; only its SHA-256 is kept here, so ending a session here
    ends it everywhere, and a copied cookie is worth nothing after logout.
    """

    __tablename__ = "login_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    display_token_id: Mapped[int | None] = mapped_column(ForeignKey("display_token.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    address: Mapped[str | None] = mapped_column(String(45))

    __table_args__ = (
        CheckConstraint("(user_id IS NULL) <> (display_token_id IS NULL)", name="one_holder"),
        Index("ix_login_session_user", "user_id"),
        Index("ix_login_session_token", "display_token_id"),
    )


class AuditEvent(Base):
    """Who did what, when and from where: sign-ins, refusals, exports, imports, account changes."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    region_adcode: Mapped[int | None] = mapped_column(Integer)
    target: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(String(500))
    address: Mapped[str | None] = mapped_column(String(45))

    __table_args__ = (
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_actor", "actor", "action", "at"),
        Index("ix_audit_log_action", "action", "at"),
    )


# ------------------------------------------------------------------ imports and settings (wave 2)

class ImportBatch(Base):
    """One imported file (data_access/imports): who brought it in, what it was, what it changed.

    The SHA-256 names the file's bytes exactly; the counts are those the preview showed.
    A batch rolled back keeps its row, with when and by whom.
    """

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    file_name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(64))
    # The importer's region: rows outside it were refused, so a rollback stays inside it too.
    region_adcode: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    rows_total: Mapped[int] = mapped_column(Integer)
    inserted: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    rolled_back_at: Mapped[datetime | None] = mapped_column(DateTime)
    rolled_back_by: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (Index("ix_import_batch_kind", "kind", "created_at"),)


class ImportChange(Base):
    """A row an import inserted or updated, with its values before, so a rollback restores them."""

    __tablename__ = "import_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"))
    entity: Mapped[str] = mapped_column(String(32))          # table name
    entity_key: Mapped[str] = mapped_column(String(200))     # primary key, as JSON
    action: Mapped[str] = mapped_column(String(8))
    before: Mapped[str | None] = mapped_column(Text)         # the row before an update, as JSON

    __table_args__ = (
        CheckConstraint("action IN ('insert', 'update', 'delete')", name="action"),
        Index("ix_import_change_batch", "batch_id", "id"),
    )


class ImportUpload(Base):
    """A file uploaded for preview, kept until its import is confirmed (or for an hour), so the
    confirm step re-reads exactly the previewed bytes in whichever worker serves it."""

    __tablename__ = "import_upload"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    actor: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(200))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (Index("ix_import_upload_created", "created_at"),)


class AppSetting(Base):
    """A setting an admin changes in the cockpit (warning thresholds, ranking weights...).

    Absent keys take the default that the code declares beside each setting.
    """

    __tablename__ = "app_setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(64))


class Playlist(Base):
    """A wall's playlist (issue 13): an ordered list of cockpit states, each shown for its dwell time.

    `name` is the URL's segment (/wall/<name>) and what a display token binds to.
    """

    __tablename__ = "playlist"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(64))


class PlaylistItem(Base):
    """One state of a playlist: a cockpit URL (path and query, under the app's prefix) and its dwell."""

    __tablename__ = "playlist_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    playlist_id: Mapped[int] = mapped_column(ForeignKey("playlist.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    url: Mapped[str] = mapped_column(String(500))
    dwell_seconds: Mapped[int] = mapped_column(Integer)
    label: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (
        UniqueConstraint("playlist_id", "position", name="uq_playlist_item_position"),
        CheckConstraint("dwell_seconds BETWEEN 5 AND 3600", name="dwell"),
    )


class ProjectMonth(Base):
    """A cold view's figures per county and month, kept by triggers; rollup_project.py says what
    each `dim` holds ('t' the projects per county and signing month, 'i' per industry, 's' per
    source region, 'w' terminated projects' money, 'd'/'p' stage durations, 'e'/'a'/'n' visits
    and inspections) and when a period may be read from it (queries.settled)."""

    __tablename__ = "project_month"

    dim: Mapped[str] = mapped_column(String(1), primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)  # YYYYMM signed
    county_adcode: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[str] = mapped_column(String(16), primary_key=True)
    city_adcode: Mapped[int] = mapped_column(Integer)
    projects: Mapped[int] = mapped_column(Integer)
    contract_yuan: Mapped[int] = mapped_column(BigInteger)
    started: Mapped[int] = mapped_column(Integer)
    started_contract_yuan: Mapped[int] = mapped_column(BigInteger)
    producing: Mapped[int] = mapped_column(Integer)
    producing_contract_yuan: Mapped[int] = mapped_column(BigInteger)
    in_park: Mapped[int] = mapped_column(Integer)
    quality: Mapped[int] = mapped_column(Integer)
    funds_yuan: Mapped[int] = mapped_column(BigInteger)  # money received ('t' and 'w' rows)

    # The key leads with dim and month: a province's period is one contiguous range (SQLite keeps
    # the rows in key order, without a rowid); a city's is read through its own index.
    __table_args__ = (Index("ix_project_month_city", "city_adcode", "dim", "month"), {"sqlite_with_rowid": False})


# The latest lifecycle dates on record: whether a day is after all of them (the rollup's
# figures hold as of it) is read off these (queries.settled).
Index("ix_project_started", Project.started_on, sqlite_where=text("started_on IS NOT NULL"),
      postgresql_where=text("started_on IS NOT NULL"))
Index("ix_project_production", Project.production_on, sqlite_where=text("production_on IS NOT NULL"),
      postgresql_where=text("production_on IS NOT NULL"))
# The 签约未开工 projects by contract value: the largest stalled ones are the first few entries.
PIPELINE = "started_on IS NULL AND terminated_on IS NULL"
Index("ix_project_pipeline", Project.contract_yuan, Project.signed_on, Project.city_adcode, Project.county_adcode,
      sqlite_where=text(PIPELINE), postgresql_where=text(PIPELINE))
