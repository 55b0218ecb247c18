"""The woonservicegebied building blocks: every investment type declared once (DOMAIN.md §3, §4).

A :class:`Block` says everything about one investment type: its scenario keys and their bounds, its dose
(the key whose size the effect and the per-unit cost follow, and the value at which it does nothing), the
layer it owns and the rule by which it changes the layers of its cells, the mechanisms that read those
layers, its price per cell and payer (as in ``scenarios/wsg_full.yaml``), its en/nl label and help text with
the evidence, and, for the four types the workshop app offers, its lever. ``BLOCKS`` is the registry, in the
order of the scenario schema.

Everything else reads it: the neighbourhood layers and ``KernelLayers`` (``sim.model.neighbourhoods``), the
scenario schema and its one-line errors (``sim.model.scenario``), the investment cost and its payer
(``sim.model.neighbourhoods.investment_cost``, the ledger ``sim.analysis.ledger``), the app's levers and cost
preview (``sim.workshop.appcache``), the ODD table and the table of scenarios/README.md (``python -m sim.docs``).

A new investment type: one ``Block`` here, the mechanism that reads its layer (``L.<kernel field>`` in
``sim/model/mechanisms/``) and its test (tests/test_blocks.py checks every registered type generically).

The public API (stable): ``BLOCKS``, ``block(type)``, ``TYPES``, ``dose(inv)``, ``PAYERS``, ``lever_blocks()``,
``priced_investment(block, cells, n_cells, start_year, source, value)``, ``label(type, lang)``,
``help_text(type, lang)``, ``block_layers()``, ``WSG_GROUPS``, ``Key.expected_range()``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from sim.model.indicators import INVESTMENT_PAYERS as PAYERS

NEAR, WALKING, FAR = 0, 1, 2   # distance classes to daily shops and to meeting places
REQUIRED = "required"          # the default of a key a scenario must give
MAX_PER_CELL = 1_000_000       # dwellings, places or team hours per cell and month: more than a cell's inhabitants
# The six building blocks of a woonservicegebied (DOMAIN.md §3) on the maps: the `wsg` layer is the share of
# them present at a positive dose in a cell. They only describe a cell; every effect comes from a type's rule.
WSG_GROUPS = ("dwellings", "meeting place", "service or health centre", "care team hours", "care on call",
              "carer support or respite")


@dataclass(frozen=True)
class Key:
    """A scenario key of an investment type: ``kind`` "int", "number" or "choice", bounds ``lo``..``hi``
    (``lo_open``: strictly above ``lo``), ``options`` of a choice, ``default`` (REQUIRED: must be given)."""
    name: str
    kind: str
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    options: tuple = ()
    default: object = REQUIRED
    meaning: str = ""

    def expected_range(self) -> str:
        """The range as scenarios/README.md writes it."""
        if self.kind == "choice":
            return ", ".join(f"`{o}`" for o in self.options)
        lo, hi = (f"{v:,g}" if abs(v) < 1e5 else f"{v:,.0f}" for v in (self.lo, self.hi))
        return f"> {lo}, ≤ {hi}" if self.lo_open else f"{lo} … {hi}"


@dataclass(frozen=True)
class Layer:
    """A neighbourhood layer a block owns (only investments change it): dtype, meaning, its value where no
    investment is, and ``kernel``: its field in ``KernelLayers`` (None: the kernel reads it derived)."""
    name: str
    dtype: type
    meaning: str
    base: float = 0
    kernel: str | None = None


@dataclass(frozen=True)
class Price:
    """The cost form per cell (``one_off``/``yearly``: euros per cell; ``*_per_unit``: per unit of dose per
    cell), as ``scenarios/wsg_full.yaml`` prices the type; ``by_use``: the tariff parameter at which care
    the type adds is billed by use (hours per month), when it is."""
    payer: str
    source: str
    one_off: float = 0.0
    yearly: float = 0.0
    one_off_per_unit: float = 0.0
    yearly_per_unit: float = 0.0
    lifetime_years: int = 1
    by_use: str | None = None


@dataclass(frozen=True)
class Lever:
    """The app's control for a block: ``name`` (the app's control and help key), ``field`` (of
    ``sim.workshop.appcache.Levers``), label (en, nl), range and step of a slider, or ``choices`` of a select
    (0: as in the scenario)."""
    name: str
    field: str
    label: tuple[str, str]
    lo: float = 0
    hi: float = 0
    step: float = 1
    choices: tuple = ()


@dataclass(frozen=True)
class Block:
    """One investment type (see the module docstring)."""
    type: str
    summary: str                           # what it is (en), for the tables
    keys: tuple[Key, ...]
    dose: str | None                       # the dose key; None: present or absent (dose 1)
    no_effect: float                       # the dose at which it does nothing
    rule: Callable                         # rule(inv, layers, idx, params): changes the layers of cells idx
    sets: tuple[str, ...]                  # the layers the rule changes (its own and the map's)
    effect: str                            # the rule in words (ODD)
    downstream: str                        # what it changes downstream, with its effect parameters (ODD)
    reads: tuple[str, ...]                 # the mechanisms that read what it changes
    price: Price
    label: tuple[str, str]                 # en, nl
    help: tuple[str, str]                  # what it does and the evidence, en, nl
    wsg_group: int | None = None           # index in WSG_GROUPS (None: not one of the six on the maps)
    typical: float | None = None           # a typical dose per cell: wsg_full.yaml's (None: present or absent)
    layers: tuple[Layer, ...] = ()         # layers it owns
    lever: Lever | None = None


# ---- the rules: what one investment does to the layers of its cells (DOMAIN.md §3); each effect follows the
# dose, and the size per unit of dose is a parameter (``p``)

def _meeting_place(inv, layers, idx, p):
    layers["meeting_distance"][idx] = NEAR
    layers["activities"][idx] = 1


def _service_centre(inv, layers, idx, p):
    layers["shops_distance"][idx] = NEAR
    layers["meeting_distance"][idx] = np.minimum(layers["meeting_distance"][idx], WALKING)


def _present(layer):
    def rule(inv, layers, idx, p):
        layers[layer][idx] = 1
    return rule


def _at_least(layer, key):
    def rule(inv, layers, idx, p):
        layers[layer][idx] = np.maximum(layers[layer][idx], float(inv[key]))
    return rule


def _public_space(inv, layers, idx, p):
    level = 2 if inv.get("level", "wheelchair") == "wheelchair" else 1
    layers["public_space"][idx] = np.maximum(layers["public_space"][idx], level)


def _team_hours(inv, layers, idx, p):
    layers["team_hours_month"][idx] += float(inv["hours_per_month"])


def _on_call(inv, layers, idx, p):
    layers["alarm_response_minutes"][idx] = np.minimum(layers["alarm_response_minutes"][idx],
                                                       float(inv["response_minutes"]))


def _carer_support(inv, layers, idx, p):
    # the programme's intended relief (its dose) times how much of it the evidence lets us expect
    relief = float(inv["strain_relief"]) * p.carer_support_effect
    layers["carer_support"][idx] = np.maximum(layers["carer_support"][idx], relief)


def _respite(inv, layers, idx, p):
    # access saturates at 1
    layers["respite_access"][idx] = np.minimum(
        1.0, layers["respite_access"][idx] + p.respite_access_per_place * float(inv["places"]))


def _stock_only(inv, layers, idx, p):
    """Dwellings join the free stock once, in the start year (``Neighbourhoods.add_dwellings_starting``)."""


BLOCKS: tuple[Block, ...] = (
    Block(
        type="adapted_dwellings",
        summary="dwellings made suitable (step-free or wheelchair), per cell",
        keys=(Key("number", "int", 0, MAX_PER_CELL, meaning="dwellings made suitable, per cell"),
              Key("kind", "choice", options=("step_free", "wheelchair"), default="step_free",
                  meaning="step-free (nultrede) or wheelchair-accessible")),
        dose="number",
        no_effect=0.0,
        typical=7,
        rule=_stock_only,
        sets=(),
        effect="`number` free units of `kind` per cell join the stock in the start year",
        downstream="moves → falls, decline",
        reads=("mechanisms/housing.py",),
        price=Price("housing_association", "assumption: about EUR 25,000 to make an existing dwelling step-free "
                    "(conversion, not new build), used for about 30 years", one_off_per_unit=25_000, lifetime_years=30),
        label=("adapted dwellings", "aangepaste woningen"),
        help=("Step-free, adapted dwellings older people can move to. Evidence: adapting dwellings lowers home "
              "care (de Kam 2012), but in Hengelo few of 58 such dwellings reached the target group. "
              "EUR 25,000 each, one-off, paid by the housing association.",
              "Nultredenwoningen waar ouderen heen kunnen verhuizen. Bewijs: aanpassen van woningen verlaagt "
              "thuiszorg (de Kam 2012), maar in Hengelo bereikten weinig van 58 zulke woningen de doelgroep. "
              "EUR 25.000 per woning, eenmalig, betaald door de woningcorporatie."),
        wsg_group=0,
        lever=Lever("dwellings", "adapted_dwellings", ("extra adapted dwellings per neighbourhood",
                                                       "extra aangepaste woningen per buurt"), 0, 20, 1),
    ),
    Block(
        type="home_adaptation_programme",
        summary="a programme adapting the homes of eligible residents",
        keys=(Key("uptake_per_year", "number", 0, 1, default=0.25,
                  meaning="share of eligible residents at home adapted per year"),),
        dose="uptake_per_year",
        no_effect=0.0,
        typical=0.25,
        rule=_at_least("adaptation_uptake", "uptake_per_year"),
        sets=("adaptation_uptake",),
        effect="adaptation uptake = max(current, `uptake_per_year`)",
        downstream="adaptations → falls (`fall_rr_adapted*`), decline (`decline_dwelling_adapted`)",
        reads=("mechanisms/housing.py",),
        price=Price("municipality", "costed by use: each adaptation at tariff_adaptation (Wmo); no programme cost "
                    "on top, so nothing is counted twice"),
        label=("home adaptation programme", "woningaanpassingsprogramma"),
        help=("Adapts the homes of residents who need it (grab bars, a stairlift): fewer falls, slower decline. "
              "Evidence: adapted dwellings lower falls and home care (de Kam 2012). Each adaptation is billed by "
              "use at the Wmo tariff.",
              "Past de woningen aan van bewoners die het nodig hebben (beugels, traplift): minder vallen, trager "
              "achteruitgaan. Bewijs: aangepaste woningen verlagen vallen en thuiszorg (de Kam 2012). Elke "
              "aanpassing wordt naar gebruik gedeclareerd tegen het Wmo-tarief."),
        wsg_group=0,
        layers=(Layer("adaptation_uptake", float,
                      "home-adaptation programme: share of eligible residents adapted per year", 0.0, "uptake"),),
    ),
    Block(
        type="meeting_place",
        summary="a place for meeting and activities",
        keys=(),
        dose=None,
        no_effect=0.0,
        rule=_meeting_place,
        sets=("meeting_distance", "activities"),
        effect="meeting place within 100 m; activities",
        downstream="network (`network_meeting_gain`), damped well-being loss (`wellbeing_activities_damping`)",
        reads=("mechanisms/wellbeing.py", "mechanisms/decline.py"),
        price=Price("municipality", "Hengelo Berflo Es: about EUR 370,000 start funding for ten projects (DOMAIN.md "
                    "§3), spread over 10 years (assumption); yearly: assumption: rent and a half-time welfare worker",
                    one_off=4_625, yearly=7_500, lifetime_years=10),
        lever=Lever("meeting", "meeting_place", ("meeting place in each neighbourhood (0 = none)",
                                                     "ontmoetingsplek in elke buurt (0 = geen)"), 0, 1, 1),
        label=("meeting place", "ontmoetingsplek"),
        help=("A place to meet, with organised activities: a stronger network and a slower loss of well-being. "
              "Evidence: Hengelo Berflo Es funded ten such projects (DOMAIN.md §3); Rotterdam found no effect on "
              "quality of life (2016).",
              "Een plek om elkaar te ontmoeten, met activiteiten: een sterker netwerk en minder verlies van welzijn. "
              "Bewijs: Hengelo Berflo Es financierde tien zulke projecten (DOMAIN.md §3); Rotterdam vond geen "
              "effect op kwaliteit van leven (2016)."),
        wsg_group=1,
        layers=(Layer("activities", int,
                      "organised activities at a meeting place of an investment (damping of well-being loss)",
                      0, "activities"),),
    ),
    Block(
        type="service_centre",
        summary="a neighbourhood service centre",
        keys=(),
        dose=None,
        no_effect=0.0,
        rule=_service_centre,
        sets=("shops_distance", "meeting_distance"),
        effect="shops within 100 m; meeting place at least within 1,000 m",
        downstream="facility score (`decline_facilities`)",
        reads=("mechanisms/decline.py",),
        price=Price("municipality", "assumption: EUR 400,000 to fit out a neighbourhood service centre in an existing "
                    "building (used 15 years), EUR 150,000 a year to run it", one_off=50_000, yearly=18_750,
                    lifetime_years=15),
        label=("service centre", "dienstencentrum"),
        help=("Daily shops and services close by: a better facility score, slower decline. Evidence: facilities "
              "nearby are part of a woonservicegebied's hardware (DOMAIN.md §3).",
              "Dagelijkse winkels en diensten dichtbij: betere voorzieningen, trager achteruitgaan. Bewijs: "
              "voorzieningen dichtbij horen bij de hardware van een woonservicegebied (DOMAIN.md §3)."),
        wsg_group=2,
    ),
    Block(
        type="health_centre",
        summary="GP, pharmacy and integrated care team",
        keys=(),
        dose=None,
        no_effect=0.0,
        rule=_present("health_centre"),
        sets=("health_centre",),
        effect="health centre present",
        downstream="facility score",
        reads=("mechanisms/decline.py",),
        price=Price("housing_association", "assumption: EUR 1.6 million for the building of a health centre (GP, "
                    "pharmacy, care team) by a housing association, used 40 years", one_off=200_000, lifetime_years=40),
        label=("health centre", "gezondheidscentrum"),
        help=("A GP, pharmacy and care team in the neighbourhood: a better facility score, slower decline. "
              "Evidence: part of a woonservicegebied's hardware (DOMAIN.md §3).",
              "Huisarts, apotheek en zorgteam in de buurt: betere voorzieningen, trager achteruitgaan. Bewijs: "
              "hoort bij de hardware van een woonservicegebied (DOMAIN.md §3)."),
        wsg_group=2,
    ),
    Block(
        type="accessible_public_space",
        summary="public space usable with a rollator or a wheelchair",
        keys=(Key("level", "choice", options=("rollator", "wheelchair"), default="wheelchair",
                  meaning="public space usable with a rollator or a wheelchair"),),
        dose=None,
        no_effect=0.0,
        rule=_public_space,
        sets=("public_space",),
        effect="public space usable with a wheelchair (or a rollator, by `level`)",
        downstream="facility score",
        reads=("mechanisms/decline.py",),
        price=Price("municipality", "assumption: EUR 80,000 a cell of about 1,000 inhabitants for lowered kerbs, "
                    "even pavements, benches and crossings, lasting 25 years; EUR 2,000 a year upkeep",
                    one_off=80_000, yearly=2_000, lifetime_years=25),
        label=("accessible public space", "toegankelijke openbare ruimte"),
        help=("Lowered kerbs, even pavements, benches: a better facility score, slower decline. Evidence: part of "
              "a woonservicegebied's hardware (DOMAIN.md §3); the cost is an assumption.",
              "Verlaagde stoepranden, egale stoepen, bankjes: betere voorzieningen, trager achteruitgaan. Bewijs: "
              "hoort bij de hardware van een woonservicegebied (DOMAIN.md §3); de kosten zijn een aanname."),
    ),
    Block(
        type="care_team_hours",
        summary="extra neighbourhood care team hours",
        keys=(Key("hours_per_month", "number", 0, MAX_PER_CELL,
                  meaning="extra neighbourhood care team hours per cell per month"),),
        dose="hours_per_month",
        no_effect=0.0,
        typical=40.0,
        rule=_team_hours,
        sets=("team_hours_month",),
        effect="team capacity + `hours_per_month`",
        downstream="supply ratio, unmet need",
        reads=("model.py", "mechanisms/care.py"),
        price=Price("care_insurer", "costed by use: extra team hours are billed at tariff_nursing_hour / "
                    "tariff_home_care_hour when delivered, not charged a second time as an investment",
                    by_use="tariff_nursing_hour"),
        label=("district nursing hours (wijkverpleging)", "uren wijkverpleging"),
        help=("Extra wijkverpleging (district nursing, Zvw) in the area: more care delivered, less unmet need. "
              "Evidence: integrated neighbourhood teams in the experimental areas (de Kam 2012); Rotterdam found no "
              "effect on quality of life (2016). EUR 75 an hour, paid by the health insurer.",
              "Extra wijkverpleging (Zvw) in het gebied: meer geleverde zorg, minder onvervulde vraag. Bewijs: "
              "geïntegreerde buurtteams in de proefgebieden (de Kam 2012); Rotterdam vond geen effect op kwaliteit "
              "van leven (2016). EUR 75 per uur, betaald door de zorgverzekeraar."),
        wsg_group=3,
        lever=Lever("team", "care_team_hours", ("extra district nursing hours per neighbourhood per month",
                                                "extra uren wijkverpleging per buurt per maand"), 0, 100, 5),
    ),
    Block(
        type="care_on_call",
        summary="home care on call",
        keys=(Key("response_minutes", "number", 0, 120, lo_open=True, default=10.0,
                  meaning="home care on call within this many minutes"),),
        dose=None,
        no_effect=0.0,
        rule=_on_call,
        sets=("alarm_response_minutes",),
        effect="alarm response = min(current, `response_minutes`)",
        downstream="calls answered in time, crises (`crisis_if_late`)",
        reads=("mechanisms/events.py",),
        price=Price("care_insurer", "assumption: a 24/7 on-call nurse for the area, about 5.5 FTE at EUR 65,000 = "
                    "EUR 360,000 a year for 8 cells", yearly=45_000),
        label=("home care on call", "zorg op afroep"),
        help=("Home care on call within this many minutes after an alarm. Evidence: VV3 clients sometimes need "
              "help within 10 minutes, 20-30 minutes is the usual norm (RIGO). EUR 45,000 a neighbourhood a year, "
              "paid by the health insurer.",
              "Zorg op afroep binnen zoveel minuten na een alarm. Bewijs: VV3-cliënten hebben soms binnen 10 "
              "minuten hulp nodig, 20-30 minuten is de gebruikelijke norm (RIGO). EUR 45.000 per buurt per jaar, "
              "betaald door de zorgverzekeraar."),
        wsg_group=4,
        lever=Lever("alarm", "alarm_minutes",
                    ("alarm response (home care on call)", "opvolging alarm (zorg op afroep)"),
                    choices=(0, 5, 10, 15, 20, 30)),
    ),
    Block(
        type="carer_support",
        summary="support for informal carers",
        keys=(Key("strain_relief", "number", 0, 1, default=0.3, meaning="relief of informal carers' strain"),),
        dose="strain_relief",
        no_effect=0.0,
        typical=0.3,
        rule=_carer_support,
        sets=("carer_support",),
        effect="carer support = max(current, `strain_relief` × `carer_support_effect`)",
        downstream="carer strain",
        reads=("mechanisms/carers.py",),
        price=Price("municipality", "assumption: a mantelzorg consultant at 0.2 FTE per 1,000 inhabitants plus "
                    "activities, EUR 15,000 a year per 1,000 inhabitants at an intended relief of 0.3",
                    yearly_per_unit=50_000),
        label=("carer support (mantelzorg)", "mantelzorgondersteuning"),
        help=("Support for mantelzorgers (informal carers): the share of strain relieved. Evidence: support for "
              "carers is a software block of a woonservicegebied (DOMAIN.md §3); the size of the relief is an "
              "assumption. EUR 50,000 × relief a neighbourhood a year, paid by the municipality (Wmo).",
              "Mantelzorgondersteuning: het deel van de belasting dat wegvalt. Bewijs: steun voor mantelzorgers "
              "hoort bij de software van een woonservicegebied (DOMAIN.md §3); de omvang is een aanname. "
              "EUR 50.000 × ontlasting per buurt per jaar, betaald door de gemeente (Wmo)."),
        wsg_group=5,
        layers=(Layer("carer_support", float, "relative reduction of carer strain by carer support (0..1)",
                      0.0, "carer_support"),),
        lever=Lever("carer", "carer_support", ("carer support: strain relief (0 = none)",
                                               "mantelzorgondersteuning: ontlasting (0 = geen)"), 0.0, 1.0, 0.1),
    ),
    Block(
        type="respite_places",
        summary="respite places",
        keys=(Key("places", "int", 0, MAX_PER_CELL, meaning="respite places per cell"),),
        dose="places",
        no_effect=0.0,
        typical=1,
        rule=_respite,
        sets=("respite_access",),
        effect="respite access + `respite_access_per_place` × `places`, at most 1",
        downstream="respite hours, strain (`strain_respite_relief`)",
        reads=("mechanisms/carers.py",),
        price=Price("municipality", "costed by use: the respite hours carers get are billed at tariff_respite_hour; "
                    "no place cost on top"),
        label=("respite places", "respijtplaatsen"),
        help=("Places where a strained carer can hand over care for a while: more respite, less strain. Evidence: "
              "respite is Wmo support (DOMAIN.md §1); the hours are billed by use at the respite tariff.",
              "Plekken waar een overbelaste mantelzorger de zorg even kan overdragen: meer respijt, minder "
              "belasting. Bewijs: respijtzorg is Wmo-ondersteuning (DOMAIN.md §1); de uren worden naar gebruik "
              "gedeclareerd."),
        wsg_group=5,
    ),
    Block(
        type="transport_service",
        summary="transport service for older residents",
        keys=(),
        dose=None,
        no_effect=0.0,
        rule=_present("transport_service"),
        sets=("transport_service",),
        effect="transport service present",
        downstream="facility score",
        reads=("mechanisms/decline.py",),
        price=Price("municipality", "assumption: Wmo door-to-door transport for older residents, EUR 20,000 a year "
                    "per 1,000 inhabitants", yearly=20_000),
        label=("transport service", "vervoersdienst"),
        help=("Door-to-door transport for older residents: a better facility score, slower decline. Evidence: Wmo "
              "transport (DOMAIN.md §1); the cost is an assumption.",
              "Deur-tot-deurvervoer voor ouderen: betere voorzieningen, trager achteruitgaan. Bewijs: Wmo-vervoer "
              "(DOMAIN.md §1); de kosten zijn een aanname."),
    ),
    Block(
        type="adaptation_advice",
        summary="advice on adapting the dwelling",
        keys=(),
        dose=None,
        no_effect=0.0,
        rule=_present("adaptation_advice"),
        sets=("adaptation_advice",),
        effect="advice present",
        downstream="adaptations (`adaptation_advice_effect`)",
        reads=("mechanisms/housing.py",),
        price=Price("municipality", "assumption: a half-time home adaptation adviser for the area, EUR 40,000 a year "
                    "for 8 cells", yearly=5_000),
        label=("adaptation advice", "woonadvies"),
        help=("An adviser on adapting the dwelling: more adaptations, fewer falls. Evidence: adapted dwellings "
              "lower falls and home care (de Kam 2012); the adviser's effect is a parameter with a source or prior.",
              "Een adviseur voor het aanpassen van de woning: meer aanpassingen, minder vallen. Bewijs: aangepaste "
              "woningen verlagen vallen en thuiszorg (de Kam 2012)."),
        layers=(Layer("adaptation_advice", int, "advice on adapting the dwelling", 0, "advice"),),
    ),
    Block(
        type="housing_broker",
        summary="a senior housing broker (seniorenmakelaar)",
        keys=(Key("moves_multiplier", "number", 1, 20, default=3.0,
                  meaning="multiplies moves to a suitable dwelling (seniorenmakelaar)"),),
        dose="moves_multiplier",
        no_effect=1.0,
        typical=3.0,
        rule=_at_least("broker_multiplier", "moves_multiplier"),
        sets=("broker_multiplier",),
        effect="broker multiplier = max(current, `moves_multiplier`)",
        downstream="moves into adapted dwellings",
        reads=("mechanisms/housing.py",),
        price=Price("housing_association", "assumption: a half-time senior housing broker (seniorenmakelaar) for the "
                    "area, EUR 40,000 a year for 8 cells", yearly=5_000),
        label=("senior housing broker", "seniorenmakelaar"),
        help=("Helps older residents move on to a suitable dwelling. Evidence: moving on is hard without such help; "
              "elsewhere seniorenmakelaars help (Hengelo, DOMAIN.md §3).",
              "Helpt ouderen doorstromen naar een geschikte woning. Bewijs: doorstromen is moeilijk zonder zulke "
              "hulp; elders helpen seniorenmakelaars (Hengelo, DOMAIN.md §3)."),
        layers=(Layer("broker_multiplier", float,
                      "multiplier of moves into adapted dwellings (senior housing broker)", 1.0, "broker"),),
    ),
    Block(
        type="housing_association_signalling",
        summary="housing-association visits that pick up signals",
        keys=(Key("visits_per_year", "number", 0, 12, default=2.0,
                  meaning="housing association visits per household per year that pick up signals"),),
        dose="visits_per_year",
        no_effect=0.0,
        typical=2.0,
        rule=_at_least("visits_per_year", "visits_per_year"),
        sets=("visits_per_year",),
        effect="visits per year = max(current, `visits_per_year`)",
        downstream="adaptations (`adaptation_signalling_effect`), hospital admissions and indications (signalling)",
        reads=("mechanisms/housing.py", "mechanisms/access.py", "mechanisms/events.py", "mechanisms/packages.py"),
        price=Price("housing_association", "assumption: training and referral time of housing association staff, "
                    "EUR 2,000 a year per 1,000 inhabitants at two visits a year", yearly_per_unit=1_000),
        label=("housing-association signalling", "signalering door de woningcorporatie"),
        help=("Housing association staff pick up signals on their visits: earlier adaptations and indications, "
              "fewer hospital admissions. Evidence: housing associations visit a household about twice a year "
              "(DOMAIN.md §4); fewer hospital admissions (de Kam 2012).",
              "Medewerkers van de corporatie vangen signalen op bij hun bezoeken: eerder aanpassen en indiceren, "
              "minder ziekenhuisopnamen. Bewijs: corporaties komen ongeveer twee keer per jaar bij een huishouden "
              "(DOMAIN.md §4); minder ziekenhuisopnamen (de Kam 2012)."),
        layers=(Layer("visits_per_year", float,
                      "housing-association visits per household per year used for signalling", 0.0, "visits"),),
    ),
    Block(
        type="neighbourhood_team_signalling",
        summary="the wijkteam detects problems early",
        keys=(),
        dose=None,
        no_effect=0.0,
        rule=_present("team_signalling"),
        sets=("team_signalling",),
        effect="team signalling present",
        downstream="hospital admissions (`hospital_signalling_reduction`), indications",
        reads=("mechanisms/events.py", "mechanisms/packages.py"),
        price=Price("municipality", "assumption: outreach time of the wijkteam, about 0.15 FTE per 1,000 inhabitants, "
                    "EUR 10,000 a year per 1,000 inhabitants", yearly=10_000),
        label=("neighbourhood team signalling", "signalering door het wijkteam"),
        help=("The wijkteam looks out for residents whose need grows: earlier indications, fewer hospital "
              "admissions. Evidence: fewer hospital admissions in the experimental areas (de Kam 2012).",
              "Het wijkteam let op bewoners wier zorgvraag groeit: eerder indiceren, minder ziekenhuisopnamen. "
              "Bewijs: minder ziekenhuisopnamen in de proefgebieden (de Kam 2012)."),
        layers=(Layer("team_signalling", int, "a neighbourhood team that signals problems early"),),
    ),
)

_BY_TYPE = {b.type: b for b in BLOCKS}
TYPES = tuple(_BY_TYPE)


def block(kind: str) -> Block:
    """The declaration of investment type ``kind`` (KeyError for an unknown type)."""
    return _BY_TYPE[kind]


def block_layers() -> tuple[Layer, ...]:
    """Every layer the blocks own, in registry order."""
    return tuple(layer for b in BLOCKS for layer in b.layers)


def lever_blocks() -> tuple[Block, ...]:
    """The blocks the app offers as levers, in registry order (read their ``lever``, ``label``, ``help``)."""
    return tuple(b for b in BLOCKS if b.lever is not None)


def label(kind: str, lang: str = "en") -> str:
    """The type's name in ``lang`` ("en" or "nl")."""
    return block(kind).label[lang == "nl"]


