"""Each general rule of source typing, on invented sentences (not from the seeds or the dev corpus)."""

from __future__ import annotations

import pandas as pd
import pytest

pytestmark = pytest.mark.integration

TEXTS = {
    "appos": "“The data are clear,” said Maria Lopez, a professor of economics at Northbridge University. "
    "She added that wages had lagged prices for three years.",
    "party_tag": "Sen. Tom Hadley (R-Ohio) said the farm bill would fail in committee.",
    "party_title": "Democratic Rep. Alice Warren told reporters that the vote had been rushed.",
    "police": "A police spokesperson said that two men had been arrested near the harbour.",
    "business": "“Demand is recovering,” said Boeing’s chief financial officer, Brian West.",
    "country": "“We will not accept these tariffs,” British Prime Minister Rishi Sunak said on Tuesday.",
    "later": "Croatian Interior Minister Ana Kovac visited the flooded villages on Monday.\n\n"
    "Rescue teams worked through the night. “The situation is under control,” Kovac said.",
    "group": "Residents said that the water had been brown for weeks before anyone came.",
    "document": "The statement said that the company regretted the delay and would refund customers.",
    "anonymous": "A senior official, who spoke on condition of anonymity, said that the talks had stalled.",
    "pronoun": "Jordan Avery, a nurse at the county clinic, said that the night shifts were too long. "
    "She said that staff were leaving every month. She said that the clinic needed help.",
    "media": "“We stand by our reporting,” said Dana Fields, an editor at the Daily Ledger.",
    "union": "The union’s president, Carla Mendes, said that members would strike on Friday.",
    "coach": "“We defended badly,” said Tom Harlow, the team’s head coach, after the defeat.",
    "athlete": "Lena Brandt won the final set 6-4 to reach the semifinals of the tournament. Brandt served "
    "twelve aces in the match and broke serve three times. “I felt strong today,” Brandt said.",
    "actress": "“It was the hardest role of my life,” said the actress Mara Quinn.",
    "surgeon": "“The ward is full every night,” said Omar Haddad, a surgeon at Riverside Hospital.",
    "prosecutor": "“The evidence is clear,” U.S. Attorney Karen Bell said on Monday.",
    "spokesman": "“No one was hurt in the fire,” a company spokesman said.",
    "captain": "“We will be ready for them,” the national team captain said after training.",
    "pollster": "“The numbers are moving,” said Ruth Dale, a Republican pollster.",
    "staff": "Sen. Ada Quill spoke in Des Moines on Monday. “We expect a long night,” the senator's "
    "advisers said.",
    "stated_role": "“The review is routine,” a State Department official said.",
    "boss": "Democratic presidential candidate Nora Fenn spoke in Iowa on Monday. “She will win,” "
    "Fenn spokesman Carl Ives said.",
    "former": "Vera Holt, the former secretary of state, held a rally for her campaign before the "
    "caucus, and her campaign said the primary race was close. “We are ahead,” Holt said.",
    "race": "The Democratic primary has two Democratic candidates left after the Democratic debate. "
    "“I am staying in,” said Tom Greer, one of the candidates.",
    "beside": "Lena Ward, standing beside Sen. Roy Dunn at the fair, said the prices were too high.",
    "manager": "Republican presidential candidate Ted Marsh spoke in Iowa on Monday. “We will win,” said "
    "Jeff Roe, Marsh's campaign manager.",
    "press": "Democratic presidential candidate Nora Fenn spoke in Ohio on Monday. “No comment,” said "
    "Fenn's press secretary, Carl Ives.",
    "introduced": "A spokesman for the city police confirmed the arrests on Sunday. The suspects were "
    "held overnight. “They will appear in court on Monday,” the spokesman said.",
    "title": "President Ana Ruiz spoke at a campaign rally before the primary. “The campaign is "
    "going well,” Ruiz said at the rally, as candidates and voters left the debate for the caucus.",
    "officeholder": "Vice President Dan Pell of the United States met Democratic donors in the United "
    "States capital. “The treaty holds,” Pell said.",
    "dr_title": "GOP presidential candidate Dr. Ben Wade spoke in Iowa on Monday. “We will win,” Dr. Wade "
    "said.",
    "spokesman_for": "Nora Fenn, the Democratic presidential candidate, spoke in Iowa on Monday. Carl Ives, "
    "a spokesman for Ms. Fenn, said the crowd was large. “She will win,” Mr. Ives said.",
    "candidacy": "The Marsh campaign bought new ads on Monday, and Marsh supporters filled the hall. "
    "“We will win,” said Tom Marsh, a real estate mogul.",
    "private": "“I cannot pay the rent any more,” said Melissa Rowe, 32, of Denver, who works in retail.",
    "kin": "Anna Schiff, then the girlfriend of his best friend, remembered the dinner well. “He barely "
    "ate,” Ms. Schiff said.",
    "org_premod": "The conservative legal group Civic Watch sued the agency on Monday. “The records were "
    "hidden for years,” Civic Watch said.",
    "collective": "“We will spend more on digital ads,” a family of super PACs supporting Sen. Ted Marsh "
    "said.",
    "party_noise": "Republicans asked prosecutors to investigate Jane Doyle on Monday. Republicans said "
    "Doyle had misled them, and Republicans want hearings. Doyle won the Democratic primary in May. "
    "“I told the truth,” said Doyle, the candidate.",
    "state_official": "“We are alarmed by this rhetoric,” said a Mexican official who was not authorized "
    "to speak publicly.",
    "two_countries": "Ukraine and Russia met in Geneva. Ukraine asked for a truce, Russia refused it, and "
    "Ukraine asked again. Russia and Ukraine will meet next week. “Both sides are close,” President Dan "
    "Pell said.",
    "one_country": "The United States and the American people are tired of the shutdown. The United States "
    "needs a budget, and the U.S. economy is slowing. “We will sign it,” President Dan Pell said.",
    "union_leaders": "“The summit failed,” EU leaders said on Friday.",
    "state_leaders": "“We will not sign the treaty,” Russian leaders said on Friday.",
    "party_leaders": "“We will block the bill,” Republican leaders said on Friday.",
}


