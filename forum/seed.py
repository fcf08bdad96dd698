"""The default networks and themes, and a board for each theme in each network."""

from __future__ import annotations

from sqlalchemy import select

from forum.database import write_transaction
from forum.models import Board, Network, Theme


def N_(message: str) -> str:  # noqa: N802
    """Marks a name for the catalogues (pages translate it when shown); stored as written."""
    return message


# (slug, name, description); slugs are stable: URLs and expertise tags depend on them
THEMES: list[tuple[str, str, str]] = [
    ("confined-spaces", N_("Confined spaces"),
     N_("Tanks, silos, sewers, manholes: permits, atmospheric testing, ventilation and rescue.")),
    ("fire-safety", N_("Fire safety"),
     N_("Fire risk assessment, prevention, detection, evacuation and emergency planning.")),
    ("hazardous-work", N_("Hazardous work"),
     N_("Work at height, hot work, lone work and other high-risk tasks and their permits.")),
    ("chemical-safety", N_("Chemical safety"),
     N_("Safety data sheets, GHS labelling, exposure limits, storage and substitution.")),
    ("construction", N_("Construction"),
     N_("Scaffolding, excavations, cranes, site management and contractor safety.")),
    ("mining", N_("Mining"),
     N_("Underground and surface mining, ground control, dust, gas and emergency response.")),
    ("agriculture", N_("Agriculture"),
     N_("Pesticides, machinery, animals, heat stress and rural work.")),
    ("ergonomics", N_("Ergonomics"),
     N_("Manual handling, workstation design, repetitive strain and musculoskeletal disorders.")),
    ("occupational-health-services", N_("Occupational health services"),
     N_("Health surveillance, fitness for work, occupational disease and return to work.")),
    ("psychosocial-risks", N_("Psychosocial risks"),
     N_("Work-related stress, violence and harassment, working time and mental health.")),
    ("osh-management-systems", N_("OSH management systems"),
     N_("ISO 45001, ILO-OSH 2001, risk assessment, audits, worker participation.")),
    ("electrical-safety", N_("Electrical safety"),
     N_("Lockout/tagout, arc flash, safe isolation and electrical installations.")),
]  # fmt: skip

# (slug, short name, name, description)
NETWORKS: list[tuple[str, str, str, str]] = [
    ("ilo-global", N_("ILO Global OSH"), N_("ILO global OSH community"),
     N_("The International Labour Organization's worldwide community of OSH practitioners, "
     "labour inspectors and social partners.")),
    ("oic-oshnet", N_("OIC-OSHNET"), N_("OIC Occupational Safety and Health Network"),
     N_("The OIC Network for Occupational Safety and Health, coordinated by SESRIC, linking "
     "the OSH institutions of OIC member countries.")),
    ("asean-oshnet", N_("ASEAN-OSHNET"), N_("ASEAN Occupational Safety and Health Network"),
     N_("The ASEAN OSH Network of national OSH centres of the ASEAN member states.")),
]  # fmt: skip


def seed_reference_data() -> bool:
    """Create missing themes, networks and boards. Returns True when anything was added."""
    added = False
    with write_transaction() as session:
        themes = {theme.slug: theme for theme in session.scalars(select(Theme))}
        for position, (slug, name, description) in enumerate(THEMES):
            if slug not in themes:
                themes[slug] = Theme(
                    slug=slug, name=name, description=description, position=position
                )
                session.add(themes[slug])
                added = True
        networks = {network.slug: network for network in session.scalars(select(Network))}
        for position, (slug, short_name, name, description) in enumerate(NETWORKS):
            if slug not in networks:
                networks[slug] = Network(
                    slug=slug,
                    short_name=short_name,
                    name=name,
                    description=description,
                    position=position,
                )
                session.add(networks[slug])
                added = True
        session.flush()
        existing = {tuple(row) for row in session.execute(select(Board.network_id, Board.theme_id))}
        for slug, *_ in NETWORKS:
            network = networks[slug]
            for position, (theme_slug, *_) in enumerate(THEMES):
                theme = themes[theme_slug]
                if (network.id, theme.id) not in existing:
                    session.add(Board(network_id=network.id, theme_id=theme.id, position=position))
                    added = True
    return added
