"""A synthetic store of realistic shape for `tests/bench.py`, built fast and cached.

Shape follows the bundled data set, scaled: programs, institutions and people with
Korean names built from the morphemes real names use (`국가`, `인공지능`, `연구원`),
English names and acronyms that collide the way real ones do, about ten facts per
entity (links to ministries, lead institutions and people; money; numbers; Korean and
English text), one milestone per entity on average with every date precision, and a
few dozen sources. Rows go in with bulk `executemany` through the real schema
(`store.schema.migrate`); the search documents are then built by the store's own
`rebuild_search`, so they are exactly what a real load produces.

The file is cached as `var/bench/store-<N>-v<GENERATOR_VERSION>.db`; bump the version
whenever the generated shape changes.

    python tests/bench_store.py 100000   # build (or find) the store and print its path
"""

from __future__ import annotations

import argparse
import calendar
import json
import random
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from store.dataset import read_dataset
from store.dates import FuzzyDate
from store.db import connect
from store.hangul import choseong, name_key, nfc
from store.schema import migrate
from store.search_index import rebuild_search

GENERATOR_VERSION = 2
CACHE_DIR = Path(__file__).resolve().parent.parent / "var" / "bench"
SEED = 20251122
SOURCES = 40
# Share of each class, and how many facts an entity of that class carries (avg ≈ 10).
CLASS_SHARE = (("program", 0.30), ("institution", 0.40), ("person", 0.30))