@pytest.fixture(scope="module")
def typed(tmp_path_factory):
    import analysis

    arts = pd.DataFrame(
        {"article_id": list(TEXTS), "outlet": "X", "title": "", "text": list(TEXTS.values()), "status": "ok"}
    )
    ann = analysis.annotate(arts, cache_dir=tmp_path_factory.mktemp("cache"))
    return analysis.quotes(arts, annotations=ann)


def first(q: pd.DataFrame, article: str) -> dict:
    rows = q[(q["article_id"] == article) & q["speaker"].notna()]
    assert len(rows), f"no attributed quote in {article!r}"
    return rows.iloc[0].to_dict()


def spoken_by(q: pd.DataFrame, article: str, canonical: str) -> dict:
    rows = q[(q["article_id"] == article) & (q["speaker_canonical"] == canonical)]
    assert len(rows), f"no quote of {canonical!r} in {article!r}"
    return rows.iloc[0].to_dict()


def test_appositive_role_and_organisation_and_pronoun_gender(typed):
    r = first(typed, "appos")
    assert (r["source_type"], r["speaker_gender"], r["speaker_is_person"]) == ("expert", "female", True)
    assert "Northbridge" in r["speaker_affiliation"]


def test_party_tag_after_a_senator(typed):
    r = first(typed, "party_tag")
    assert (r["source_type"], r["speaker_affiliation"], r["speaker_gender"]) == (
        "politician",
        "Republican Party",
        "male",
    )


def test_party_adjective_before_a_title(typed):
    r = first(typed, "party_title")
    assert (r["source_type"], r["speaker_affiliation"], r["speaker_gender"]) == (
        "politician",
        "Democratic Party",
        "female",
    )


def test_generic_role_takes_the_type_of_its_organisation(typed):
    r = first(typed, "police")
    assert r["source_type"] == "security_justice"


def test_possessive_company_and_business_role(typed):
    r = first(typed, "business")
    assert r["source_type"] == "business"
    assert r["speaker_affiliation"] == "Boeing"
    assert r["speaker_gender"] == "male"  # first name, no pronoun


def test_nationality_adjective_gives_the_country(typed):
    r = first(typed, "country")
    assert (r["source_type"], r["speaker_affiliation"]) == ("government", "United Kingdom")


