"""Sample institutions for `forum seed-demo` and `forum serve --demo`: national OSH institutes,
inspectorates, social security bodies, a university and the social partners across the ILO's
global network, OIC-OSHNET and ASEAN-OSHNET, made through the institutions service as every
way in makes them; a few demo members affiliated (confirmed, one a manager).

Each institution is added once (found again by its name and country), so running the demo
again adds nothing.
"""

from __future__ import annotations

from sqlalchemy import select

from forum.database import write_transaction
from forum.extensions import db
from forum.models import Affiliation, AffiliationStatus, Institution, User
from forum.models._time import utcnow
from forum.models.institutions import search_key
from forum.services.institutions import InstitutionFields, create

ILO, OIC, ASEAN = "ilo-global", "oic-oshnet", "asean-oshnet"

INSTITUTIONS = [
    InstitutionFields(
        name="National Institute of Occupational Safety and Health",
        acronym="NIOSH",
        country="MY",
        kind="national_institute",
        other_names={
            "ar": "المعهد الوطني للسلامة والصحة المهنية",
            "fr": "Institut national de la sécurité et de la santé au travail",
        },
        website="https://www.niosh.com.my",
        description="Malaysia's national OSH institute, set up in 1992: training and "
        "certification of safety and health officers, **industrial hygiene laboratories**, "
        "research and consultancy. ASEAN-OSHNET and OIC-OSHNET focal point for Malaysia.",
        networks={ASEAN: "focal_point", OIC: "focal_point", ILO: "member"},
        capacities=[
            (
                "chemical-safety",
                "laboratory",
                "Accredited lab: respirable crystalline silica (NIOSH 7500), metals by ICP-MS",
            ),
            (
                "confined-spaces",
                "training",
                "Authorised entrant, standby person and supervisor courses (DOSH-recognised)",
            ),
            ("hazardous-work", "research", "Heat stress among plantation and construction workers"),
        ],
    ),
    InstitutionFields(
        name="Department of Occupational Safety and Health",
        acronym="DOSH",
        country="MY",
        kind="inspectorate",
        other_names={"fr": "Département de la sécurité et de la santé au travail"},
        website="https://www.dosh.gov.my",
        description="The labour inspectorate of Malaysia's Ministry of Human Resources: "
        "enforces the Occupational Safety and Health Act 1994 and the Factories and Machinery Act.",
        networks={ASEAN: "member"},
        capacities=[
            (
                "osh-management-systems",
                "inspection",
                "Inspection of factories and machinery, accident investigation",
            ),
            ("chemical-safety", "inspection", "CHRA (chemical health risk assessment) enforcement"),
        ],
    ),
    InstitutionFields(
        name="İş Sağlığı ve Güvenliği Genel Müdürlüğü",
        acronym="ISGGM",
        country="TR",
        kind="inspectorate",
        other_names={
            "en": "Directorate General of Occupational Health and Safety",
            "fr": "Direction générale de la santé et de la sécurité au travail",
        },
        website="https://www.csgb.gov.tr/isggm",
        description="Türkiye's directorate general for OSH in the Ministry of Labour and Social "
        "Security; runs the Occupational Health and Safety Research and Development Institute "
        "(İSGÜM) and its laboratories.",
        networks={OIC: "secretariat", ILO: "member"},
        capacities=[
            (
                "chemical-safety",
                "laboratory",
                "İSGÜM laboratories in Ankara, Istanbul and Kocaeli: dust, noise, chemicals",
            ),
            ("mining", "awareness", "National campaigns after Soma: mine safety awareness"),
        ],
    ),
    InstitutionFields(
        name="Balai Keselamatan dan Kesehatan Kerja",
        acronym="Balai K3",
        country="ID",
        kind="national_institute",
        other_names={"en": "Occupational Safety and Health Centre of Indonesia"},
        website="https://kemnaker.go.id",
        description="The Ministry of Manpower's OSH centre (K3): workplace environment "
        "testing, occupational health examinations and K3 expert training.",
        networks={ASEAN: "focal_point", OIC: "member"},
        capacities=[
            (
                "occupational-health-services",
                "laboratory",
                "Audiometry, spirometry and biological monitoring",
            ),
            ("fire-safety", "training", "Fire safety officer (Ahli K3 Kebakaran) courses"),
        ],
    ),
    InstitutionFields(
        name="Caisse de Sécurité Sociale du Sénégal",
        acronym="CSS",
        country="SN",
        kind="social_security",
        other_names={
            "en": "Social Security Fund of Senegal",
            "ar": "صندوق الضمان الاجتماعي السنغالي",
        },
        website="https://www.secusociale.sn",
        description="Manages employment injury and occupational disease insurance in Senegal; "
        "its prevention directorate advises enterprises and trains safety committees.",
        networks={OIC: "focal_point", ILO: "member"},
        capacities=[
            (
                "psychosocial-risks",
                "information",
                "Advice to enterprises on work-related stress prevention",
            ),
            (
                "construction",
                "training",
                "Formation des comités d'hygiène et de sécurité (CHS) du BTP",
            ),
        ],
    ),
    InstitutionFields(
        name="Office National de Médecine du Travail",
        acronym="ONMT",
        country="MR",
        kind="national_institute",
        other_names={
            "ar": "المكتب الوطني لطب الشغل",
            "en": "National Office of Occupational Medicine",
        },
        description="Occupational health services for enterprises in Mauritania: medical "
        "surveillance of workers, workplace visits, mining and fishing sectors.",
        networks={OIC: "member"},
        capacities=[
            (
                "occupational-health-services",
                "information",
                "Surveillance médicale des travailleurs des mines et de la pêche",
            ),
            ("mining", "research", "Silicosis screening among iron ore miners in Zouérat"),
        ],
    ),
    InstitutionFields(
        name="National Institute for Occupational Safety and Health",
        acronym="NIOSH Egypt",
        country="EG",
        kind="national_institute",
        other_names={"ar": "المعهد القومي للسلامة والصحة المهنية"},
        description="Egypt's national OSH institute under the Ministry of Labour: training, "
        "workplace measurements and research.",
        networks={OIC: "member", ILO: "member"},
        capacities=[
            ("chemical-safety", "laboratory", "Air sampling and analysis of solvents and metals"),
            ("hazardous-work", "training", "Safety officer diploma for industry"),
        ],
    ),
    InstitutionFields(
        name="Thailand Institute of Occupational Safety and Health",
        acronym="TOSHE",
        country="TH",
        kind="national_institute",
        website="https://www.tosh.or.th",
        description="Public organisation promoting OSH and the working environment in "
        "Thailand: research, training, testing and information.",
        networks={ASEAN: "member"},
        capacities=[
            ("electrical-safety", "training", "Electrical work safety for maintenance technicians"),
            (
                "ergonomics",
                "research",
                "Musculoskeletal disorders in the automotive parts industry",
            ),
        ],
    ),
    InstitutionFields(
        name="Workplace Safety and Health Institute",
        acronym="WSH Institute",
        country="SG",
        kind="research",
        website="https://www.wsh-institute.sg",
        description="Singapore's WSH research and knowledge centre, part of the Ministry of "
        "Manpower: research, national statistics and the WSH 2028 strategy.",
        networks={ASEAN: "member", ILO: "member"},
        capacities=[
            (
                "osh-management-systems",
                "research",
                "Total WSH: integrating health and safety at work",
            ),
            (
                "psychosocial-risks",
                "information",
                "Tripartite advisory on mental well-being at the workplace",
            ),
        ],
    ),
    InstitutionFields(
        name="Occupational Safety and Health Center",
        acronym="OSHC",
        country="PH",
        kind="national_institute",
        website="https://oshc.dole.gov.ph",
        description="The Philippines' OSH centre under the Department of Labor and "
        "Employment: training, research, laboratory services and information.",
        networks={ASEAN: "focal_point"},
        capacities=[
            (
                "construction",
                "training",
                "Basic OSH training for construction safety officers (DO 13)",
            ),
            (
                "chemical-safety",
                "laboratory",
                "Work environment measurement and toxicology laboratory",
            ),
        ],
    ),
    InstitutionFields(
        name="General Organization for Social Insurance",
        acronym="GOSI",
        country="SA",
        kind="social_security",
        other_names={"ar": "المؤسسة العامة للتأمينات الاجتماعية"},
        website="https://www.gosi.gov.sa",
        description="Saudi Arabia's social insurance body: occupational hazards insurance and "
        "its prevention programme.",
        networks={OIC: "member"},
        capacities=[
            ("construction", "awareness", "Heat stress campaign: midday work ban in summer")
        ],
    ),
    InstitutionFields(
        name="Universiti Putra Malaysia, Department of Environmental and Occupational Health",
        acronym="UPM",
        country="MY",
        kind="research",
        website="https://medic.upm.edu.my",
        description="Teaching and research in occupational health, industrial hygiene and "
        "ergonomics (MSc Occupational Safety and Health).",
        networks={ASEAN: "member"},
        capacities=[("agriculture", "research", "Pesticide exposure among paddy farmers")],
    ),
    InstitutionFields(
        name="Malaysian Trades Union Congress",
        acronym="MTUC",
        country="MY",
        kind="workers",
        website="https://www.mtuc.org.my",
        description="Malaysia's national trade union centre; its OSH unit trains union "
        "safety representatives.",
        networks={ILO: "member"},
        capacities=[
            ("hazardous-work", "training", "Safety representative courses for shop stewards")
        ],
    ),
    InstitutionFields(
        name="Conseil National du Patronat du Sénégal",
        acronym="CNP",
        country="SN",
        kind="employers",
        other_names={"en": "National Council of Employers of Senegal"},
        website="https://www.cnp.sn",
        description="Employers' organisation of Senegal; its OSH commission shares good "
        "practices among member enterprises.",
        networks={ILO: "member"},
        capacities=[("osh-management-systems", "awareness", "Guide ISO 45001 pour les PME")],
    ),
    InstitutionFields(
        name="International Labour Organization",
        acronym="ILO",
        country="CH",
        kind="international",
        other_names={
            "fr": "Organisation internationale du Travail",
            "es": "Organización Internacional del Trabajo",
            "ar": "منظمة العمل الدولية",
        },
        website="https://www.ilo.org",
        description="The UN agency for the world of work; its LABADMIN/OSH branch runs the "
        "global OSH network and the CIS centres.",
        networks={ILO: "secretariat"},
        capacities=[
            (
                "osh-management-systems",
                "information",
                "ILO-OSH 2001 guidelines, codes of practice, ICSC chemical safety cards",
            ),
            ("chemical-safety", "information", "International Chemical Safety Cards (ICSC)"),
        ],
    ),
]