MINISTRIES = [
    ("과학기술정보통신부", "Ministry of Science and ICT", "MSIT", "과기정통부"),
    ("산업통상자원부", "Ministry of Trade, Industry and Energy", "MOTIE", "산업부"),
    ("교육부", "Ministry of Education", "MOE", None),
    ("행정안전부", "Ministry of the Interior and Safety", "MOIS", "행안부"),
    ("보건복지부", "Ministry of Health and Welfare", "MOHW", "복지부"),
    ("중소벤처기업부", "Ministry of SMEs and Startups", "MSS", "중기부"),
    ("국토교통부", "Ministry of Land, Infrastructure and Transport", "MOLIT", "국토부"),
    ("문화체육관광부", "Ministry of Culture, Sports and Tourism", "MCST", "문체부"),
    ("국방부", "Ministry of National Defense", "MND", None),
    ("환경부", "Ministry of Environment", "ME", None),
    ("농림축산식품부", "Ministry of Agriculture, Food and Rural Affairs", "MAFRA", "농식품부"),
    ("해양수산부", "Ministry of Oceans and Fisheries", "MOF", "해수부"),
    ("고용노동부", "Ministry of Employment and Labor", "MOEL", "고용부"),
    ("기획재정부", "Ministry of Economy and Finance", "MOEF", "기재부"),
    ("개인정보보호위원회", "Personal Information Protection Commission", "PIPC", "개인정보위"),
    ("방송통신위원회", "Korea Communications Commission", "KCC", "방통위"),
]
PREFIXES = [
    ("한국", "Korea"), ("국가", "National"), ("국립", "National"), ("서울", "Seoul"),
    ("부산", "Busan"), ("대구", "Daegu"), ("인천", "Incheon"), ("광주", "Gwangju"),
    ("대전", "Daejeon"), ("울산", "Ulsan"), ("세종", "Sejong"), ("경기", "Gyeonggi"),
    ("강원", "Gangwon"), ("충북", "Chungbuk"), ("충남", "Chungnam"), ("전북", "Jeonbuk"),
    ("전남", "Jeonnam"), ("경북", "Gyeongbuk"), ("경남", "Gyeongnam"), ("제주", "Jeju"),
    ("글로벌", "Global"), ("미래", "Future"), ("첨단", "Advanced"), ("차세대", "Next-Generation"),
]  # fmt: skip
FIELDS = [
    ("과학기술", "Science and Technology"), ("정보통신", "Information and Communications"),
    ("인공지능", "Artificial Intelligence"), ("AI", "AI"), ("데이터", "Data"),
    ("반도체", "Semiconductor"), ("바이오", "Bio"), ("로봇", "Robotics"), ("에너지", "Energy"),
    ("소재", "Materials"), ("우주항공", "Aerospace"), ("해양", "Ocean"), ("환경", "Environment"),
    ("보건의료", "Health"), ("디지털", "Digital"), ("지능정보", "Intelligent Information"),
    ("소프트웨어", "Software"), ("양자", "Quantum"), ("전자", "Electronics"), ("기계", "Machinery"),
    ("자동차", "Automotive"), ("조선", "Shipbuilding"), ("원자력", "Nuclear"), ("농업", "Agriculture"),
    ("문화콘텐츠", "Cultural Content"), ("교통", "Transport"), ("산업", "Industrial"),
    ("금융", "Finance"), ("교육", "Education"), ("클라우드", "Cloud"), ("보안", "Security"),
    ("초거대", "Hyperscale"), ("피지컬", "Physical"), ("소버린", "Sovereign"),
]  # fmt: skip
INSTITUTION_TYPES = [
    ("연구원", "Research Institute", "research_institute"),
    ("기술원", "Institute of Technology", "research_institute"),
    ("진흥원", "Promotion Agency", "agency"), ("평가원", "Evaluation Institute", "agency"),
    ("재단", "Foundation", "agency"), ("센터", "Center", "facility"),
    ("대학교", "University", "university"), ("과학기술원", "Institute of Science and Technology", "university"),
    ("협회", "Association", "council"), ("협의회", "Council", "council"),
    ("클러스터", "Cluster", "facility"),
]  # fmt: skip
COMPANY_PARTS = [
    ("네오", "Neo"), ("딥", "Deep"), ("브레인", "Brain"), ("스카이", "Sky"), ("노바", "Nova"),
    ("퀀텀", "Quantum"), ("하이퍼", "Hyper"), ("코어", "Core"), ("링크", "Link"), ("웨이브", "Wave"),
    ("비전", "Vision"), ("마인드", "Mind"), ("픽셀", "Pixel"), ("로직", "Logic"), ("큐브", "Cube"),
]  # fmt: skip
COMPANY_SUFFIXES = [
    ("랩스", "Labs"),
    ("테크", "Tech"),
    ("소프트", "Soft"),
    ("AI", "AI"),
    ("시스템즈", "Systems"),
]
PROGRAM_TYPES = [
    ("연구거점", "Research Hub", "lab"), ("연구소", "Lab", "lab"),
    ("사업", "Program", "project"), ("프로젝트", "Project", "project"),
    ("실증사업", "Demonstration Project", "project"), ("플래그십", "Flagship", "project"),
    ("포럼", "Forum", "forum"), ("전략대화", "Strategy Dialogue", "forum"),
    ("위원회", "Committee", "committee"), ("전략", "Strategy", "policy"),
    ("종합계획", "Master Plan", "policy"), ("챌린지", "Challenge", "event"),
    ("경진대회", "Contest", "event"),
]  # fmt: skip
SURNAMES = [
    ("김", "Kim"), ("이", "Lee"), ("박", "Park"), ("최", "Choi"), ("정", "Jung"), ("강", "Kang"),
    ("조", "Cho"), ("윤", "Yoon"), ("장", "Jang"), ("임", "Lim"), ("한", "Han"), ("오", "Oh"),
    ("서", "Seo"), ("신", "Shin"), ("권", "Kwon"), ("황", "Hwang"), ("안", "Ahn"), ("송", "Song"),
    ("류", "Ryu"), ("홍", "Hong"),
]  # fmt: skip
GIVEN = [
    ("민", "min"), ("준", "jun"), ("서", "seo"), ("연", "yeon"), ("지", "ji"), ("우", "woo"),
    ("현", "hyun"), ("수", "su"), ("영", "young"), ("상", "sang"), ("훈", "hoon"), ("경", "kyung"),
    ("유", "yu"), ("원", "won"), ("성", "sung"), ("희", "hee"), ("재", "jae"), ("은", "eun"),
    ("태", "tae"), ("혜", "hye"), ("진", "jin"), ("호", "ho"), ("기", "ki"), ("윤", "yun"),
    ("하", "ha"), ("도", "do"), ("형", "hyung"), ("광", "kwang"), ("규", "kyu"), ("석", "seok"),
]  # fmt: skip
ROLES = [
    ("원장", "President"), ("센터장", "Center director"), ("교수", "Professor"),
    ("책임연구원", "Principal researcher"), ("대표", "CEO"), ("장관", "Minister"),
    ("단장", "Program director"), ("위원장", "Chair"), ("본부장", "Head of division"),
]  # fmt: skip
# Fact texts run as long as the bundled data set's (about 110 characters, Korean and English).
GOALS = [
    ("{f} 분야에서 글로벌 경쟁력을 갖춘 자체 모델을 구축하고 {n}개 기업의 기술 사업화를 지원",
     "Build globally competitive {fe} models of Korea's own and help {n} companies commercialise them"),
    ("{f} 핵심기술 국산화율 {p}% 달성과 해외 의존도 축소",
     "{p}% domestic production of core {fe} technology and less dependence on imports"),
    ("{f} 전문인력 {n}명 양성 및 산·학·연 공동 교육과정 운영",
     "Train {n} {fe} specialists through joint industry–academia–research courses"),
    ("{f} 기반 공공서비스 혁신 및 AX(AI 대전환) 확산",
     "Public-service innovation and the spread of AI transformation (AX) based on {fe}"),
]  # fmt: skip
SUPPORTS = [
    ("그래픽처리장치(GPU) {n}장과 학습 데이터 구축을 종합 지원",
     "Comprehensive support with {n} graphics processing units (GPUs) and training data"),
    ("{f} 실증 인프라와 테스트베드를 제공하고 규제 특례를 검토",
     "{fe} demonstration infrastructure and test beds, with regulatory exemptions under review"),
    ("참여기관 {n}곳에 연구비와 사업화 컨설팅을 지원",
     "Research funding and commercialisation consulting for {n} participating organisations"),
]  # fmt: skip
AREAS = [
    ("{f} 파운데이션 모델 연구: 인지, 의사결정, 제어 등 핵심 구성요소를 통합한 모델 개발",
     "{fe} foundation model research: one model integrating perception, decision-making and control"),
    ("{f} 경량화·저전력 추론 기술로 비용 곡선의 한계를 넘는 효율성 달성",
     "Lightweight, low-power {fe} inference that beats the limits of the cost curve"),
    ("{f} 데이터 표준화와 개방, 공공 데이터 품질 관리 체계 마련",
     "Standardising and opening {fe} data, with quality management for public data"),
    ("{f} 안전성 평가와 벤치마크 기반 검증 체계 구축",
     "Safety evaluation and benchmark-based verification for {fe}"),
]  # fmt: skip
NOTES = [
    ("{p}년 {m}월 {f} 분야 업무협약(MOU)을 체결하고 공동 연구를 시작",
     "Signed a memorandum of understanding in {fe} in {m}/{p} and started joint research"),
    ("미국, 캐나다, 프랑스 등 해외 유수기관과 {f} 관련 국제 공동연구 {n}건 수행",
     "{n} international joint studies in {fe} with leading institutions in the US, Canada and France"),
    ("{f} 성과 발표회와 정기적인 국제 세미나를 매년 개최",
     "Holds a yearly {fe} results showcase and regular international seminars"),
]  # fmt: skip
MILESTONE_TITLES = [
    ("{t} 공모 시작", "Call for proposals opens"), ("{t} 선정 결과 발표", "Selection announced"),
    ("1차 단계평가", "First stage evaluation"), ("{t} 착수식", "Kickoff ceremony"),
    ("성과 발표회", "Results showcase"), ("대국민 콘테스트", "Public contest"),
    ("{t} 개소식", "Opening ceremony"), ("최종 평가", "Final evaluation"),
]  # fmt: skip