def test_role_from_an_earlier_mention_of_the_same_person(typed):
    r = first(typed, "later")
    assert r["speaker"] == "Kovac"
    got = (r["source_type"], r["speaker_affiliation"], r["speaker_gender"])
    assert got == ("government", "Croatia", "female")


def test_group_noun_is_citizens_not_one_person(typed):
    r = first(typed, "group")
    assert (r["source_type"], r["speaker_is_person"], r["speaker_gender"]) == ("citizen", False, "none")


def test_document_is_not_a_person(typed):
    r = first(typed, "document")
    assert (r["source_type"], r["speaker_is_person"], r["speaker_gender"]) == ("document", False, "none")


def test_unnamed_official_is_anonymous(typed):
    r = first(typed, "anonymous")
    assert r["source_type"] == "anonymous"
    assert r["speaker_is_person"] and r["speaker_gender"] == "unknown"


def test_pronouns_decide_gender_before_the_first_name(typed):
    r = first(typed, "pronoun")
    assert (r["source_type"], r["speaker_gender"]) == ("professional", "female")


def test_sports_roles_and_sports_context(typed):
    assert first(typed, "coach")["source_type"] == "sport"
    assert first(typed, "captain")["source_type"] == "sport"  # "national team captain", not an army captain
    r = first(typed, "athlete")  # no role word: the sentences naming her are about a match
    assert (r["source_type"], r["speaker_gender"]) == ("sport", "female")


def test_arts_professional_and_prosecutor_roles(typed):
    r = first(typed, "actress")
    assert (r["source_type"], r["speaker_gender"]) == ("arts_celebrity", "female")  # the noun says it
    assert first(typed, "surgeon")["source_type"] == "professional"
    assert first(typed, "prosecutor")["source_type"] == "security_justice"  # "U.S. Attorney", not a lawyer


def test_an_unnamed_spokesman_is_one_man_of_his_organisation(typed):
    r = first(typed, "spokesman")
    assert (r["source_type"], r["speaker_is_person"], r["speaker_gender"]) == ("business", True, "male")


def test_media_role(typed):
    r = first(typed, "media")
    assert r["source_type"] == "media"


def test_union_president_is_civil_society(typed):
    r = first(typed, "union")
    assert r["source_type"] == "civil_society"


def test_a_corpus_table_overrides_the_packaged_terms(tmp_path, typed):
    import analysis

    text = {"harbour": "“The quay is closed,” said harbour master Ola Berg."}
    arts = pd.DataFrame(
        {"article_id": list(text), "outlet": "X", "title": "", "text": list(text.values()), "status": "ok"}
    )
    ann = analysis.annotate(arts, cache_dir=tmp_path / "cache")
    default = first(analysis.quotes(arts, annotations=ann), "harbour")["source_type"]
    (tmp_path / "source_types.csv").write_text("term,source_type,kind\nharbour master,government,role\n")
    own = first(analysis.quotes(arts, annotations=ann, source_types=tmp_path), "harbour")["source_type"]
    assert default != "government" and own == "government"


def test_pollster_is_an_expert_with_a_party(typed):
    r = first(typed, "pollster")
    assert (r["source_type"], r["speaker_affiliation"]) == ("expert", "Republican Party")


def test_the_staff_of_a_role_take_its_type(typed):
    assert first(typed, "staff")["source_type"] == "politician"  # "the senator's advisers", not anonymous


def test_an_unnamed_individual_with_a_stated_role_takes_its_type(typed):
    r = first(typed, "stated_role")
    assert (r["source_type"], r["speaker_affiliation"]) == ("government", "United States")


def test_a_spokesman_of_a_person_takes_that_persons_type_and_party(typed):
    r = first(typed, "boss")
    assert (r["source_type"], r["speaker_affiliation"]) == ("politician", "Democratic Party")


def test_a_former_office_yields_to_the_campaign_around_the_person(typed):
    assert first(typed, "former")["source_type"] == "politician"


def test_a_politician_without_a_party_takes_the_party_of_the_race(typed):
    r = first(typed, "race")
    assert r["speaker_affiliation"] == "Democratic Party"


def test_an_office_holder_is_affiliated_to_the_country_not_the_party(typed):
    r = first(typed, "officeholder")
    assert (r["source_type"], r["speaker_affiliation"]) == ("government", "United States")


