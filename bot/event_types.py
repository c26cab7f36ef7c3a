"""The event types a filter can name: ACLED's taxonomy plus sitrep's Disaster category."""

from __future__ import annotations

EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": ("Sexual violence", "Attack", "Abduction/forced disappearance"),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
    "Disaster": ("Natural disaster", "Man-made disaster"),
}

_SHORT = {
    "battle": "Battles",
    "clashes": "Armed clash",
    "clash": "Armed clash",
    "explosions": "Explosions/Remote violence",
    "remote violence": "Explosions/Remote violence",
    "airstrike": "Air/drone strike",
    "airstrikes": "Air/drone strike",
    "air strike": "Air/drone strike",
    "drone strike": "Air/drone strike",
    "shelling": "Shelling/artillery/missile attack",
    "missile": "Shelling/artillery/missile attack",
    "ied": "Remote explosive/landmine/IED",
    "landmine": "Remote explosive/landmine/IED",
    "violence against civilians": "Violence against civilians",
    "abduction": "Abduction/forced disappearance",
    "kidnapping": "Abduction/forced disappearance",
    "protest": "Protests",
    "riot": "Riots",
    "disasters": "Disaster",
    "strategic": "Strategic developments",
    "arrest": "Arrests",
    "looting": "Looting/property destruction",
}


def _aliases() -> dict[str, str]:
    table: dict[str, str] = {}
    for event_type, subs in EVENT_TYPES.items():
        table[event_type.lower()] = event_type
        for sub in subs:
            if sub != "Other":  # "Other" alone would be ambiguous in a filter
                table[sub.lower()] = sub
    table.update(_SHORT)
    return table


TYPE_ALIASES: dict[str, str] = _aliases()