def cache_path(entities: int) -> Path:
    """Where the store with `entities` entities of this generator version lives."""
    return CACHE_DIR / f"store-{entities}-v{GENERATOR_VERSION}.db"


def _dates(rng: random.Random, anchor: date) -> FuzzyDate:
    """A date as news gives it, at a random precision within ±2 years of `anchor`."""
    day = anchor + timedelta(days=rng.randint(-700, 700))
    y, m = day.year, day.month
    kind = rng.choices(
        ["day", "month", "late_month", "early_month", "quarter", "half", "late_year", "year", "by", "range", "unknown"],
        weights=[25, 20, 8, 4, 6, 6, 6, 6, 5, 8, 6],
    )[0]  # fmt: skip
    if kind == "day":
        return FuzzyDate.from_edtf(f"{y}년 {m}월 {day.day}일", day.isoformat(), "day")
    if kind == "month":
        return FuzzyDate.from_edtf(f"{y}년 {m}월", f"{y}-{m:02d}", kind)
    if kind == "early_month":
        return FuzzyDate.from_edtf(f"{y}년 {m}월 초", f"{y}-{m:02d}-01/{y}-{m:02d}-10", kind)
    if kind == "late_month":
        last = calendar.monthrange(y, m)[1]
        return FuzzyDate.from_edtf(f"{y}년 {m}월 말", f"{y}-{m:02d}-21/{y}-{m:02d}-{last}", kind)
    if kind == "quarter":
        q = (m - 1) // 3 + 1
        return FuzzyDate.from_edtf(f"{y}년 {q}분기", f"{y}-{32 + q}", "quarter")
    if kind == "half":
        h = 1 if m <= 6 else 2
        return FuzzyDate.from_edtf(f"{y}년 {'상' if h == 1 else '하'}반기", f"{y}-{39 + h}", "half")
    if kind == "late_year":
        return FuzzyDate.from_edtf(f"{y}년 말", f"{y}-11/{y}-12", "late_year")
    if kind == "year":
        return FuzzyDate.from_edtf(f"{y}년", str(y), "year")
    if kind == "by":
        return FuzzyDate.from_edtf(f"{y}년까지", f"../{y}", "by")
    if kind == "range":
        end = day + timedelta(days=rng.randint(2, 60))
        return FuzzyDate.from_edtf(
            f"{day.isoformat()}~{end.isoformat()}", f"{day.isoformat()}/{end.isoformat()}", "range"
        )
    return FuzzyDate.from_edtf("미정", None, "unknown")