def test_another_persons_title_in_the_description_is_not_the_speakers(typed):
    r = first(typed, "beside")
    assert r["speaker"].startswith("Lena Ward")
    assert r["source_type"] != "politician"  # "Sen." belongs to Roy Dunn


def test_campaign_staff_take_the_party_of_the_person_they_serve(typed):
    r = first(typed, "manager")
    assert (r["source_type"], r["speaker_affiliation"]) == ("politician", "Republican Party")
    r = first(typed, "press")  # a candidate's press secretary, not a government one
    assert (r["source_type"], r["speaker_affiliation"]) == ("politician", "Democratic Party")


def test_the_role_noun_refers_back_to_the_one_introduced_with_an_organisation(typed):
    rows = typed[(typed["article_id"] == "introduced") & (typed["speaker"] == "the spokesman")]
    assert len(rows) and rows.iloc[0]["source_type"] == "security_justice"  # not the default government


def test_a_title_introducing_a_person_is_an_office_whatever_the_campaign_around(typed):
    assert first(typed, "title")["source_type"] == "government"  # "President Ana Ruiz", not a candidate


def test_an_honorific_doctor_yields_to_the_role_the_article_gives(typed):
    assert first(typed, "dr_title")["source_type"] == "politician"  # "GOP candidate Dr. Ben Wade"


def test_a_spokesman_for_a_person_takes_that_persons_type_and_party(typed):
    r = first(typed, "spokesman_for")
    assert (r["source_type"], r["speaker_affiliation"]) == ("politician", "Democratic Party")


def test_the_name_of_a_campaign_makes_its_person_a_candidate_over_a_business_epithet(typed):
    assert first(typed, "candidacy")["source_type"] == "politician"  # "the Marsh campaign" x2, "mogul" x1


def test_an_age_and_hometown_without_a_role_make_an_ordinary_person(typed):
    assert first(typed, "private")["source_type"] == "citizen"


def test_a_kin_noun_in_apposition_makes_an_ordinary_person(typed):
    assert first(typed, "kin")["source_type"] == "citizen"


def test_an_organisation_is_typed_by_the_words_before_its_other_mentions(typed):
    r = first(typed, "org_premod")
    assert r["source_type"] == "civil_society"  # "legal group", not the adjective "conservative"


def test_a_collective_speaks_for_the_people_it_is_of(typed):
    r = first(typed, "collective")
    assert (r["source_type"], r["speaker_is_person"]) == ("politician", False)


def test_other_actors_party_nouns_do_not_give_a_politician_their_party(typed):
    q = typed[(typed["article_id"] == "party_noise") & (typed["speaker_canonical"] == "Jane Doyle")]
    assert len(q), "Doyle's quote not attributed"
    r = q.iloc[0]
    assert (r["source_type"], r["speaker_affiliation"]) == ("politician", "Democratic Party")


def test_an_unnamed_official_of_a_nationality_is_government_of_that_country(typed):
    r = first(typed, "state_official")
    assert (r["source_type"], r["speaker_affiliation"]) == ("government", "Mexico")


def test_a_story_about_several_countries_gives_an_untied_office_holder_none_of_them(typed):
    r = spoken_by(typed, "two_countries", "Dan Pell")  # Ukraine 4 times, Russia 3: neither is the story's
    assert (r["source_type"], r["speaker_affiliation"]) == ("government", "unknown")


def test_a_story_about_one_country_gives_an_untied_office_holder_that_country(typed):
    r = spoken_by(typed, "one_country", "Dan Pell")  # the United States 4 times, no other country
    assert (r["source_type"], r["speaker_affiliation"]) == ("government", "United States")


def test_leaders_of_a_union_of_states_are_its_government(typed):
    r = first(typed, "union_leaders")
    assert (r["source_type"], r["speaker_affiliation"]) == ("government", "European Union")
    assert not r["speaker_is_person"]


def test_leaders_of_a_nationality_are_its_government_and_party_leaders_politicians(typed):
    r = first(typed, "state_leaders")
    assert (r["source_type"], r["speaker_affiliation"]) == ("government", "Russia")
    r = first(typed, "party_leaders")
    assert (r["source_type"], r["speaker_affiliation"]) == ("politician", "Republican Party")