# username: (institution's acronym and country, position, manager)
AFFILIATIONS = {
    "siti.nurhaliza": (("NIOSH", "MY"), "Senior trainer, confined spaces", True),
    "amina.rahman": (("DOSH", "MY"), "Assistant director, chemical safety", False),
    "fatou.diallo": (("CSS", "SN"), "Chargée de prévention", False),
}


def seed_demo_institutions() -> int:
    """Add the sample institutions not yet there and the demo members' affiliations; returns
    how many institutions were added."""
    known = {
        (name_key, country)
        for name_key, country in db.session.execute(
            select(Institution.name_key, Institution.country)
        )
    }
    added = 0
    for fields in INSTITUTIONS:
        if (search_key(fields.name), fields.country) not in known:
            create(None, fields)
            added += 1
    _affiliate()
    return added


def _affiliate() -> None:
    members = {
        user.username: user
        for user in db.session.scalars(select(User).where(User.username.in_(AFFILIATIONS)))
    }
    with write_transaction() as session:
        affiliated = set(
            session.scalars(
                select(Affiliation.user_id).where(
                    Affiliation.user_id.in_([m.id for m in members.values()])
                )
            )
        )
        for username, ((acronym, country), position, manager) in AFFILIATIONS.items():
            member = members.get(username)
            if member is None or member.id in affiliated:
                continue
            institution_id = session.scalar(
                select(Institution.id).where(
                    Institution.acronym == acronym, Institution.country == country
                )
            )
            if institution_id is None:
                continue
            session.add(
                Affiliation(
                    user_id=member.id,
                    institution_id=institution_id,
                    status=AffiliationStatus.confirmed,
                    is_manager=manager,
                    position=position,
                    confirmed_at=utcnow(),
                )
            )