class _DatePool:
    """A few thousand parsed dates reused at random: parsing is not what is being measured."""

    def __init__(self, rng: random.Random, anchor: date, size: int = 4000) -> None:
        self.rng = rng
        self.items = [_dates(rng, anchor) for _ in range(size)]

    def pick(self) -> FuzzyDate:
        return self.rng.choice(self.items)


def _acronym(english: str) -> str:
    words = [w for w in english.replace(",", "").split() if w.lower() not in ("and", "of", "the")]
    return "".join(w[0] for w in words if w[0].isalpha()).upper()


class _Names:
    """Unique Korean names: a collision gets a branch or round number, as real ones do."""

    def __init__(self) -> None:
        self.used: dict[str, int] = {}

    def unique(self, ko: str, en: str, style: str) -> tuple[str, str]:
        key = name_key(ko)
        count = self.used.get(key, 0)
        self.used[key] = count + 1
        if count == 0:
            return ko, en
        if style == "program":
            return f"제{count + 1}차 {ko}", f"{en} {count + 1}"
        return f"{ko} {count + 1}분원", f"{en} Branch {count + 1}"


class _Generator:
    """Rows for every table, drawn from one seeded random generator (reproducible)."""

    def __init__(self, entities: int) -> None:
        self.n = entities
        self.rng = random.Random(SEED)
        self.anchor = date(2025, 11, 1)
        self.dates = _DatePool(self.rng, self.anchor)
        self.names = _Names()
        self.classes = self._classes()
        self.ids = [f"{c[0]}{i}" for i, c in enumerate(self.classes)]
        self.by_class: dict[str, list[str]] = {}
        for entity_id, cls in zip(self.ids, self.classes, strict=True):
            self.by_class.setdefault(cls, []).append(entity_id)
        self.ministry_ids = self.by_class["institution"][: len(MINISTRIES)]
        self.sources = [f"src{i}" for i in range(SOURCES)]

    def _classes(self) -> list[str]:
        out = []
        for cls, share in CLASS_SHARE:
            out += [cls] * max(1, round(self.n * share))
        out = out[: self.n]
        self.rng.shuffle(out)
        return out

    def source_rows(self) -> Iterator[tuple[Any, ...]]:
        publishers = [("헬로티", "HelloT"), ("지디넷코리아", "ZDNet Korea"), ("전자신문", "etnews"),
                      ("바이라인네트워크", "Byline Network"), ("연합뉴스", "Yonhap"), ("데일리안", "Dailian")]  # fmt: skip
        for i, source_id in enumerate(self.sources):
            ko, en = publishers[i % len(publishers)]
            when = (
                self.dates.pick()
                if i % 4
                else FuzzyDate.from_edtf("2025년 8월 13일", "2025-08-13", "day")
            )
            if when.precision == "unknown":
                when = FuzzyDate.from_edtf("2025년 9월", "2025-09", "month")
            yield (
                source_id, ko, en, f"기자{i}", f"{self.rng.choice(FIELDS)[0]} 정책 기사 {i}",
                f"https://news.example/{i}", None, when.text, when.edtf, when.precision,
                when.earliest and when.earliest.isoformat(), when.latest and when.latest.isoformat(),
                None, 1,
            )  # fmt: skip

    def _entity_names(self, index: int, cls: str) -> tuple[str, str, str | None, str | None, str]:
        """Korean name, English name, acronym, short alias and kind of one entity."""
        rng = self.rng
        if cls == "institution" and self.ids[index] in self.ministry_ids:
            ko, en, acronym, alias = MINISTRIES[self.ministry_ids.index(self.ids[index])]
            self.names.unique(ko, en, cls)
            return ko, en, acronym, alias, "ministry"
        if cls == "person":
            (sk, se), (g1k, g1e), (g2k, g2e) = (
                rng.choice(SURNAMES),
                rng.choice(GIVEN),
                rng.choice(GIVEN),
            )
            return f"{sk}{g1k}{g2k}", f"{se} {g1e.capitalize()}-{g2e}", None, None, "person"
        prefix, field = rng.choice(PREFIXES), rng.choice(FIELDS)
        if cls == "institution" and rng.random() < 0.25:
            (ak, ae), (bk, be) = rng.choice(COMPANY_PARTS), rng.choice(COMPANY_SUFFIXES)
            ko, en = self.names.unique(f"{ak}{bk}", f"{ae}{be}", cls)
            return ko, en, None, None, "company"
        if cls == "institution":
            tk, te, kind = rng.choice(INSTITUTION_TYPES)
            second = rng.choice(FIELDS) if rng.random() < 0.5 else None
            ko = f"{prefix[0]}{field[0]}{second[0] if second else ''}{tk}"
            en = f"{prefix[1]} {field[1]}{' ' + second[1] if second else ''} {te}"
            ko, en = self.names.unique(ko, en, cls)
            alias = f"{field[0]}{tk[:1]}" if rng.random() < 0.3 else None
            return ko, en, _acronym(en), alias, kind
        tk, te, kind = rng.choice(PROGRAM_TYPES)
        second = rng.choice(FIELDS)
        ko = f"{prefix[0]} {field[0]} {second[0]} {tk}"
        en = f"{prefix[1]} {field[1]} {second[1]} {te}"
        ko, en = self.names.unique(ko, en, "program")
        alias = f"{field[0]} {second[0]} {tk}" if rng.random() < 0.3 else None
        return ko, en, (_acronym(en) if rng.random() < 0.4 else None), alias, kind

    def entity_rows(self) -> Iterator[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]:
        """Each entity's row with its alias rows."""
        for index, (entity_id, cls) in enumerate(zip(self.ids, self.classes, strict=True)):
            ko, en, acronym, alias, kind = self._entity_names(index, cls)
            if cls == "person":
                en_name = None if self.rng.random() < 0.6 else en
                summary = (
                    f"{self.rng.choice(ROLES)[0]}, {self.rng.choice(FIELDS)[0]} 전문가.",
                    None,
                )
            else:
                en_name = en
                field = self.rng.choice(FIELDS)
                summary = (
                    f"{ko}은(는) {field[0]} 분야를 이끄는 {'사업' if cls == 'program' else '기관'}으로, "
                    f"{self.rng.randint(2015, 2025)}년부터 {self.rng.choice(FIELDS)[0]} 협력을 넓혀 왔다.",
                    f"{en} leads work in {field[1]} and has widened cooperation since {self.rng.randint(2015, 2025)}.",
                )
            row = (entity_id, cls, kind, nfc(ko), en_name, acronym, summary[0], summary[1],
                   self.rng.choice(self.sources), 1)  # fmt: skip
            aliases, keys = [], set()
            for alias_kind, name in (
                ("name_ko", ko),
                ("name_en", en_name),
                ("acronym", acronym),
                ("alias", alias),
            ):
                key = name_key(name) if name else ""
                if key and key not in keys:
                    keys.add(key)
                    aliases.append((entity_id, nfc(name), alias_kind, key, choseong(name)))  # type: ignore[arg-type]
            yield row, aliases

    def _text(self, templates: list[tuple[str, str]]) -> tuple[str, str]:
        ko, en = self.rng.choice(templates)
        field = self.rng.choice(FIELDS)
        values = {"f": field[0], "fe": field[1], "n": self.rng.randint(2, 500),
                  "p": self.rng.randint(2024, 2028), "m": self.rng.randint(1, 12)}  # fmt: skip
        values["p"] = values["p"] if "년" in ko else self.rng.randint(30, 95)
        return ko.format(**values), en.format(**values)

    # A fact row: attribute, text, text_en, money, number, unit, date text, date EDTF,
    # date precision, linked entity, role_ko, role_en, qualifiers.
    def _link(self, attr: str, target: str, role: tuple[str, str] | None) -> tuple[Any, ...]:
        ko, en = role or (None, None)
        return (attr, None, None, None, None, None, None, None, None, target, ko, en, "{}")

    def _text_fact(self, attr: str, templates: list[tuple[str, str]]) -> tuple[Any, ...]:
        ko, en = self._text(templates)
        return (attr, ko, en, None, None, None, None, None, None, None, None, None, "{}")

    def _money(self, attr: str) -> tuple[Any, ...]:
        as_of = self.dates.pick()
        qualifier = {
            "as_of": {"text": as_of.text, "edtf": as_of.edtf, "precision": as_of.precision}
        }
        won = self.rng.randint(1, 50000) * 100_000_000
        qualifiers = json.dumps(qualifier, ensure_ascii=False)
        return (attr, None, None, won, None, None, None, None, None, None, None, None, qualifiers)

    def _number(self, attr: str, unit: str) -> tuple[Any, ...]:
        value = float(self.rng.randint(2, 200))
        return (attr, None, None, None, value, unit, None, None, None, None, None, None, "{}")

    def _facts_of(self, entity_id: str, cls: str) -> list[tuple[Any, ...]]:
        rng = self.rng
        institutions, people = self.by_class["institution"], self.by_class.get("person", [])
        persons = [
            self._link("person", rng.choice(people), rng.choice(ROLES))
            for _ in range({"program": 3, "institution": 2}.get(cls, 0))
            if people
        ]
        if cls == "program":
            return [
                self._link("ministry", rng.choice(self.ministry_ids), None),
                self._link("lead", rng.choice(institutions), ("주관기관", "Lead institution")),
                *[self._link("participant", rng.choice(institutions), ("참여기관", "Participant"))
                  for _ in range(3)],
                *persons,
                self._money("budget"),
                self._text_fact("goal", GOALS),
                self._text_fact("support", SUPPORTS),
                self._text_fact("research_area", AREAS),
                self._number("team_count", "개팀"),
                self._text_fact("evaluation", GOALS),
                self._text_fact("note", NOTES),
            ]  # fmt: skip
        if cls == "institution":
            parent = [] if entity_id in self.ministry_ids else [
                self._link("ministry", rng.choice(self.ministry_ids), None)
            ]  # fmt: skip
            return [
                *parent,
                *persons,
                self._text_fact("location", [(f"{rng.choice(PREFIXES)[0]} 본원", "Main campus")]),
                self._text_fact("research_area", AREAS),
                self._text_fact("research_area", AREAS),
                self._text_fact("note", NOTES),
                self._text_fact("note", NOTES),
                self._number("member_count", "개 기관"),
                self._money("investment"),
            ]
        return [
            self._text_fact("note", NOTES),
            self._link("partner", rng.choice(institutions), rng.choice(ROLES)),
            self._text_fact("research_area", AREAS),
        ]

    def fact_rows(self) -> Iterator[tuple[Any, ...]]:
        """About ten facts per entity, in the mix the real data set has; 2% deprecated."""
        for entity_id, cls in zip(self.ids, self.classes, strict=True):
            for fact in self._facts_of(entity_id, cls):
                rank = "deprecated" if self.rng.random() < 0.02 else "normal"
                yield (entity_id, *fact, rank, self.rng.choice(self.sources), 1)

    def milestone_rows(self) -> Iterator[tuple[Any, ...]]:
        """N milestones, most on programs, with every date precision and status."""
        owners = self.by_class["program"] * 3 + self.by_class["institution"]
        for _ in range(self.n):
            entity_id = self.rng.choice(owners)
            when = self.dates.pick()
            ko, en = self.rng.choice(MILESTONE_TITLES)
            topic = self.rng.choice(FIELDS)[0]
            if when.precision == "unknown":
                status = "unknown"
            elif when.latest and when.latest < self.anchor:
                status = "done" if self.rng.random() < 0.85 else "planned"
            else:
                status = "cancelled" if self.rng.random() < 0.03 else "planned"
            yield (entity_id, ko.format(t=topic), en, when.text, when.edtf, when.precision,
                   when.earliest and when.earliest.isoformat(), when.latest and when.latest.isoformat(),
                   status, self.rng.choice(self.sources), 1)  # fmt: skip


