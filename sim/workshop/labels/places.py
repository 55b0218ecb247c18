"""Place and scenario names for the room: the generated neighbourhood names ('Noord 2') and the Dutch
descriptions of the project's scenarios."""
from __future__ import annotations

# generated neighbourhood names: the grid in a 3 x 3 compass, in Dutch (place names stay Dutch in English)
COMPASS = (("Zuidwest", "Zuid", "Zuidoost"), ("West", "Centrum", "Oost"), ("Noordwest", "Noord", "Noordoost"))


def district_of(x: int, y: int, width: int, height: int) -> str:
    """The compass district of cell (x, y) (y grows northwards, as the maps are drawn)."""
    return COMPASS[min(3 * y // height, 2)][min(3 * x // width, 2)]


def neighbourhood_names(width: int, height: int) -> dict[tuple[int, int], str]:
    """(x, y) -> a name such as 'Noord 2': the compass district and a number within it (west to east,
    south to north), so the room can say 'Noord 2' instead of '4,8'."""
    names, count = {}, {}
    for y in range(height):
        for x in range(width):
            d = district_of(x, y, width, height)
            count[d] = count.get(d, 0) + 1
            names[(x, y)] = f"{d} {count[d]}"
    return names


def cell_names(scenario: dict) -> dict[tuple[int, int], str]:
    """(x, y) -> the name of a resolved scenario's cell: a real municipality's wijk names (CBS, cell [k, 0] is its
    k-th wijk; a name twice gets its code), else the generated names ('Noord 2')."""
    grid = scenario["municipality"]["grid"]
    code = scenario["municipality"].get("code")
    if not code:
        return neighbourhood_names(grid["width"], grid["height"])
    from sim.model.municipality_layout import place
    table = place(code).table()
    names = list(table.name)
    return {(k, 0): (n if names.count(n) == 1 else f"{n} ({c})") for k, (n, c) in enumerate(zip(names, table.code))}


def districts(width: int, height: int) -> dict[str, list[list[int]]]:
    """district name -> its cells, in the compass order."""
    out = {name: [] for row in reversed(COMPASS) for name in row}
    for y in range(height):
        for x in range(width):
            out[district_of(x, y, width, height)].append([x, y])
    return {k: v for k, v in out.items() if v}


# Dutch descriptions of the project's scenarios (a scenario file's ``description`` is English); by file name
SCENARIO_NL = {
    "baseline": "Hervorming zoals ingevoerd, gemeente van 100.000 inwoners met de Nederlandse leeftijdsopbouw, "
                "geen investeringen",
    "carer_support": "Mantelzorgondersteuning en respijtplaatsen in alle buurten vanaf 2016",
    "housing_broker": "Aangepaste woningen en een seniorenmakelaar in centrum vanaf 2016",
    "netherlands": "Nederland, 2013-2040, hervorming zoals ingevoerd, geen investeringen",
    "no_reform": "Tegenfeitelijk: regels van vóór 2013 blijven (geen extramuralisering)",
    "small": "Basisscenario verkleind voor snelle tests",
    "wsg_citywide": "Woonservicegebied: hardware en software in alle buurten vanaf 2016",
    "wsg_full": "Woonservicegebied: hardware en software in centrum vanaf 2016",
    "wsg_hardware": "Woonservicegebied: hardware (woningen, omgeving) in centrum vanaf 2016",
    "wsg_software": "Woonservicegebied: software (zorg en ondersteuning) in centrum vanaf 2016",
}


def describe_scenario(scenario: dict, lang: str) -> str:
    """What a resolved scenario is, in the room's language: its file's ``description_nl`` in Dutch, else the
    Dutch text above by file name, else its own description (or name)."""
    if lang == "nl" and scenario.get("description_nl"):
        return scenario["description_nl"]
    stem = str(scenario.get("_file") or scenario.get("name", "")).replace("\\", "/").rsplit("/", 1)[-1]
    stem = stem[:-5] if stem.endswith(".yaml") else scenario.get("name", stem)
    return scenario_description(stem, scenario.get("description", ""), lang)


def scenario_description(stem: str, description: str, lang: str) -> str:
    """What a scenario is, in the room's language: the Dutch text above or the file's own description."""
    base = stem.split(" + ")[0]
    return SCENARIO_NL.get(base, description) if lang == "nl" else (description or stem)

