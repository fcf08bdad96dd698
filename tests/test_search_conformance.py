"""One conformance suite, two backends: Whoosh always, PostgreSQL full-text against the
PostgreSQL test database (CI's second run). Content goes in through the real services, so
the outbox and its drain are part of every test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import update

from forum import search
from forum.extensions import db
from forum.models import Post
from forum.models._time import utcnow
from forum.search import documents, outbox, results
from forum.services import browsing, experts, moderation, posting, qa
from tests.search_helpers import Forum


@pytest.fixture
def app_config(search_backend: str) -> dict[str, object]:
    return {"SEARCH_BACKEND": search_backend}


def test_stemming_finds_other_forms_of_a_word(forum: Forum) -> None:
    forum.thread("Blower for a sewer", "We were running the fan while ventilating the chamber.")
    assert forum.titles("run") == ["Blower for a sewer"]
    assert forum.titles("ventilation") == ["Blower for a sewer"]
    assert forum.titles("ventilated chambers") == ["Blower for a sewer"]


@pytest.mark.parametrize("acronym", ["CO", "UV", "H2S", "PPE"])
def test_short_acronyms_are_searchable(forum: Forum, acronym: str) -> None:
    forum.thread("Readings at the manhole", f"The {acronym} level was checked before entry.")
    forum.thread("Unrelated", "Nothing of the kind here.")
    assert forum.titles(acronym.lower()) == ["Readings at the manhole"]
    assert forum.titles(acronym) == ["Readings at the manhole"]


def test_every_word_must_match_somewhere_in_the_thread_post(forum: Forum) -> None:
    forum.thread("Confined space rescue plan", "Tripod and winch at the entry point.")
    forum.thread("Rescue from height", "Use a rescue kit with a pulley.")
    assert forum.titles("rescue winch") == ["Confined space rescue plan"]
    assert forum.titles("confined winch") == ["Confined space rescue plan"]  # title + body


def test_exact_phrases(forum: Forum) -> None:
    forum.thread("Heights", "Test the air at three heights: top, middle and bottom.")
    forum.thread("Other order", "The heights were three metres apart.")
    assert forum.titles('"three heights"') == ["Heights"]
    assert sorted(forum.titles("three heights")) == ["Heights", "Other order"]


def test_or_between_terms(forum: Forum) -> None:
    forum.thread("Blower sizing", "How big a blower?")
    forum.thread("Fan placement", "Where should the fan stand?")
    forum.thread("Harness", "Full body harness inspection.")
    assert sorted(forum.titles("blower OR fan")) == ["Blower sizing", "Fan placement"]


def test_exclusions(forum: Forum) -> None:
    forum.thread("Ventilation with a blower", "Forced ventilation.")
    forum.thread("Natural ventilation", "Open both manholes.")
    assert forum.titles("ventilation -blower") == ["Natural ventilation"]
    assert forum.titles('ventilation -"both manholes"') == ["Ventilation with a blower"]


def test_filters_by_theme_network_board_kind_and_author(forum: Forum) -> None:
    forum.thread("Extinguisher checks", "Monthly checks.", board="oic-oshnet/fire-safety")
    forum.thread("Extinguisher training", "Yearly checks.", board="asean-oshnet/fire-safety",
                 author="kemal", kind="good_practice")  # fmt: skip
    forum.thread("Tank checks", "Checks of the tank.", board="asean-oshnet/confined-spaces")
    assert sorted(forum.titles("checks theme:fire-safety")) == [
        "Extinguisher checks",
        "Extinguisher training",
    ]
    assert sorted(forum.titles("checks network:asean-oshnet")) == [
        "Extinguisher training",
        "Tank checks",
    ]
    assert forum.titles("checks board:asean-oshnet/confined-spaces") == ["Tank checks"]
    assert forum.titles("checks kind:good-practice") == ["Extinguisher training"]
    assert forum.titles("checks author:kemal") == ["Extinguisher training"]
    assert forum.titles("author:@Kemal") == ["Extinguisher training"]


def test_answered_unanswered_and_expert_filters(forum: Forum) -> None:
    answered = forum.thread("Gas detector bump test", "How often?")
    forum.thread("Gas detector calibration", "Who calibrates?")
    reply = forum.reply(answered, "Bump test every day before use.", author="siti")
    qa.accept(forum.member("amina"), reply)
    assert forum.titles("gas is:answered") == ["Gas detector bump test"]
    assert forum.titles("gas is:unanswered") == ["Gas detector calibration"]
    assert forum.titles("gas is:expert") == []

    theme, network = browsing.get_theme("confined-spaces"), browsing.get_network("oic-oshnet")
    experts.verify_as_operator(forum.member("siti"), theme, network, "trainer")
    found = forum.find("gas is:expert").results.items
    assert [(r.thread.title, r.post.id, r.expert) for r in found] == [
        ("Gas detector bump test", reply.id, True)
    ]


def test_date_filters(forum: Forum) -> None:
    old = forum.thread("Old permit question", "Permit to work.")
    forum.thread("New permit question", "Permit to work.")
    db.session.execute(
        update(Post).where(Post.thread_id == old.id).values(created_at=utcnow() - timedelta(400))
    )
    db.session.commit()
    outbox.rebuild()  # the dates were changed behind the outbox's back
    cut = (utcnow() - timedelta(30)).date().isoformat()
    assert forum.titles(f"permit before:{cut}") == ["Old permit question"]
    assert forum.titles(f"permit after:{cut}") == ["New permit question"]
    assert forum.titles(f"permit after:{date.today().year + 1}") == []


def test_results_are_grouped_per_thread_and_counted_as_threads(forum: Forum) -> None:
    thread = forum.thread("Lockout question", "Lockout padlocks.")
    for number in range(4):
        forum.reply(thread, f"Lockout answer {number}.")
    forum.thread("Another lockout", "Lockout boxes.", board="ilo-global/confined-spaces")
    found = forum.find("lockout")
    assert found.results.total == 2
    assert sorted(r.thread.title for r in found.results.items) == [
        "Another lockout",
        "Lockout question",
    ]
    assert [(t.slug, n) for t, n in found.themes] == [("confined-spaces", 2)]
    assert sorted((n.slug, count) for n, count in found.networks) == [
        ("ilo-global", 1),
        ("oic-oshnet", 1),
    ]


def test_the_title_ranks_above_the_body(forum: Forum) -> None:
    forum.thread("Harness questions", "What about scaffolding anchors and lanyards?")
    forum.thread("Scaffolding anchors", "Which harness fits?")
    assert forum.titles("harness") == ["Harness questions", "Scaffolding anchors"]
    assert forum.titles("scaffolding") == ["Scaffolding anchors", "Harness questions"]


def test_accepted_and_expert_answers_are_boosted(forum: Forum) -> None:
    oldest = forum.thread("Expert question", "Which one?")  # last on a tie: the oldest
    forum.reply(oldest, "Inspect the lanyard stitching before use.", author="siti")
    older = forum.thread("Older question", "Which one?")
    newer = forum.thread("Newer question", "Which one?")
    answer = forum.reply(older, "Inspect the lanyard stitching before use.")
    forum.reply(newer, "Inspect the lanyard stitching before use.")
    # the same words score the same: the newest thread comes first...
    assert forum.titles("lanyard") == ["Newer question", "Older question", "Expert question"]
    qa.accept(forum.member("amina"), answer)
    # ...until a reply is the accepted answer, or by a verified expert
    assert forum.titles("lanyard") == ["Older question", "Newer question", "Expert question"]
    top = forum.find("lanyard").results.items[0]
    assert top.accepted
    assert top.post.id == answer.id
    theme, network = browsing.get_theme("confined-spaces"), browsing.get_network("oic-oshnet")
    experts.verify_as_operator(forum.member("siti"), theme, network, "")
    assert forum.titles("lanyard") == ["Older question", "Expert question", "Newer question"]


def test_snippets_mark_the_matching_words(forum: Forum) -> None:
    forum.thread("Noise", "Hearing protection is required above 85 dB(A) in the press shop.")
    result = forum.find("hearing protection").results.items[0]
    marked = [text.lower() for text, is_match in result.snippet if is_match]
    assert "hearing" in marked
    assert "protection" in marked
    assert "".join(text for text, _ in result.snippet).startswith("Hearing protection is required")


def test_a_long_posts_snippet_is_the_passage_where_the_words_are(forum: Forum) -> None:
    filler = "Housekeeping keeps walkways clear and spills cleaned up. " * 30
    middle = "Keep forced ventilation running during the permit. "
    forum.thread("Tank entry", filler + middle + filler)
    snippet = forum.find("ventilation permit").results.items[0].snippet
    shown = "".join(text for text, _ in snippet)
    assert [text for text, is_match in snippet if is_match] == ["ventilation", "permit"]
    assert len(shown) < 300
    assert not shown.startswith("Housekeeping keeps walkways")


def test_sort_by_newest_and_pages(forum: Forum) -> None:
    for number in range(5):
        forum.thread(f"Scaffold tag {number}", "Scaffold tags." + " scaffold" * number)
    newest = forum.titles("scaffold", sort="newest")
    assert newest == [f"Scaffold tag {n}" for n in range(4, -1, -1)]
    first, second = forum.find("scaffold", per_page=3), forum.find("scaffold", page=2, per_page=3)
    assert first.results.total == 5
    assert first.results.has_next
    assert not first.results.has_prev
    assert len(second.results.items) == 2
    assert second.results.has_prev
    shown = [r.thread.title for r in first.results.items + second.results.items]
    assert sorted(shown) == sorted(newest)


def test_hidden_and_deleted_content_is_never_returned(forum: Forum) -> None:
    moderator = forum.member("admin", admin=True)
    thread = forum.thread("Trench shoring", "Shoring boxes for trenches.")
    reply = forum.reply(thread, "Skip the shoring, dig fast: mysteriousword.")
    assert forum.titles("mysteriousword") == ["Trench shoring"]

    # the index itself lets go of them, not only the check on read
    moderation.hide_post(moderator, reply, "Unsafe advice")
    assert forum.titles("mysteriousword") == []
    assert forum.indexed("mysteriousword") == set()
    moderation.unhide_post(moderator, reply)
    assert forum.titles("mysteriousword") == ["Trench shoring"]

    posting.delete_post(forum.member("kemal"), reply)
    assert forum.titles("mysteriousword") == []
    assert forum.indexed("mysteriousword") == set()
    moderation.delete_thread(moderator, thread, "Duplicate")
    assert forum.titles("shoring") == []
    assert forum.indexed("shoring") == set()
    moderation.restore_thread(moderator, thread)
    assert forum.titles("shoring") == ["Trench shoring"]


def test_edits_and_moves_reach_the_index(forum: Forum) -> None:
    moderator = forum.member("admin", admin=True)
    thread = forum.thread("Silo entry", "Grain bridging.")
    opening = browsing.get_post(forum.find("silo").results.items[0].post.id)
    posting.edit_post(forum.member("amina"), opening, "Engulfment hazard.", title="Grain bin entry")
    assert forum.titles("silo", expand=False) == []  # "grain bin" is a silo's label
    assert forum.titles("bridging") == []
    assert forum.titles("engulfment") == ["Grain bin entry"]
    assert forum.titles("grain theme:confined-spaces") == ["Grain bin entry"]

    target = browsing.get_board("oic-oshnet", "hazardous-work")
    moderation.move_thread(moderator, browsing.get_thread(thread.id), target)
    assert forum.titles("grain theme:confined-spaces") == []
    assert forum.titles("grain theme:hazardous-work") == ["Grain bin entry"]


def test_verifying_an_expert_marks_their_earlier_answers(forum: Forum) -> None:
    thread = forum.thread("Respirator fit", "Fit testing?")
    forum.reply(thread, "Quantitative fit testing every year.", author="siti")
    assert forum.titles("fit is:expert") == []
    theme, network = browsing.get_theme("confined-spaces"), browsing.get_network("asean-oshnet")
    verification = experts.verify_as_operator(forum.member("siti"), theme, network, "")
    assert forum.titles("fit is:expert") == ["Respirator fit"]
    experts.revoke(forum.member("admin", admin=True), verification)
    assert forum.titles("fit is:expert") == []


def test_text_in_any_script_and_symbols(forum: Forum) -> None:
    forum.thread("سلامة الأماكن المغلقة", "اختبار الغاز قبل الدخول 🦺")
    forum.thread("Espaces confinés", "Détecteur de gaz à quatre têtes.")
    assert forum.titles("الغاز") == ["سلامة الأماكن المغلقة"]
    assert forum.titles("détecteur") == ["Espaces confinés"]
    assert forum.titles("🦺") == []  # nothing to search, and no error


def test_only_common_words_or_an_empty_query_find_nothing(forum: Forum) -> None:
    forum.thread("The permit", "This is it.")
    assert forum.titles("the") == []
    assert forum.find("").results.total == 0


def test_filters_alone_list_threads_with_their_opening_post(forum: Forum) -> None:
    thread = forum.thread("Fire drill", "Twice a year.", board="oic-oshnet/fire-safety")
    forum.reply(thread, "Quarterly for night shifts.")
    items = forum.find("theme:fire-safety").results.items
    assert [(r.thread.title, r.post.is_opening) for r in items] == [("Fire drill", True)]


def test_a_broad_query_is_answered_from_its_most_recent_matches(
    forum: Forum, monkeypatch: pytest.MonkeyPatch
) -> None:
    forum.thread("Tower crane inspection", "Monthly, by a competent person.")  # the oldest
    for number in range(4):
        forum.thread(f"Lifting plan {number}", f"Which tower crane? Option {number}.")
        forum.thread(f"Rigging {number}", "Slings and shackles.")  # matches nothing
    monkeypatch.setattr(results, "MOST_POSTS", 3)
    found = forum.find("crane")
    assert found.cut == 3
    assert found.results.total == 3
    assert sorted(forum.titles("crane")) == ["Lifting plan 1", "Lifting plan 2", "Lifting plan 3"]
    assert forum.titles("crane", sort="newest") == [
        "Lifting plan 3",
        "Lifting plan 2",
        "Lifting plan 1",
    ]
    # the title match ranks first once the recent matches no longer crowd it out
    assert forum.titles("crane theme:confined-spaces -plan") == ["Tower crane inspection"]
    listed = forum.find("theme:confined-spaces")  # no words: the newest threads
    assert [r.thread.title for r in listed.results.items] == [
        "Rigging 3",
        "Lifting plan 3",
        "Rigging 2",
    ]
    monkeypatch.setattr(results, "MOST_POSTS", 5)
    assert not forum.find("crane").cut
    assert forum.titles("crane")[0] == "Tower crane inspection"


def test_after_a_rebuild_the_most_recent_matches_are_still_the_ones_kept(
    forum: Forum, monkeypatch: pytest.MonkeyPatch
) -> None:
    forum.thread("Tower crane inspection", "Monthly, by a competent person.")  # the oldest
    for number in range(4):
        forum.thread(f"Lifting plan {number}", f"Which tower crane? Option {number}.")
    outbox.rebuild()
    forum.thread("Crane signals", "Hand signals for the banksman.")  # indexed after it
    monkeypatch.setattr(results, "MOST_POSTS", 3)
    assert forum.find("crane").cut == 3
    assert forum.titles("crane", sort="newest") == [
        "Crane signals",
        "Lifting plan 3",
        "Lifting plan 2",
    ]


def test_a_rebuild_keeps_changes_made_while_it_ran(
    forum: Forum, monkeypatch: pytest.MonkeyPatch
) -> None:
    thread = forum.thread("Hot work permit", "Fire watch for an hour.")
    every_document = documents.every_document

    def slow_rebuild_with_a_reply_meanwhile():  # noqa: ANN202
        for number, document in enumerate(every_document()):
            if number == 0:
                forum.reply(thread, "Written during the rebuild: oxyacetylene.")
            yield document

    monkeypatch.setattr(documents, "every_document", slow_rebuild_with_a_reply_meanwhile)
    outbox.rebuild()
    assert forum.titles("oxyacetylene") == ["Hot work permit"]
    assert search.backend().document_count() == documents.indexable_count() == 2


# --- every language by its own rules, every query in every language ----------------------


def test_french_plurals_and_accents_are_found_by_the_singular(forum: Forum) -> None:
    forum.thread(
        "Ventilation des espaces confinés",
        "Avant d'entrer dans les espaces confinés, mesurez l'oxygène.",
    )
    forum.thread("Plan de secours", "Le treuil et le trépied sont prêts.")
    assert forum.titles("espace confiné") == ["Ventilation des espaces confinés"]
    assert forum.titles('"espaces confinés"') == ["Ventilation des espaces confinés"]


def test_spanish_is_stemmed_as_spanish(forum: Forum) -> None:
    forum.thread(
        "Trabajos en espacios confinados", "Los trabajadores necesitan permisos de entrada."
    )
    assert forum.titles("espacio confinado") == ["Trabajos en espacios confinados"]
    assert forum.titles("trabajador") == ["Trabajos en espacios confinados"]


ARABIC_TITLE = "السلامة في الأماكن المغلقة"


@pytest.mark.parametrize(
    "query",
    [
        "الأماكن المغلقة",  # as written: hamza on the alef
        "الاماكن المغلقة",  # bare alef
        "الإماكن المغلقة",  # another alef form
        "الأَمَاكِن المُغْلَقَة",  # with diacritics
        "الأمـــاكن المغلـــقة",  # with tatweel
    ],
)
def test_arabic_is_found_whatever_the_alef_diacritics_or_tatweel(forum: Forum, query: str) -> None:
    forum.thread(ARABIC_TITLE, "يجب قياس نسبة الأكسجين قبل الدخول إلى الأماكن المغلقة.")
    forum.thread("Confined spaces in English", "Measure oxygen before entry.")
    assert forum.titles(query, expand=False) == [ARABIC_TITLE]  # the words, not the concept
    assert ARABIC_TITLE in forum.titles(query)


def test_a_query_finds_posts_in_every_language_it_matches(forum: Forum) -> None:
    forum.thread("Ventilation of a sewer", "Forced ventilation before entry.", language="en")
    forum.thread("Ventilation d'un égout", "La ventilation forcée avant l'entrée.", language="fr")
    forum.thread("Ventilación de una alcantarilla", "Ventilación forzada.", language="es")
    # one word, three languages: each post matched by its own language's stem
    assert len(forum.titles("ventilation")) == 3
    # (each word alone: the concept "sewer" would find all three)
    assert forum.titles("égouts", expand=False) == ["Ventilation d'un égout"]
    assert forum.titles("alcantarillas", expand=False) == ["Ventilación de una alcantarilla"]
    assert forum.titles("sewers", expand=False) == ["Ventilation of a sewer"]


def test_a_word_common_in_one_language_still_counts_in_another(forum: Forum) -> None:
    # "des" is a French article, dropped from French posts, but a word in an English one
    forum.thread("Gas detector", "The DES unit alarmed at 10 ppm.", language="en")
    forum.thread("Détecteur de gaz", "Le détecteur des gaz a sonné.", language="fr")
    assert forum.titles("des unit") == ["Gas detector"]
    # (the words alone: as the concept "gas detector" it finds both)
    assert forum.titles("détecteur des gaz", expand=False) == ["Détecteur de gaz"]


def test_the_chosen_language_decides_the_analysis(forum: Forum) -> None:
    # "confinés" read as English would not stem to "confin"; read as French it does
    forum.thread("Espaces confinés", "Entrée interdite.", language="fr")
    assert forum.titles("confiné") == ["Espaces confinés"]


def test_snippets_mark_words_in_the_posts_own_language(forum: Forum) -> None:
    forum.thread("Permis", "Les espaces confinés exigent un permis d'entrée.", language="fr")
    found = forum.find("espace confiné").results.items[0]
    assert ("espaces", True) in found.snippet
    assert ("confinés", True) in found.snippet


def test_an_upgrade_leaves_no_index_of_an_older_schema_behind(forum: Forum) -> None:
    """Whoosh keeps generations behind CURRENT and removes old ones at the swap; this is the
    PostgreSQL side: the table of a previous schema version is dropped once the new one exists."""
    backend = search.backend()
    if backend.name != "postgres":
        pytest.skip("the PostgreSQL backend's tables")
    from sqlalchemy import func, select, text

    from forum.search.postgres_backend import TABLE

    forum.thread("Upgraded forum", "Found after the upgrade.")
    with db.engine.begin() as connection:
        connection.execute(text("CREATE TABLE search_posts_v1 (post_id integer)"))
        connection.execute(text(f"DROP TABLE {TABLE}"))
    assert outbox.ensure_current() == "missing"
    assert forum.titles("upgrade") == ["Upgraded forum"]
    assert db.session.scalar(select(func.to_regclass("search_posts_v1"))) is None


def test_a_rebuilt_index_is_planned_with_statistics(forum: Forum) -> None:
    """Without them (autovacuum may be off, and is always late) PostgreSQL plans a broad
    query as matching a few rows and ranks every match: 150 times slower at 200,000 posts."""
    backend = search.backend()
    if backend.name != "postgres":
        pytest.skip("the PostgreSQL backend's tables")
    from sqlalchemy import text

    from forum.search.postgres_backend import TABLE

    forum.thread("Scaffold tags", "Green for safe, red for unsafe.")
    outbox.rebuild()
    statistics = text("SELECT count(*) FROM pg_stats WHERE tablename = :table")
    assert db.session.scalar(statistics, {"table": TABLE}) > 0


def test_the_querys_words_are_read_once_when_it_is_planned(forum: Forum) -> None:
    """Bound as parameters, the text search configurations kept PostgreSQL from reading the
    words at planning: it read them again for every row, costed a broad query at three times
    its price and, after five runs, switched to a plan ranking every match (26 ms instead of
    3 at 200,000 posts)."""
    backend = search.backend()
    if backend.name != "postgres":
        pytest.skip("the PostgreSQL backend's plans")
    from forum.search.postgres_backend import hits_statement

    forum.thread("Scaffold inspection", "Scaffold tags checked weekly.")
    compiled = hits_statement(search.parse("scaffold -ladder"), 1001).compile(
        dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True}
    )
    plan = (
        db.session.connection()
        .exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params)
        .scalar()
    )
    conditions = " ".join(_conditions(plan[0]["Plan"]))
    assert "scaffold" in conditions
    assert "ladder" in conditions
    assert "tsquery(" not in conditions  # a constant, not a call for every row


def _conditions(node: dict) -> Iterator[str]:
    for key in ("Filter", "Index Cond", "Recheck Cond"):
        if key in node:
            yield node[key]
    for child in node.get("Plans", []):
        yield from _conditions(child)
