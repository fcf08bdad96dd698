"""Sample members and threads for `forum seed-demo` and `forum serve --demo`.

Written the way practitioners post: concrete workplaces, real standards, follow-up questions.
Demo accounts get random passwords; nobody can log in as them.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select

from forum.extensions import db
from forum.models import Board, Network, Theme, ThreadKind, User
from forum.services import accounts, experts, posting, profiles, qa

# username: (display name, institution, country, languages, claimed themes)
PROFILES = {
    "amina.rahman": ("Amina Rahman", "Department of Occupational Safety and Health", "MY",
                     ["en", "ms"], ["confined-spaces", "hazardous-work"]),
    "kemal_ozturk": ("Kemal Öztürk", "Municipal water utility", "TR", ["tr", "en"],
                     ["electrical-safety"]),
    "siti.nurhaliza": ("Siti Nurhaliza", "NIOSH Malaysia", "MY", ["ms", "en"],
                       ["confined-spaces", "chemical-safety"]),
    "jpmartin": ("Jean-Pierre Martin", "Labour inspectorate", "FR", ["fr", "en"],
                 ["chemical-safety", "construction"]),
    "fatou.diallo": ("Fatou Diallo", "Institut de santé au travail", "SN", ["fr", "wo"],
                     ["psychosocial-risks"]),
    "rashid.hse": ("Rashid Al-Amin", "Garment manufacturer", "BD", ["bn", "en"],
                   ["fire-safety", "osh-management-systems"]),
    "li.wei": ("Li Wei", "Mining safety consultancy", "CN", ["zh", "en"], ["mining"]),
    "mariam.benali": ("مريم بنعلي", "Office chérifien des phosphates", "MA", ["ar", "fr"],
                      ["confined-spaces", "chemical-safety"]),
    "lucia.gomez": ("Lucía Gómez", "Mutual de Seguridad", "CL", ["es", "en"], ["construction"]),
}  # fmt: skip
MEMBERS = list(PROFILES)
# (username, theme, network, note): vouched for by the forum's operators in the demo
VERIFIED = [
    ("siti.nurhaliza", "confined-spaces", "oic-oshnet", "Confined spaces entry and rescue trainer"),
    ("jpmartin", "chemical-safety", "ilo-global", "Labour inspector, chemical risk specialist"),
    ("li.wei", "mining", "ilo-global", "Mine ventilation engineer"),
]

# (network, theme, kind, author, title, body, [(author, reply), ...])
THREADS = [
    (
        "oic-oshnet",
        "confined-spaces",
        "question",
        "kemal_ozturk",
        "Gas testing sequence before entering a wastewater wet well",
        "We are writing a permit-to-work procedure for wet wells at a municipal wastewater "
        "plant. Our draft tests for **oxygen, flammables (LEL) and H2S**, in that order, at "
        "the top, middle and bottom of the well.\n\n"
        "1. Is that order still considered good practice?\n"
        "2. Should CO be on the list even if there are no combustion engines nearby?\n\n"
        "Our detectors are four-gas units calibrated monthly.",
        [
            (
                "siti.nurhaliza",
                "Yes: oxygen first (catalytic LEL sensors read wrongly in oxygen-poor air), then "
                "flammables, then toxics. Keep CO on the list: it appears from decomposing sludge "
                "and from pumps run on generators parked near the opening.\n\n"
                "Also **bump-test before each use**, not only the monthly calibration, and keep "
                "monitoring continuously while people are inside.",
            ),
            (
                "amina.rahman",
                "Agree with the above. We also require forced ventilation for at least ten "
                "minutes before the first test and a standby attendant who never enters. The ILO "
                "code of practice on safety in the use of chemicals is a good companion reference.",
            ),
        ],
    ),
    (
        "oic-oshnet",
        "fire-safety",
        "good_practice",
        "rashid.hse",
        "Monthly 5-minute evacuation drills by floor in a garment factory",
        "Instead of one yearly full evacuation we run a short drill on one floor each month, "
        "unannounced, with a stopwatch and two observers.\n\n"
        "- Evacuation time fell from 7 to under 3 minutes in a year.\n"
        "- Blocked exits are now found and cleared within the week.\n"
        "- Floor wardens rotate so every supervisor has led at least one drill.\n\n"
        "Happy to share our observer checklist.",
        [
            (
                "fatou.diallo",
                "Very useful. Did the unannounced drills disturb production "
                "targets, and how did you get management to accept that?",
            )
        ],
    ),
    (
        "ilo-global",
        "chemical-safety",
        "question",
        "fatou.diallo",
        "Safety data sheets only in English for a French-speaking workforce",
        "Our supplier sends SDS only in English. Workers in our plant in Senegal read French "
        "and Wolof. What do other institutes require, and is a translated summary card "
        "at the workstation enough?",
        [
            (
                "jpmartin",
                "Under GHS the SDS should be in the language of the country of use; ask the "
                "supplier for the French version first. A one-page workstation card (hazards, PPE, "
                "first aid, pictograms) is an excellent **complement**, not a replacement.",
            )
        ],
    ),
    (
        "ilo-global",
        "construction",
        "discussion",
        "jpmartin",
        "Heat stress on construction sites: shifting working hours",
        "Several members moved heavy work to early morning during heat waves. What thresholds "
        "(WBGT or heat index) do you use to trigger the change, and how do you handle "
        "piece-rate workers who lose pay?",
        [
            (
                "li.wei",
                "We use WBGT with work/rest cycles from ISO 7243 and pay a fixed "
                "heat-day allowance so that nobody keeps working to protect their income.",
            ),
            (
                "kemal_ozturk",
                "Water, shade and rest breaks written into the subcontract made the "
                "biggest difference for us.",
            ),
        ],
    ),
    (
        "ilo-global",
        "mining",
        "question",
        "li.wei",
        "Respirable crystalline silica monitoring frequency in small quarries",
        "For quarries with fewer than 20 workers, how often do you sample respirable "
        "crystalline silica? Our regulator asks for yearly sampling but levels vary a lot "
        "with wet or dry cutting.",
        [],
    ),
    (
        "oic-oshnet",
        "hazardous-work",
        "good_practice",
        "amina.rahman",
        "Hot work permit with a 60-minute fire watch after the job",
        "After a near miss (smouldering insulation found 40 minutes after welding), our "
        "permit now requires a fire watch for 60 minutes after hot work ends, and a final "
        "check signed by the area owner. Template attached in the next post.",
        [
            (
                "rashid.hse",
                "We had a very similar incident. We also photograph the area before "
                "and after, which helped during the investigation.",
            )
        ],
    ),
    (
        "oic-oshnet",
        "occupational-health-services",
        "question",
        "siti.nurhaliza",
        "Audiometric testing for workers exposed below 85 dB(A)",
        "Is it worth including workers exposed between 80 and 85 dB(A) in the annual "
        "audiometry programme? Budget is limited and we have about 300 workers.",
        [],
    ),
    (
        "ilo-global",
        "psychosocial-risks",
        "discussion",
        "fatou.diallo",
        "Applying ILO Convention 190 on violence and harassment in small enterprises",
        "How are small enterprises without an HR department putting C190 into practice? "
        "We are drafting simple guidance for employers with fewer than 10 workers.",
        [
            (
                "amina.rahman",
                "A one-page policy, a named contact person outside the line of "
                "management, and a short yearly conversation with each worker worked well for us.",
            )
        ],
    ),
    (
        "ilo-global",
        "osh-management-systems",
        "question",
        "rashid.hse",
        "Worker participation in risk assessment under ISO 45001",
        "Auditors asked for evidence of worker participation in hazard identification. "
        "Beyond signatures on the risk assessment, what evidence do you keep?",
        [],
    ),
    (
        "oic-oshnet",
        "electrical-safety",
        "good_practice",
        "kemal_ozturk",
        "Personal padlocks with photos for lockout/tagout",
        "Every maintenance worker now has personal padlocks labelled with their photo and "
        "phone number, and only they hold the key. Group lock boxes are used for larger "
        "isolations. Since then, no equipment has been re-energised while someone was still "
        "working on it.",
        [],
    ),
    (
        "oic-oshnet",
        "confined-spaces",
        "question",
        "mariam.benali",
        "ما هي خطوات الإنقاذ الآمن من الأماكن المغلقة؟",
        "نعمل على تحديث خطة الطوارئ لخزانات التخزين في مصنعنا. من يدخل لإنقاذ عامل فقد وعيه "
        "داخل الخزان؟ وما هي المعدات التي يجب أن تكون جاهزة عند المدخل قبل بدء العمل؟",
        [
            (
                "siti.nurhaliza",
                "Never send a second person in without breathing apparatus: most confined-space "
                "deaths are would-be rescuers. Keep a tripod, winch and harness at the entry "
                "before anyone goes in, so the attendant can pull the entrant out from outside.",
            ),
        ],
    ),
    (
        "ilo-global",
        "chemical-safety",
        "good_practice",
        "jpmartin",
        "Substitution des solvants chlorés dans les ateliers de dégraissage",
        "Dans les ateliers que nous inspectons, le remplacement du trichloréthylène par des "
        "lessives aqueuses a supprimé l'exposition aux vapeurs. Les pièces sèchent plus "
        "lentement, mais l'investissement dans un tunnel de séchage est vite amorti.",
        [("fatou.diallo", "Même constat au Sénégal : la substitution est la mesure la plus sûre.")],
    ),
    (
        "ilo-global",
        "construction",
        "question",
        "lucia.gomez",
        "¿Cómo organizar la inspección diaria de andamios en obras pequeñas?",
        "En las obras pequeñas no hay un responsable de andamios a tiempo completo. ¿Qué lista "
        "de verificación usan ustedes y quién firma la inspección antes de cada turno?",
        [],
    ),
]


def seed_demo_content() -> int:
    """Add the sample threads once, and the sample institutions not yet there (a demo made
    before institutions gets them too); returns how many threads were added."""
    from forum.demo_institutions import seed_demo_institutions

    added = _seed_members_and_threads()
    seed_demo_institutions()
    return added


def _seed_members_and_threads() -> int:
    if db.session.scalar(select(User.id).where(User.username_key == MEMBERS[0])):
        return 0
    members = {
        name: accounts.register(
            name,
            f"{name.replace('_', '.')}@example.org",
            secrets.token_urlsafe(24),
            confirmed=True,  # sample people: no confirmation mail to example.org
        )
        for name in MEMBERS
    }
    themes = {theme.slug: theme for theme in db.session.scalars(select(Theme))}
    networks = {network.slug: network for network in db.session.scalars(select(Network))}
    for name, (display, institution, country, languages, claims) in PROFILES.items():
        profiles.update_profile(
            members[name],
            profiles.ProfileChanges(
                display_name=display,
                institution=institution,
                country=country,
                languages=languages,
                bio="",
                network_ids={networks["ilo-global"].id, networks["oic-oshnet"].id},
                theme_ids={themes[slug].id for slug in claims},
            ),
        )
    for name, theme, network, note in VERIFIED:
        experts.verify_as_operator(members[name], themes[theme], networks[network], note)

    boards = {
        (board.network.slug, board.theme.slug): board
        for board in db.session.scalars(select(Board).join(Network).join(Theme))
    }
    for network, theme, kind, author, title, body, replies in THREADS:
        board = boards[(network, theme)]
        thread = posting.start_thread(members[author], board, ThreadKind(kind), title, body)
        posts = [posting.reply(members[who], thread, text) for who, text in replies]
        for post in posts:
            # the asker found every answer helpful, and the first one answered the question
            qa.vote(members[author], post)
        if posts and thread.kind == ThreadKind.question:
            qa.accept(members[author], posts[0])
    return len(THREADS)