def help_text(kind: str, lang: str = "en") -> str:
    """What the type does and what the evidence says, in ``lang`` ("en" or "nl")."""
    return block(kind).help[lang == "nl"]


# ---- dose and the levers' investments (their cost: sim.model.neighbourhoods.investment_cost)

def dose(inv: dict) -> float:
    """The investment's dose per cell above its no-effect value (1 for a type that is present or absent)."""
    b = block(inv["type"])
    return 1.0 if b.dose is None else float(inv[b.dose]) - b.no_effect


def priced_investment(b: Block, cells, n_cells: int, start_year: int, source: str, value=None) -> dict:
    """An investment of type ``b`` on ``cells`` (``n_cells`` of them), e.g. the one an app lever adds, with
    ``value`` for its dose key (or its first number key; None: the key's default, or ``b.typical``), priced per
    cell as ``b.price``: fixed amounts times the cells, per-unit amounts as they are (they follow the dose and
    the cells by themselves)."""
    inv = {"type": b.type, "cells": cells, "start_year": start_year}
    key = b.dose or next((k.name for k in b.keys if k.kind != "choice"), None)
    if key is not None:
        k = block_key(b, key)
        value = value if value is not None else k.default if k.default != REQUIRED else b.typical
        inv[key] = int(value) if k.kind == "int" else float(value)
    pr = b.price
    cost = {"payer": pr.payer, "source": source}
    for name in ("one_off", "yearly"):
        if getattr(pr, name):
            cost[name] = float(getattr(pr, name)) * n_cells
    for name in ("one_off_per_unit", "yearly_per_unit"):
        if getattr(pr, name):
            cost[name] = float(getattr(pr, name))
    if pr.lifetime_years > 1:
        cost["lifetime_years"] = pr.lifetime_years
    return {**inv, "cost": cost}


def block_key(b: Block, name: str) -> Key:
    """The block's scenario key ``name``."""
    return next(k for k in b.keys if k.name == name)