def _batched(rows: Iterator[tuple[Any, ...]], size: int = 20000) -> Iterator[list[tuple[Any, ...]]]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def generate(path: Path, entities: int) -> dict[str, float]:
    """Write a synthetic store with `entities` entities to `path`; returns seconds per phase."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    db = connect(path)
    conn = db.conn
    migrate(db)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA foreign_keys = OFF")  # rows are consistent by construction
    conn.execute("PRAGMA cache_size = -262144")
    gen = _Generator(entities)
    data, _ = read_dataset()
    with conn:
        conn.execute(
            "INSERT INTO revisions (id, at, actor, action, reason, summary) VALUES"
            " (1, '2025-11-01T00:00:00+00:00', 'bench', 'dataset.load', 'synthetic benchmark store', ?)",
            [f"bench generator v{GENERATOR_VERSION}, {entities} entities"],
        )
        conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            [("dataset_version", f"bench-{GENERATOR_VERSION}"), ("dataset_sha256", "synthetic")],
        )
        conn.executemany(
            "INSERT INTO attributes (id, label_ko, label_en, value_type, created_rev) VALUES (?, ?, ?, ?, 1)",
            [(a["id"], a["ko"], a["en"], a["type"]) for a in data["attributes"]],
        )
        conn.executemany(
            "INSERT INTO sources (id, publisher, publisher_en, author, title, url, file,"
            " published_text, published_edtf, published_precision, published_earliest,"
            f" published_latest, published_note, created_rev) VALUES ({', '.join('?' * 14)})",
            gen.source_rows(),
        )
        for batch in _batched(gen.entity_rows(), 5000):  # type: ignore[arg-type]
            conn.executemany(
                "INSERT INTO entities (id, class, kind, name_ko, name_en, acronym, summary_ko,"
                " summary_en, source_id, created_rev) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [row for row, _ in batch],
            )
            conn.executemany(
                "INSERT INTO aliases (entity_id, alias, kind, key, choseong) VALUES (?, ?, ?, ?, ?)",
                [alias for _, aliases in batch for alias in aliases],
            )
        for batch in _batched(gen.fact_rows()):
            conn.executemany(
                "INSERT INTO facts (entity_id, attribute, value_text, value_text_en, value_money,"
                " value_number, unit, value_date_text, value_date_edtf, value_date_precision,"
                " value_entity, role_ko, role_en, qualifiers, rank, source_id, created_rev)"
                f" VALUES ({', '.join('?' * 17)})",
                batch,
            )
        for batch in _batched(gen.milestone_rows()):
            conn.executemany(
                "INSERT INTO milestones (entity_id, title_ko, title_en, date_text, date_edtf,"
                " precision, earliest, latest, status, source_id, created_rev)"
                f" VALUES ({', '.join('?' * 11)})",
                batch,
            )
    timings["rows_s"] = time.perf_counter() - started
    started = time.perf_counter()
    with conn:
        conn.execute("BEGIN")
        rebuild_search(db)
    timings["search_index_s"] = time.perf_counter() - started
    started = time.perf_counter()
    # No ANALYZE: the bot's own stores never run it, so plans here must be the plans there.
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    timings["finish_s"] = time.perf_counter() - started
    return timings


def ensure_store(entities: int, *, quiet: bool = False) -> Path:
    """The cached store for `entities`, generating it first when it is missing, and
    migrating it when its schema is behind: once here, rather than in every run's copy
    (at 100k entities a migration that rebuilds the search words takes minutes)."""
    path = cache_path(entities)
    if path.exists():
        db = connect(path, create=False)
        try:
            migrate(db)
        finally:
            db.conn.close()
        return path
    tmp = path.with_suffix(".tmp")
    for stale in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        stale.unlink(missing_ok=True)
    if not quiet:
        print(f"generating a {entities}-entity store at {path} …", file=sys.stderr, flush=True)
    timings = generate(tmp, entities)
    tmp.rename(path)
    if not quiet:
        print(f"generated in {sum(timings.values()):.1f} s {timings}", file=sys.stderr, flush=True)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("entities", type=int, nargs="?", default=100_000)
    args = parser.parse_args()
    print(ensure_store(args.entities))
    return 0


if __name__ == "__main__":
    sys.exit(main())
