"""Korean and English strings for everything the bot says, and locale selection.

Korean is the default; a Discord user whose client is set to any English locale gets
English. Strings are looked up by key so both languages always say the same thing.
"""

from __future__ import annotations

LOCALES = ("ko", "en")
DEFAULT_LOCALE = "ko"

MESSAGES: dict[str, tuple[str, str]] = {
    # Command and option names as Discord shows them in each language.
    "name.program": ("프로그램", "program"),
    "name.institution": ("기관", "institution"),
    "name.milestones": ("일정", "milestones"),
    "name.search": ("검색", "search"),
    "name.about": ("정보", "about"),
    "opt.name": ("이름", "name"),
    "opt.program": ("프로그램", "program"),
    "opt.days": ("일수", "days"),
    "opt.past": ("지난일정", "past"),
    "opt.query": ("검색어", "query"),
    "opt.page": ("쪽", "page"),
    "opt.format": ("형식", "format"),
    "choice.format.text": ("목록", "list"),
    "choice.format.ics": ("달력 파일 (.ics)", "calendar file (.ics)"),
    # Command names and descriptions (also used for Discord localisation).
    "cmd.program": (
        "프로그램 카드: 무엇인지, 누가 하는지, 예산과 일정, 출처",
        "Program card: what it is, who runs it, money, milestones, sources",
    ),
    "cmd.program.name": (
        "프로그램 이름 (한국어, 영어, 약어)",
        "Program name (Korean, English or acronym)",
    ),
    "cmd.institution": (
        "기관 카드: 이름, 종류, 참여 프로그램과 역할, 인물, 출처",
        "Institution card: names, kind, programs and roles, people, sources",
    ),
    "cmd.institution.name": (
        "기관 이름 (한국어, 영어, 약어)",
        "Institution name (Korean, English or acronym)",
    ),
    "cmd.milestones": ("다가오는(또는 지난) 일정", "Upcoming (or recent) milestones"),
    "cmd.milestones.program": ("이 프로그램의 일정만", "Only this program's milestones"),
    "cmd.milestones.days": ("며칠 동안 (기본 30일)", "How many days (default 30)"),
    "cmd.milestones.past": ("지난 일정 보기", "Show past milestones instead"),
    "cmd.milestones.format": (
        "목록(text) 또는 달력 파일(ics)",
        "A list (text) or a calendar file (ics)",
    ),
    "cmd.search": ("모든 사실에서 검색", "Search everything the bot knows"),
    "cmd.search.query": ("검색어 (모든 단어가 포함된 결과)", "Search words (all must match)"),
    "cmd.search.page": ("쪽 번호", "Page number"),
    "cmd.about": ("봇이 아는 것과 사용법", "What the bot knows and how to ask"),
    # Counting units of numeric facts, as the data set writes them (Korean), in English.
    "unit.개팀": ("개팀", "teams"),
    "unit.개 기관": ("개 기관", "institutions"),
    "unit.석": ("석", "seats"),
    "unit.장": ("장", "GPUs"),
    # Entity kinds.
    "kind.project": ("프로젝트", "Project"),
    "kind.lab": ("연구 거점·랩", "Lab"),
    "kind.forum": ("포럼·토론회", "Forum"),
    "kind.committee": ("위원회", "Committee"),
    "kind.policy": ("정책", "Policy"),
    "kind.event": ("행사", "Event"),
    "kind.ministry": ("정부 부처", "Ministry"),
    "kind.agency": ("공공기관", "Public agency"),
    "kind.council": ("연구회", "Research council"),
    "kind.research_institute": ("연구기관", "Research institute"),
    "kind.company": ("기업", "Company"),
    "kind.university": ("대학", "University"),
    "kind.local_government": ("지방자치단체", "Local government"),
    "kind.legislature": ("입법기관", "Legislature"),
    "kind.facility": ("시설", "Facility"),
    "kind.person": ("인물", "Person"),
    # Card sections.
    "card.kind": ("종류", "Kind"),
    "card.names": ("이름", "Names"),
    "card.upcoming": ("다음 일정", "Next milestones"),
    "card.recent": ("최근 일정", "Recent milestones"),
    "card.undated": ("날짜 미정 일정", "Undated milestones"),
    "card.programs": ("참여 프로그램과 역할", "Programs and roles"),
    "card.related": ("관련 항목", "Related"),
    "card.sources": ("출처", "Sources"),
    "card.as_of": ("기준", "As of"),
    "card.more": ("… 외 {count}건", "… and {count} more"),
    "card.deprecated": (
        "이전 값 {count}건은 기록에 보존됨",
        "{count} superseded values kept in history",
    ),
    "card.continued": ("(계속)", "(continued)"),
    "card.inferred": ("추정", "inferred"),
    "card.date_confirmed": ("이후 보도로 확인", "confirmed by later reports"),
    "fact.said_by": ("{name}의 말", "in the words of {name}"),
    "fact.planned": ("계획", "planned"),
    "fact.single_report": ("단일 보도", "single report"),
    "fact.about": ("약 {value}", "about {value}"),
    "card.description_name": (
        "※ 기사에 고유한 이름이 없어, 기사가 설명한 말로 부릅니다.",
        "※ The articles give it no proper name: it is called by their description.",
    ),
    "card.general_knowledge": ("기사 밖 일반 지식", "general knowledge, not from the articles"),
    "role.as_of": ("{role} ({date} 기사 기준)", "{role} (as of a {date} report)"),
    "role.then": ("당시 {role}, {date} 기사", "then {role}, {date} report"),
    "ms.date_unknown": ("날짜 미정", "date not reported"),
    "age.days": ("{days}일 전", "{days} days ago"),
    "age.today": ("오늘", "today"),
    "card.stale": (
        "⚠ 이 카드의 가장 최근 출처는 {days}일 전 기사입니다. 그 뒤의 변화는 반영되지 않았을 수 있습니다.",
        "⚠ The newest source of this card is {days} days old; later changes may be missing.",
    ),
    "ms.newest": (
        "가장 최근 출처: {date} ({days}일 전).",
        "The newest source the bot has is from {date} ({days} days ago).",
    ),
    "ms.add_news": (
        "새 소식은 관리자가 `/source add`, `/fact set`, `/milestone update`로 더할 수 있습니다.",
        "Admins add news with `/source add`, `/fact set` and `/milestone update`.",
    ),
    # Milestones.
    "ms.title.upcoming": (
        "다가오는 일정 · {start} ~ {end}",
        "Upcoming milestones · {start} – {end}",
    ),
    "ms.title.past": ("지난 일정 · {start} ~ {end}", "Past milestones · {start} – {end}"),
    "ms.for": ("{name}", "{name}"),
    "ms.none": ("이 기간에 해당하는 일정이 없습니다.", "No milestones fall in this window."),
    "ms.surely": ("기간 내", "in window"),
    "ms.possibly": ("기간 내 가능", "possibly in window"),
    "ms.overdue": ("지났지만 완료 표시 없음 (확인 필요)", "Past due and not marked done (check)"),
    "ms.status.planned": ("예정", "planned"),
    "ms.status.done": ("완료", "done"),
    "ms.status.cancelled": ("취소", "cancelled"),
    "ms.status.unknown": ("상태 미상", "status unknown"),
    "ms.heading.window": ("기간 내 일정 · {count}건", "In the window · {count}"),
    "ms.heading.past": ("지난 일정 · {count}건", "Past milestones · {count}"),
    "ms.heading.overdue": (
        "지났지만 완료 표시 없음 (확인 필요) · {count}건",
        "Past due and not marked done (check) · {count}",
    ),
    # Calendar files, pictures and web pages that come with answers.
    "ics.title": ("달력 파일 · {window}", "Calendar file · {window}"),
    "ics.name": ("briefbot 일정", "briefbot milestones"),
    "ics.lead": (
        "달력 파일 `{file}`에 일정 {count}건을 담았습니다: 이 기간에 걸친 일정(완료·취소 포함)과,"
        " 앞으로의 기간이면 기한이 지났지만 완료 표시가 없는 일정입니다. 날짜가 부정확한 일정은"
        " 그 기간 전체에 걸친 종일 일정이며, 제목에 기사에 나온 정밀도(예: 12월 말)와 상태를 적었습니다.",
        "The calendar file `{file}` holds {count} milestones: those whose dates overlap the"
        " window (done and cancelled ones too) and, looking ahead, those past due and not"
        " marked done. A milestone with an imprecise date is an all-day event over its whole"
        " window, titled with the precision the article gave (e.g. late Dec) and its status.",
    ),
    "ics.none": (
        "이 기간에는 일정이 없어 달력 파일 `{file}`이 비어 있습니다.",
        "No milestones fall in this window, so the calendar file `{file}` is empty.",
    ),
    "ics.hint.title": ("쓰는 법", "How to use it"),
    "ics.hint": (
        "달력 앱(구글 캘린더, 애플 캘린더, 아웃룩)에서 가져오세요. 다시 가져오면 같은 일정이"
        " 중복되지 않고 갱신됩니다.",
        "Import it into a calendar app (Google Calendar, Apple Calendar, Outlook). Importing"
        " it again updates the same events rather than duplicating them.",
    ),
    "ics.unavailable": (
        "이 봇에서는 달력 파일을 만들 수 없습니다.",
        "This bot cannot make calendar files.",
    ),
    "card.timeline": (
        "{program} 일정 타임라인 그림 ({count}건)",
        "Timeline picture of {program}'s milestones ({count})",
    ),
    "web.page": ("웹에서 보기", "View on the web"),
    "web.calendar": ("달력 구독 주소", "Calendar feed"),
    "ms.hint": (
        "날짜가 부정확한 일정은 기간과 겹치면 '가능'으로 표시합니다.",
        "Milestones with imprecise dates are marked 'possibly' when they overlap the window.",
    ),
    # Search.
    "search.title": ("검색: {query}", "Search: {query}"),
    "search.none": ("'{query}'에 해당하는 결과가 없습니다.", "Nothing matches '{query}'."),
    "search.page": (
        "{page}/{pages}쪽 · {count}개 항목{more}",
        "Page {page} of {pages} · {count} entries{more}",
    ),
    "search.more": (" 이상", "+"),
    "search.previous": ("◀ {page}쪽", "◀ Page {page}"),
    "search.next_page": ("{page}쪽 ▶", "Page {page} ▶"),
    "page.previous": ("이전 쪽: {command}", "Previous page: {command}"),
    "page.next": ("다음 쪽: {command}", "Next page: {command}"),
    "reply.pick": ("이 가운데 하나로 다시 묻기:", "Ask again with one of these:"),
    "search.field.name": ("이름", "name"),
    "search.field.alias": ("별칭", "alias"),
    "search.field.summary": ("요약", "summary"),
    "search.field.fact": ("사실", "fact"),
    "search.field.milestone": ("일정", "milestone"),
    "search.field.role": ("역할", "role"),
    "search.bad_page": (
        "{page}쪽은 없습니다. 1~{pages}쪽이 있습니다.",
        "There is no page {page}; pages run from 1 to {pages}.",
    ),
    # About.
    "about.title": ("briefbot이 아는 것", "What briefbot knows"),
    "about.description": (
        "한국의 공공 AI 프로그램과 기관에 대한 출처가 있는 사실을 답합니다. 모든 사실에는 기사와 날짜가 붙어 있습니다.",
        "Sourced facts about Korea's public AI programs and institutions. Every fact cites its article and date.",
    ),
    "about.counts": ("규모", "Size"),
    "about.counts.value": (
        "프로그램 {programs} · 기관 {institutions} · 인물 {people} · 사실 {facts} · 일정 {milestones} · 출처 {sources}",
        "{programs} programs · {institutions} institutions · {people} people · {facts} facts"
        " · {milestones} milestones · {sources} sources",
    ),
    "about.newest": ("가장 최근 출처", "Newest source"),
    "about.version": ("데이터 버전", "Data set version"),
    "about.version.value": (
        "v{version} · 수정 {revisions}회",
        "v{version} · {revisions} revisions",
    ),
    "about.howto": ("물어보는 법", "How to ask"),
    "about.howto.value": (
        "`/program 국가 AI 연구거점`\n`/institution ETRI`\n`/milestones days:90`\n`/search 평가`",
        "`/program National AI Research Lab`\n`/institution ETRI`\n`/milestones days:90`\n`/search evaluation`",
    ),
    # Not found and errors.
    "nf.title": ("찾을 수 없습니다", "Not found"),
    "nf.title.ambiguous": ("어느 것을 찾으셨나요?", "Which one did you mean?"),
    "nf.hint.title": ("찾는 법", "How to find it"),
    "nf.program": (
        "'{query}'라는 프로그램을 찾지 못했습니다.",
        "I could not find a program called '{query}'.",
    ),
    "nf.institution": (
        "'{query}'라는 기관을 찾지 못했습니다.",
        "I could not find an institution called '{query}'.",
    ),
    "nf.did_you_mean": ("혹시 이것을 찾으셨나요?", "Did you mean"),
    "nf.ambiguous": (
        "'{query}'에 해당하는 항목이 여럿입니다. 하나를 골라 주세요.",
        "'{query}' matches several entries; please pick one.",
    ),
    "nf.elsewhere.program": (
        "{name}은(는) 프로그램이 아니라 기관입니다: `/institution {name}`",
        "{name} is an institution, not a program: `/institution {name}`",
    ),
    "nf.elsewhere.institution": (
        "{name}은(는) 기관이 아닙니다: `/program {name}` 또는 `/search {name}`",
        "{name} is not an institution: try `/program {name}` or `/search {name}`",
    ),
    "nf.hint": (
        "`/search`로 모든 사실을 검색할 수 있습니다.",
        "`/search` looks through every fact.",
    ),
    "err.title": ("요청을 처리할 수 없습니다", "I could not do that"),
    "err.empty": ("{option}을(를) 입력해 주세요.", "Please give {option}."),
    "err.too_long": (
        "{option}이(가) 너무 깁니다 ({length}자). {limit}자 이내로 입력해 주세요.",
        "{option} is too long ({length} characters); keep it under {limit}.",
    ),
    "err.range": (
        "{option}은(는) {low}~{high} 사이여야 합니다 (입력: {value}).",
        "{option} must be between {low} and {high} (got {value}).",
    ),
    "err.not_number": (
        "{option}은(는) 숫자여야 합니다 (입력: {value}).",
        "{option} must be a number (got {value}).",
    ),
    "err.not_bool": (
        "{option}은(는) true 또는 false입니다 (입력: {value}).",
        "{option} is true or false (got {value}).",
    ),
    "err.unknown_command": (
        "알 수 없는 명령입니다: {command}. 명령: {commands}",
        "Unknown command: {command}. Commands: {commands}",
    ),
    "err.takes_no_options": (
        "{command}에는 옵션이 없습니다. 명령만 입력해 주세요 (받은 값: {value})",
        "{command} takes no options; type the command alone (got: {value})",
    ),
    "err.unknown_option": (
        "{command}에는 {option} 옵션이 없습니다. 옵션: {options}",
        "{command} has no option {option}. Options: {options}",
    ),
    "err.choice": (
        "{option}은(는) {choices} 가운데 하나여야 합니다 (받은 값: {value}).",
        "{option} must be one of {choices}, not {value}.",
    ),
    "err.transform": (
        "'{value}'을(를) 이 옵션의 값으로 읽을 수 없습니다.",
        "I could not read '{value}' as this option's value.",
    ),
    "err.permissions": (
        "이 명령에는 권한이 필요합니다: {permissions}",
        "This needs the permissions: {permissions}",
    ),
    "err.refused": ("여기서는 이 명령을 쓸 수 없습니다.", "You cannot use this command here."),
    "err.form_invalid": (
        "이 양식을 읽을 수 없습니다. 양식을 다시 열어 주세요.",
        "I could not read this form; please open it again.",
    ),
    "admin.form.how": ("바꾸는 법", "How to change it"),
    "admin.form.fact.command": (
        "/fact set entity:{entity} attribute:{attribute} value:… source:… — 양식을 보여 줄 수 있는 곳에서는 /fact edit",
        "/fact set entity:{entity} attribute:{attribute} value:… source:… — or /fact edit where forms are shown",
    ),
    "admin.form.milestone.command": (
        "/milestone update milestone:{id} date:… title:… source:…",
        "/milestone update milestone:{id} date:… title:… source:…",
    ),
    "admin.form.forged": (
        "이 양식은 아직 없는 수정 번호를 가리킵니다. 양식을 다시 열어 주세요.",
        "This form names a revision the store has not reached; please open it again.",
    ),
    "choice.language.ko": ("한국어", "Korean"),
    "choice.language.en": ("영어", "English"),
    "name.fact-history": ("사실이력", "fact-history"),
    "name.digest-preview": ("브리핑미리보기", "digest-preview"),
    "console.here": ("이 콘솔", "this console"),
    "console.file_error": (
        "파일을 {folder}에 쓰지 못했습니다: {error}",
        "Could not write the files into {folder}: {error}",
    ),
    "console.one_place": (
        "콘솔은 한 곳뿐입니다: channel 없이 입력해 주세요.",
        "The console is a single place: leave out channel.",
    ),
    "err.internal": (
        "예상치 못한 오류가 났습니다. 기록해 두었으니 잠시 후 다시 시도해 주세요.",
        "Something went wrong on my side. It has been logged; please try again shortly.",
    ),
    "err.cooldown": (
        "잠시 후 다시 시도해 주세요 ({seconds:.0f}초).",
        "Please try again in {seconds:.0f} seconds.",
    ),
    "err.expired": (
        "이 결과는 만료되었습니다. 다시 검색해 주세요.",
        "These results have expired; please search again.",
    ),
    # Scheduled milestone digests (bot/digest).
    # Admin commands: names, descriptions and what they say.
    "name.fact": ("사실", "fact"),
    "name.fact.set": ("설정", "set"),
    "name.fact.retire": ("폐기", "retire"),
    "name.fact.history": ("이력", "history"),
    "name.fact.revert": ("되돌리기", "revert"),
    "name.fact.edit": ("편집", "edit"),
    "name.milestone": ("마일스톤", "milestone"),
    "name.milestone.add": ("추가", "add"),
    "name.milestone.update": ("수정", "update"),
    "name.milestone.done": ("완료", "done"),
    "name.milestone.cancel": ("취소", "cancel"),
    "name.entity": ("항목", "entity"),
    "name.entity.add": ("추가", "add"),
    "name.alias": ("별칭", "alias"),
    "name.alias.add": ("추가", "add"),
    "name.source": ("출처", "source"),
    "name.source.add": ("추가", "add"),
    "cmd.fact": ("사실 고치기와 이력 (관리자)", "Change facts and see their history (admins)"),
    "cmd.fact.set": (
        "사실을 추가하거나 새 값으로 바꿉니다",
        "Add a statement or supersede the current one",
    ),
    "cmd.fact.retire": (
        "현재 진술을 폐기합니다 (삭제하지 않음)",
        "Deprecate the current statement (nothing is deleted)",
    ),
    "cmd.fact.history": ("누가 언제 왜 무엇을 바꿨는지", "Who changed what, when and why"),
    "cmd.fact.revert": (
        "한 변경을 되돌리는 새 변경을 만듭니다",
        "Undo one revision with a new revision",
    ),
    "cmd.fact.edit": (
        "현재 값이 채워진 양식으로 고칩니다",
        "Edit in a form filled with the current value",
    ),
    "cmd.milestone": ("일정 추가와 수정 (관리자)", "Add and update milestones (admins)"),
    "cmd.milestone.add": ("프로그램에 일정을 추가합니다", "Add a milestone to a program"),
    "cmd.milestone.update": (
        "일정을 고칩니다 (옵션 없이 쓰면 양식)",
        "Change a milestone (a form when no option is given)",
    ),
    "cmd.milestone.done": ("일정을 완료로 표시합니다", "Mark a milestone done"),
    "cmd.milestone.cancel": ("일정을 취소로 표시합니다", "Mark a milestone cancelled"),
    "cmd.entity": (
        "프로그램·기관·인물 추가 (관리자)",
        "Add programs, institutions, people (admins)",
    ),
    "cmd.entity.add": (
        "새 프로그램·기관·인물을 추가합니다",
        "Add a program, institution or person",
    ),
    "cmd.alias": ("이름의 별칭 (관리자)", "Aliases of names (admins)"),
    "cmd.alias.add": ("찾을 수 있는 다른 이름을 더합니다", "Add another name to find an entity by"),
    "cmd.source": ("출처 기사 (관리자)", "Source articles (admins)"),
    "cmd.source.add": ("인용할 수 있는 출처를 등록합니다", "Register a source facts can cite"),
    "opt.entity": ("대상", "entity"),
    "opt.attribute": ("속성", "attribute"),
    "opt.value": ("값", "value"),
    "opt.value_en": ("영문값", "value_en"),
    "opt.source": ("출처", "source"),
    "opt.reason": ("사유", "reason"),
    "opt.unit": ("단위", "unit"),
    "opt.label": ("속성이름", "label"),
    "opt.replaces": ("대체할사실", "replaces"),
    "opt.add": ("함께추가", "add"),
    "opt.revision": ("변경번호", "revision"),
    "opt.title": ("제목", "title"),
    "opt.title_en": ("영문제목", "title_en"),
    "opt.date": ("날짜", "date"),
    "opt.milestone": ("일정", "milestone"),
    "opt.kind": ("종류", "kind"),
    "opt.name_ko": ("한국어이름", "name_ko"),
    "opt.name_en": ("영문이름", "name_en"),
    "opt.acronym": ("약어", "acronym"),
    "opt.aliases": ("별칭들", "aliases"),
    "opt.summary": ("요약", "summary"),
    "opt.summary_en": ("영문요약", "summary_en"),
    "opt.alias": ("별칭", "alias"),
    "opt.publisher": ("매체", "publisher"),
    "opt.published": ("발행일", "published"),
    "opt.url": ("주소", "url"),
    "desc.entity": ("프로그램·기관·인물 이름", "Program, institution or person"),
    "desc.program": ("프로그램 이름", "Program name"),
    "desc.attribute": (
        "속성 (예: budget, lead); 새 속성은 label도 주세요",
        "Attribute (e.g. budget, lead); a new one needs label",
    ),
    "desc.value": (
        "값: 금액 9,460억 원, 날짜 2026년 상반기, 기관 이름, 글",
        "Value: money 9,460억 원, date 2026년 상반기, a name, text",
    ),
    "desc.value_en": ("영문 값 (글일 때)", "English wording (for text)"),
    "desc.source": (
        "출처 id 또는 기사 주소 (여럿이면 쉼표로, 주된 것 먼저)",
        "Source id or article URL (several: commas, the primary first)",
    ),
    "desc.reason": ("바꾸는 이유 (이력에 남음)", "Why (kept in the history)"),
    "desc.unit": ("숫자의 단위 (예: 개팀)", "Unit of a number (e.g. 개팀)"),
    "desc.label": ("새 속성의 한국어 이름", "Korean label of a new attribute"),
    "desc.replaces": (
        "여러 진술 중 바꿀 사실 번호",
        "Which statement to replace, when there are several",
    ),
    "desc.add": ("기존 진술을 두고 하나 더 추가", "Keep the current statements and add one"),
    "desc.revision": ("되돌릴 변경 번호 (/fact history)", "Revision to undo (see /fact history)"),
    "desc.title": ("일정 제목", "Milestone title"),
    "desc.title_en": ("영문 제목", "English title"),
    "desc.date": (
        "2026년 상반기, 12월 말, 2026-03-15, 2028년까지, EDTF",
        "2026년 상반기, 12월 말, 2026-03-15, 2028년까지 or EDTF",
    ),
    "desc.milestone": ("일정 (제목이나 번호로 찾기)", "Milestone (find by title or number)"),
    "desc.kind": (
        "종류 (project, lab, research_institute, person …)",
        "Kind (project, lab, research_institute, person …)",
    ),
    "desc.name_ko": ("한국어 이름", "Korean name"),
    "desc.name_en": ("영문 이름", "English name"),
    "desc.acronym": ("약어 (예: ETRI)", "Acronym (e.g. ETRI)"),
    "desc.aliases": ("다른 이름들, 쉼표로 구분", "Other names, separated by commas"),
    "desc.summary": ("한 문장 요약", "One-sentence summary"),
    "desc.summary_en": ("영문 요약", "English summary"),
    "desc.alias": ("더할 이름", "Name to add"),
    "desc.publisher": ("매체 이름", "Publisher"),
    "desc.published": (
        "발행일 (2025-08-13, 2025년 8월)",
        "Publication date (2025-08-13, 2025년 8월)",
    ),
    "desc.url": ("기사 주소", "Article URL"),
    "admin.refused": (
        "사실은 모든 서버가 함께 보므로, 설정된 관리자만 바꿀 수 있습니다. 봇 운영자에게 [admins] 설정을 요청하세요.",
        "Facts are shared by every server, so only configured admins may change them."
        " Ask the bot's operator to add you under [admins].",
    ),
    "admin.done": ("변경 #{revision} 저장됨", "Saved as revision #{revision}"),
    "admin.undo.title": ("되돌리려면", "To undo"),
    "admin.undo": ("`/fact revert revision:{revision}`", "`/fact revert revision:{revision}`"),
    "admin.by": ("작성: {actor}", "By: {actor}"),
    "admin.why": ("사유: {reason}", "Why: {reason}"),
    "admin.audit": ("📝 사실 변경 #{revision}", "📝 Fact change #{revision}"),
    "admin.history": ("이력: {name}", "History: {name}"),
    "admin.history.hint": (
        "최근 변경부터. `/fact revert revision:번호`로 되돌릴 수 있습니다.",
        "Newest first. `/fact revert revision:N` undoes one.",
    ),
    "admin.history.none": ("기록된 변경이 없습니다.", "No recorded change."),
    "admin.form.milestone": ("일정 #{id} 수정", "Edit milestone #{id}"),
    "admin.form.fact": ("사실 수정", "Edit a fact"),
    "admin.form.several": (
        "진술이 {count}개라 양식으로 고칠 수 없습니다. `/fact set`의 replaces로 하나를 고르세요.",
        "There are {count} statements; choose one with `/fact set` and replaces.",
    ),
    # /digest: names and descriptions as Discord shows them.
    "name.digest": ("브리핑", "digest"),
    "name.digest.subscribe": ("구독", "subscribe"),
    "name.digest.unsubscribe": ("구독해지", "unsubscribe"),
    "name.digest.pause": ("일시중지", "pause"),
    "name.digest.resume": ("재개", "resume"),
    "name.digest.list": ("목록", "list"),
    "name.digest.preview": ("미리보기", "preview"),
    "opt.channel": ("채널", "channel"),
    "opt.schedule": ("주기", "schedule"),
    "opt.window": ("기간", "window"),
    "opt.timezone": ("시간대", "timezone"),
    "opt.language": ("언어", "language"),
    "opt.post_empty": ("빈브리핑", "post_empty"),
    "opt.until": ("까지", "until"),
    "cmd.digest": (
        "예정된 일정을 채널에 정기적으로 알립니다",
        "Scheduled milestone digests in a channel",
    ),
    "cmd.digest.subscribe": (
        "채널에 일정 브리핑을 예약합니다 (관리자)",
        "Post a digest to a channel on a schedule (managers)",
    ),
    "cmd.digest.unsubscribe": (
        "채널의 일정 브리핑을 끕니다 (관리자)",
        "Stop a channel's digest (managers)",
    ),
    "cmd.digest.pause": (
        "채널의 일정 브리핑을 잠시 멈춥니다 (관리자)",
        "Pause a channel's digest (managers)",
    ),
    "cmd.digest.resume": (
        "멈춘 일정 브리핑을 다시 보냅니다 (관리자)",
        "Resume a paused digest (managers)",
    ),
    "cmd.digest.list": (
        "이곳의 일정 브리핑과 다음 실행 시각",
        "The digests here with their next and last runs",
    ),
    "cmd.digest.preview": (
        "지금 보낼 브리핑을 나에게만 보여 줍니다",
        "Show only me what a digest would post now",
    ),
    "cmd.digest.channel": ("브리핑을 받을 채널", "Channel that gets the digest"),
    "cmd.digest.schedule": (
        "daily 09:00, weekly mon 09:00, monthly 1 09:00 또는 cron 5필드",
        "daily 09:00, weekly mon 09:00, monthly 1 09:00 or a 5-field cron",
    ),
    "cmd.digest.window": ("며칠 앞까지 볼지 (기본 14일)", "How many days ahead (default 14)"),
    "cmd.digest.timezone": ("시간대 (기본 Asia/Seoul)", "Time zone (default Asia/Seoul)"),
    "cmd.digest.language": ("브리핑 언어", "Digest language"),
    "cmd.digest.post_empty": (
        "알릴 일정이 없을 때도 짧게 보낼지",
        "Post a short note when nothing is due",
    ),
    "cmd.digest.until": (
        "언제까지 (YYYY-MM-DD 또는 YYYY-MM-DD HH:MM)",
        "Until when (YYYY-MM-DD or YYYY-MM-DD HH:MM)",
    ),
    "err.manage_scope": (
        "이곳(서버나 워크스페이스)을 관리하는 사람만 일정 브리핑을 바꿀 수 있습니다.",
        "Only the managers of this server or workspace may change its digests.",
    ),
    "err.needs_scope": (
        "이 명령은 서버나 워크스페이스의 채널에서만 쓸 수 있습니다.",
        "This command works only in a channel of a server or workspace.",
    ),
    "digest.name": ("일정 브리핑", "Milestone digest"),
    "digest.title": ("📅 일정 브리핑 · {start} ~ {end}", "📅 Milestone digest · {start} – {end}"),
    "digest.summary": (
        "기간 내 {surely}건 · 기간 내 가능 {possibly}건 · 확인 필요 {overdue}건 · 변경 {changes}건",
        "{surely} in the window · {possibly} possibly · {overdue} to check · {changes} changes",
    ),
    "digest.late": (
        "⏰ {due}에 보낼 브리핑을 늦게 보냅니다.",
        "⏰ This digest was due at {due} and is sent late.",
    ),
    "digest.empty": (
        "앞으로 {days}일 동안 예정된 일정이 없고, 지난 브리핑 이후 바뀐 내용도 없습니다.",
        "Nothing is due in the next {days} days, and nothing has changed since the last digest.",
    ),
    "digest.surely": ("기간 내 일정", "In the window"),
    "digest.possibly": (
        "기간 내 가능 (날짜가 부정확한 일정)",
        "Possibly in the window (imprecise dates)",
    ),
    "digest.changes": ("지난 브리핑 이후 바뀐 내용", "Changed since the last digest"),
    "digest.source_date": ("최근 보도 {date}", "latest report {date}"),
    "digest.footer": (
        "{schedule} ({timezone}) · 데이터 수정 #{revision}",
        "{schedule} ({timezone}) · data revision #{revision}",
    ),
    "digest.subscribed": (
        "{channel}에 일정 브리핑을 구독했습니다.",
        "{channel} now gets the milestone digest.",
    ),
    "digest.updated": (
        "{channel}의 일정 브리핑 설정을 바꿨습니다.",
        "Updated the milestone digest of {channel}.",
    ),
    "digest.settings": ("설정", "Settings"),
    "digest.settings.value": (
        "{schedule} · {timezone} · {days}일 범위 · {language} · 빈 브리핑 {empty}",
        "{schedule} · {timezone} · {days}-day window · {language} · empty digests {empty}",
    ),
    "digest.empty.post": ("보냄", "posted"),
    "digest.empty.skip": ("보내지 않음", "skipped"),
    "digest.language.ko": ("한국어", "Korean"),
    "digest.language.en": ("영어", "English"),
    "digest.next_runs": ("다음 실행", "Next runs"),
    "digest.unsubscribed": (
        "{channel}의 일정 브리핑 구독을 해지했습니다.",
        "{channel} no longer gets the milestone digest.",
    ),
    "digest.paused": (
        "{channel}의 일정 브리핑을 일시 중지했습니다. `/digest resume`으로 다시 시작합니다.",
        "Paused the milestone digest of {channel}; `/digest resume` restarts it.",
    ),
    "digest.paused_until": (
        "{until}에 자동으로 다시 시작합니다.",
        "It restarts by itself at {until}.",
    ),
    "digest.resumed": (
        "{channel}의 일정 브리핑을 다시 시작했습니다.",
        "Restarted the milestone digest of {channel}.",
    ),
    "digest.already_active": (
        "{channel}의 일정 브리핑은 이미 실행 중입니다.",
        "The milestone digest of {channel} is already running.",
    ),
    "digest.list.title": ("이곳의 일정 브리핑", "Milestone digests here"),
    "digest.list.none": (
        "이곳에는 일정 브리핑 구독이 없습니다. `/digest subscribe`로 시작하세요.",
        "No channel here gets the milestone digest; start one with `/digest subscribe`.",
    ),
    "digest.list.next": ("다음: {when}", "Next: {when}"),
    "digest.list.last": ("최근: {when} · {status}", "Last: {when} · {status}"),
    "digest.list.never": ("최근: 아직 없음", "Last: none yet"),
    "digest.status.active": ("실행 중", "running"),
    "digest.status.paused": ("일시 중지", "paused"),
    "digest.status.disabled": ("중단됨", "stopped"),
    "digest.reason.forbidden": ("권한 없음", "missing permissions"),
    "digest.reason.channel_gone": ("채널 없음", "channel deleted"),
    "digest.delivery.sent": ("보냄", "sent"),
    "digest.delivery.skipped": ("빈 브리핑이라 건너뜀", "empty, skipped"),
    "digest.delivery.failed": ("실패, 다시 시도 예정", "failed, will retry"),
    "digest.delivery.missed": ("봇이 멈춰 있어 놓침", "missed while the bot was down"),
    "digest.delivery.forbidden": ("권한이 없어 못 보냄", "not allowed to post"),
    "digest.delivery.gone": ("채널이 없어 못 보냄", "channel deleted"),
    "digest.delivery.interrupted": ("보내는 중 중단됨", "interrupted while sending"),
    "digest.delivery.claimed": ("보내는 중", "sending"),
    "digest.delivery.late": ("늦게", "late"),
    "digest.preview.skipped": (
        "미리보기: 빈 브리핑이므로 지금이라면 아무것도 보내지 않습니다.",
        "Preview: this digest is empty, so nothing would be posted now.",
    ),
    "digest.err.none": (
        "그 채널에는 일정 브리핑 구독이 없습니다.",
        "That channel does not get the milestone digest.",
    ),
    "digest.err.language": (
        "언어는 ko 또는 en입니다 (입력: {value}).",
        "The language is ko or en (got {value}).",
    ),
    "digest.err.until": (
        "`until`은 앞으로 10년 안의 날짜(YYYY-MM-DD)나 시각(YYYY-MM-DD HH:MM)이어야 합니다"
        " (입력: {value}). 기한 없이 멈추려면 `until` 없이 `/digest pause`.",
        "`until` must be a date (YYYY-MM-DD) or time (YYYY-MM-DD HH:MM) within the next ten"
        " years (got {value}); to pause with no end, leave `until` out.",
    ),
    "digest.notice.title": (
        "일정 브리핑을 보낼 수 없습니다",
        "The milestone digest could not be posted",
    ),
    "digest.notice.forbidden": (
        "{channel}에 글을 쓸 수 없어 일정 브리핑을 일시 중지했습니다. 봇이 그 채널에 글을 쓸 수 있게"
        " 해 주신 뒤 `/digest resume`으로 다시 시작해 주세요.",
        "I am not allowed to post in {channel}, so its milestone digest is paused. Let me post"
        " there, then restart it with `/digest resume`.",
    ),
    "digest.notice.fix": ("고치는 법", "How to fix it"),
    "discord.fix.forbidden": (
        "서버 설정에서 봇에게 이 채널의 '채널 보기', '메시지 보내기', '링크 첨부' 권한을 주세요.",
        "In the server settings, give the bot View Channel, Send Messages and Embed Links there.",
    ),
    # The Slack front end's own words (bot/slack_adapter, bot/render/slack_blocks).
    "slack.fix.forbidden": (
        "그 채널에서 `/invite @briefbot`으로 봇을 초대해 주세요 (비공개 채널은 꼭 필요합니다)."
        " 보관된 채널이라면 보관을 해제하거나 다른 채널을 구독해 주세요.",
        "Invite the bot there with `/invite @briefbot` (a private channel needs it). If the"
        " channel is archived, unarchive it or subscribe another one.",
    ),
    "slack.modal.close": ("취소", "Cancel"),
    "slack.form.submit": ("저장", "Save"),
    "slack.pick.program": ("프로그램 찾기", "Find a program"),
    "slack.pick.institution": ("기관 찾기", "Find an institution"),
    "slack.pick.placeholder": ("이름, 약어 또는 초성", "A name, an acronym or 초성"),
    "slack.pick.submit": ("보기", "Show"),
    "slack.home.more": (
        "더 있습니다: `/milestones`와 `/digest list`로 모두 보세요.",
        "There is more: see it all with `/milestones` and `/digest list`.",
    ),
    "slack.more": (
        "답이 길어 여기까지만 보여 드립니다. 범위를 좁혀 다시 물어 주세요.",
        "The answer is too long to show in full here; please ask for less at a time.",
    ),
    "slack.err.channel": (
        "`channel`은 `#`을 입력해 고른 채널이어야 합니다 (입력: {value}).",
        "`channel` must be a channel picked by typing `#` (got {value}).",
    ),
    "slack.files.for": ("다음 답에 딸린 파일입니다: ", "The files that go with: "),
    "slack.files.direct": (
        "{files} 파일은 봇과의 DM으로 보냈습니다 (이 답은 나만 볼 수 있어 채널에 올리지 않았습니다).",
        "{files} went to your direct messages with the bot (this answer is yours alone, so"
        " it was not shared in the channel).",
    ),
    "slack.files.not_member": (
        "봇이 이 채널에 없어 {files} 파일을 올리지 못했습니다. `/invite @briefbot`으로 초대한 뒤"
        " 다시 물어 주세요.",
        "The bot is not in this channel, so it could not share {files}. Invite it with"
        " `/invite @briefbot` and ask again.",
    ),
    "slack.files.scope": (
        "봇에게 `{scope}` 권한이 없어 {files} 파일을 올리지 못했습니다. 워크스페이스 관리자에게"
        " 앱을 `slack-app-manifest.yaml`대로 다시 설치해 달라고 해 주세요.",
        "The bot lacks the `{scope}` permission, so it could not share {files}. Ask a"
        " workspace admin to reinstall the app from `slack-app-manifest.yaml`.",
    ),
    "slack.files.busy": (
        "Slack이 요청이 많다며 {files} 파일을 받지 않았습니다. 잠시 후 다시 물어 주세요.",
        "Slack is busy and did not take {files}; please ask again in a minute.",
    ),
    "slack.files.failed": (
        "{files} 파일을 올리지 못했습니다. 잠시 후 다시 물어 주세요.",
        "Could not share {files}; please ask again later.",
    ),
    "slack.usage.title": ("브리핑봇 명령", "briefbot commands"),
    "slack.usage.hint": (
        "`/brief 명령 옵션` 또는 각 명령을 바로 쓰세요. 예: `/brief program 국가 AI 연구거점`",
        "Type `/brief COMMAND OPTIONS` or each command directly, e.g. `/brief program KAIST`",
    ),
    "digest.notice.channel_gone": (
        "{channel} 채널을 찾을 수 없어 일정 브리핑을 중단했습니다. 다른 채널에서"
        " `/digest subscribe`로 다시 구독해 주세요.",
        "The channel {channel} no longer exists, so its milestone digest has stopped. Subscribe"
        " another channel with `/digest subscribe`.",
    ),
}


def locale_for(discord_locale: str | None, default: str = DEFAULT_LOCALE) -> str:
    """`en` for any English Discord locale (`en-US`, `en-GB`), `ko` for Korean, else `default`."""
    if not discord_locale:
        return default
    tag = str(discord_locale).lower()
    if tag.startswith("en"):
        return "en"
    if tag.startswith("ko"):
        return "ko"
    return default


def template(key: str, locale: str) -> str:
    """The message `key` in `locale` with its `{placeholders}` unfilled."""
    ko, en = MESSAGES[key]
    return en if locale == "en" else ko


def t(key: str, locale: str, **values: object) -> str:
    """The message `key` in `locale`, with `values` filled in."""
    text = template(key, locale)
    return text.format(**values) if values else text
