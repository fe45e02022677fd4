"""Synthetic articles for scale tests: the rows `generate_articles` writes, made in batches.

Two corpora:

- **realistic**: a model of a science and technology news archive. Body text
  is drawn word by word with the real frequencies of Chinese and English
  (wordfreq's lists), in clauses, sentences and paragraphs of news-like
  length and punctuation; each article has a topic whose keywords (疫苗 /
  vaccines, 国际合作 / international cooperation, …) it uses at a rate real
  reporting would, recurring people drawn with Zipf popularity (a
  Zipf–Mandelbrot law: the most named person is in about 1% of articles,
  the hundredth in about 0.1%), headlines made from templates of real news
  headlines, 1–6 sections with headings, figure captions (no images), dates
  over 2001–2025 with recent years denser, both Chinese scripts, English
  originals, untranslated articles, drafts and scheduled articles.
- **worst**: every article drawn from the sentences of the archive's three
  fixture articles (the old generator's text), so every common query matches
  most of the archive: the worst case for search.

Rows are made without the ORM, as tuples in the column orders below, with
every derived field filled exactly as `save()` would (the `_zh_hans` value in
the base column as modeltranslation leaves it, `body_html` as
`articles.markup.render_markdown` renders it, paragraph counts as
`articles.markup.paragraphs` counts them); tests/test_corpus.py checks that.

A batch depends only on (seed, batch number, first article number), so a
seed gives the same corpus however many processes make it. Never use this on
a production database: every slug starts with `synthetic-`.
"""

import bisect
import datetime
import json
import math
import random
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

SLUG_PREFIX = "synthetic-"

ARTICLE_COLUMNS = (
    "id",
    "title",
    "title_zh_hans",
    "title_en",
    "slug",
    "summary",
    "summary_zh_hans",
    "summary_en",
    "status",
    "published_at",
    "date_precision",
    "is_date_approximate",
    "view_count",
    "source_view_count",
    "chinese_script",
    "original_language",
    "comments_open",
    "is_full_text",
    "publisher",
    "publisher_zh_hans",
    "publisher_en",
    "publication",
    "publication_zh_hans",
    "publication_en",
    "issue",
    "issue_zh_hans",
    "issue_en",
    "byline",
    "byline_zh_hans",
    "byline_en",
    "source_note",
    "source_note_zh_hans",
    "source_note_en",
    "title_by_archive",
    "archive_translated",
    "translator",
    "translator_zh_hans",
    "translator_en",
    "chinese_changed_at",
    "english_changed_at",
    "created_at",
    "updated_at",
    "updated_by_id",
    "fixture_digest",
    "loaded_digest",
    "category_id",
)
SECTION_COLUMNS = (
    "id",
    "article_id",
    "position",
    "level",
    "heading",
    "heading_zh_hans",
    "heading_en",
    "body",
    "body_zh_hans",
    "body_en",
    "body_html",
    "body_html_zh_hans",
    "body_html_en",
    "paragraphs_zh",
    "paragraphs_en",
)
FIGURE_COLUMNS = (
    "id",
    "section_id",
    "position",
    "marker",
    "label",
    "label_zh_hans",
    "label_en",
    "caption",
    "caption_zh_hans",
    "caption_en",
    "alt_text",
    "alt_text_zh_hans",
    "alt_text_en",
    "image",
    "image_width",
    "image_height",
)
# Kept by Section when it tracks translation pairs (articles.pairs): filled as save() fills them.
PAIR_COLUMNS = ("translation_basis", "zh_changed_pairs", "en_changed_pairs")


def keeps_pairs():
    """Whether Section has the translation-pair columns (then section rows carry them too)."""
    from .models import Section

    return any(field.column == "translation_basis" for field in Section._meta.concrete_fields)


def section_columns(pairs):
    return SECTION_COLUMNS + (PAIR_COLUMNS if pairs else ())


def pair_values(zh_blocks, en_blocks, original, stale=False):
    """(translation_basis as JSON, zh_changed_pairs, en_changed_pairs) of a new section, as Section.save() records them.

    For a new section that is each pair's two fingerprints and nothing
    changed (articles.pairs.next_basis and changed_counts, written out for
    speed; tests/test_corpus.py holds them equal). `stale`: the original's
    first paragraph changed after the translation was made, as an editor's
    later edit of the original leaves it.
    """
    from .pairs import fingerprint

    zh_count, en_count = len(zh_blocks), len(en_blocks)
    basis = [
        [fingerprint(zh_blocks[i]) if i < zh_count else "", fingerprint(en_blocks[i]) if i < en_count else ""]
        for i in range(max(zh_count, en_count))
    ]
    changed = [0, 0]
    side = {"zh": 0, "en": 1}.get(original)
    if stale and side is not None and zh_count and en_count:
        basis[0][side] = fingerprint(basis[0][side] + " (before the edit)")
        changed[side] = 1
    return json.dumps(basis), changed[0], changed[1]


# Id space a batch may use per article: ids need not be contiguous, only
# unique, so batches made in parallel never collide.
MAX_SECTIONS = 6
MAX_FIGURES = 8


@dataclass
class Batch:
    articles: list = field(default_factory=list)
    sections: list = field(default_factory=list)
    figures: list = field(default_factory=list)


@dataclass(frozen=True)
class Plan:
    """What one batch makes: articles numbered first..first+count-1, ids from the bases given."""

    corpus: str
    seed: int
    index: int
    first: int
    count: int
    article_base: int
    section_base: int
    figure_base: int
    categories: tuple  # ((slug, id), ...)
    now: datetime.datetime
    postgres: bool
    pairs: bool = False

    def article_id(self, i):
        return self.article_base + self.index * BATCH_IDS + i

    def section_id(self, i, position):
        return self.section_base + (self.index * BATCH_IDS + i) * MAX_SECTIONS + position

    def figure_id(self, i, position):
        return self.figure_base + (self.index * BATCH_IDS + i) * MAX_FIGURES + position


# Article numbers each batch owns in the id space (a batch holds at most this many articles).
BATCH_IDS = 2000


def make_batch(plan):
    return (realistic_batch if plan.corpus == "realistic" else worst_batch)(plan)


def timestamp(moment, postgres):
    """A UTC datetime as the database stores it (Django's SQLite format; a timestamptz literal on PostgreSQL)."""
    text = moment.strftime("%Y-%m-%d %H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond:06d}"
    return text + "+00" if postgres else text


def paragraphs_html(body):
    """render_markdown(body) for a body of plain paragraphs (no Markdown syntax, nothing to escape)."""
    return "<p>" + body.replace("\n\n", "</p>\n<p>") + "</p>" if body else ""


# ---------------------------------------------------------------------------
# The realistic corpus: lexicon
# ---------------------------------------------------------------------------

HAN_WORD = re.compile(r"[\u4e00-\u9fff]+")
LATIN_WORD = re.compile(r"[a-z]+")
ZH_VOCABULARY = 60000
EN_VOCABULARY = 40000
# Proper names wordfreq lists in lower case.
CAPITALISED = {
    "i",
    "china",
    "chinese",
    "beijing",
    "shanghai",
    "hong",
    "kong",
    "taiwan",
    "america",
    "american",
    "europe",
    "european",
    "english",
    "british",
    "britain",
    "japan",
    "japanese",
    "india",
    "russia",
    "africa",
    "asia",
    "asian",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
}

# (name, share of articles, category weights news/finance/innovation, keywords as (zh, en), most used first)
TOPICS = [
    (
        "health",
        0.14,
        (0.7, 0.05, 0.25),
        [
            ("疫苗", "vaccines"),
            ("病毒", "virus"),
            ("医院", "hospitals"),
            ("患者", "patients"),
            ("临床试验", "clinical trials"),
            ("新冠肺炎", "COVID-19"),
            ("公共卫生", "public health"),
            ("药物", "drugs"),
            ("抗体", "antibodies"),
            ("疫情防控", "epidemic control"),
            ("基因", "genes"),
            ("癌症", "cancer"),
        ],
    ),
    (
        "space",
        0.08,
        (0.5, 0.0, 0.5),
        [
            ("卫星", "satellites"),
            ("火箭", "rocket"),
            ("航天", "spaceflight"),
            ("空间站", "space station"),
            ("探测器", "probe"),
            ("月球", "the Moon"),
            ("火星", "Mars"),
            ("航天员", "astronauts"),
            ("轨道", "orbit"),
            ("发射", "launch"),
        ],
    ),
    (
        "ai",
        0.14,
        (0.3, 0.2, 0.5),
        [
            ("人工智能", "artificial intelligence"),
            ("数据", "data"),
            ("芯片", "chips"),
            ("算法", "algorithms"),
            ("机器人", "robots"),
            ("大模型", "large models"),
            ("自动驾驶", "self-driving cars"),
            ("云计算", "cloud computing"),
            ("网络安全", "cybersecurity"),
            ("数字经济", "digital economy"),
        ],
    ),
    (
        "energy",
        0.10,
        (0.4, 0.3, 0.3),
        [
            ("新能源", "new energy"),
            ("电池", "batteries"),
            ("光伏", "solar power"),
            ("电网", "power grid"),
            ("氢能", "hydrogen"),
            ("煤矿", "coal mines"),
            ("风电", "wind power"),
            ("核电", "nuclear power"),
            ("碳排放", "carbon emissions"),
            ("储能", "energy storage"),
        ],
    ),
    (
        "environment",
        0.08,
        (0.7, 0.05, 0.25),
        [
            ("气候变化", "climate change"),
            ("生态", "ecology"),
            ("污染", "pollution"),
            ("海洋", "ocean"),
            ("森林", "forests"),
            ("生物多样性", "biodiversity"),
            ("水资源", "water resources"),
            ("干旱", "drought"),
        ],
    ),
    (
        "economy",
        0.16,
        (0.2, 0.7, 0.1),
        [
            ("企业", "companies"),
            ("投资", "investment"),
            ("市场", "market"),
            ("融资", "financing"),
            ("产业链", "supply chain"),
            ("出口", "exports"),
            ("消费", "consumption"),
            ("金融", "finance"),
            ("股市", "stock market"),
            ("银行", "banks"),
            ("制造业", "manufacturing"),
        ],
    ),
    (
        "cooperation",
        0.08,
        (0.8, 0.1, 0.1),
        [
            ("合作", "cooperation"),
            ("国际合作", "international cooperation"),
            ("交流", "exchanges"),
            ("协议", "agreement"),
            ("伙伴", "partners"),
            ("联合研究", "joint research"),
            ("一带一路", "the Belt and Road"),
            ("外国专家", "foreign experts"),
        ],
    ),
    (
        "agriculture",
        0.06,
        (0.6, 0.2, 0.2),
        [
            ("农业", "agriculture"),
            ("粮食", "grain"),
            ("种子", "seeds"),
            ("水稻", "rice"),
            ("农民", "farmers"),
            ("乡村振兴", "rural revitalisation"),
            ("育种", "breeding"),
        ],
    ),
    (
        "physics",
        0.07,
        (0.3, 0.0, 0.7),
        [
            ("量子", "quantum"),
            ("材料", "materials"),
            ("实验室", "laboratory"),
            ("超导", "superconductivity"),
            ("激光", "lasers"),
            ("粒子", "particles"),
            ("望远镜", "telescope"),
            ("纳米", "nanotechnology"),
        ],
    ),
    (
        "education",
        0.09,
        (0.8, 0.05, 0.15),
        [
            ("高校", "universities"),
            ("学生", "students"),
            ("人才", "talent"),
            ("科研", "research"),
            ("教育", "education"),
            ("科学家", "scientists"),
            ("院士", "academicians"),
            ("创新", "innovation"),
        ],
    ),
]
# Share of a topic article's words that are its topic's keywords.
TOPIC_RATE = 0.006
# Share of any article's words that are a number, a quoted term, a title in 《》.
NUMBER_RATE = 0.006
QUOTED_RATE = 0.003
BOOK_RATE = 0.001

ORGS = [
    ("中国科学院", "the Chinese Academy of Sciences"),
    ("中国工程院", "the Chinese Academy of Engineering"),
    ("科技部", "the Ministry of Science and Technology"),
    ("国家自然科学基金委员会", "the National Natural Science Foundation"),
    ("清华大学", "Tsinghua University"),
    ("北京大学", "Peking University"),
    ("复旦大学", "Fudan University"),
    ("浙江大学", "Zhejiang University"),
    ("中山大学", "Sun Yat-sen University"),
    ("南京大学", "Nanjing University"),
    ("武汉大学", "Wuhan University"),
    ("上海交通大学", "Shanghai Jiao Tong University"),
    ("中国科学技术大学", "the University of Science and Technology of China"),
    ("香港大学", "the University of Hong Kong"),
    ("国家航天局", "the China National Space Administration"),
    ("国家卫生健康委员会", "the National Health Commission"),
    ("国家能源局", "the National Energy Administration"),
    ("工业和信息化部", "the Ministry of Industry and Information Technology"),
]
PLACES = [
    ("北京", "Beijing"),
    ("上海", "Shanghai"),
    ("广东", "Guangdong"),
    ("深圳", "Shenzhen"),
    ("广州", "Guangzhou"),
    ("杭州", "Hangzhou"),
    ("武汉", "Wuhan"),
    ("成都", "Chengdu"),
    ("西安", "Xi'an"),
    ("南京", "Nanjing"),
    ("天津", "Tianjin"),
    ("重庆", "Chongqing"),
    ("合肥", "Hefei"),
    ("苏州", "Suzhou"),
    ("青岛", "Qingdao"),
    ("长沙", "Changsha"),
    ("厦门", "Xiamen"),
    ("宁夏", "Ningxia"),
    ("香港", "Hong Kong"),
    ("海南", "Hainan"),
]
# Headlines: (Chinese, English) with {kw} {kw2} {org} {org2} {place} {person} {number} {year}.
HEADLINES = [
    ("{org}在{kw}领域取得新进展", "{org} makes progress in {kw}"),
    ("{place}启动{kw}重大专项", "{place} launches a major {kw} programme"),
    ("我国{kw}研究获重要突破", "Chinese researchers report a breakthrough in {kw}"),
    ("{number}项{kw}成果亮相{place}", "{number} {kw} results on show in {place}"),
    ("{org}发布{kw}与{kw2}研究报告", "{org} publishes a report on {kw} and {kw2}"),
    ("专家解读{kw}新政", "Experts explain the new {kw} policy"),
    ("{org}联合{org2}开展{kw}研究", "{org} and {org2} join forces on {kw} research"),
    ("{year}年{kw}十大进展发布", "Top ten advances in {kw} of {year} announced"),
    ("聚焦{kw}：{place}的探索", "Focus on {kw}: what {place} is trying"),
    ("{kw}如何改变{kw2}？", "How will {kw} change {kw2}?"),
    ("{person}：{kw}发展要走自主创新之路", "{person}: {kw} must grow through its own innovation"),
    ("{place}加快布局{kw}产业", "{place} speeds up its {kw} industry"),
    ("{kw}迎来新机遇", "New opportunities for {kw}"),
    ("{person}谈{kw}：机遇与挑战并存", "{person} on {kw}: opportunities and challenges"),
    ("{org}团队揭示{kw}新机制", "A team at {org} uncovers a new mechanism in {kw}"),
    ("{place}{kw}项目通过验收", "{place}'s {kw} project passes its review"),
]
HEADINGS = [
    ("背景", "Background"),
    ("下一步", "Next steps"),
    ("专家观点", "What experts say"),
    ("数据与方法", "Data and methods"),
    ("{kw}的新进展", "New progress in {kw}"),
    ("{kw}面临的挑战", "The challenges facing {kw}"),
    ("{org}的做法", "What {org} is doing"),
    ("{place}经验", "Lessons from {place}"),
    ("国际视野", "The international view"),
    ("从实验室到市场", "From the laboratory to the market"),
    ("{kw}与{kw2}", "{kw} and {kw2}"),
    ("政策支持", "Policy support"),
]
CAPTIONS = [
    ("{place}的{kw}研究现场", "{kw} research under way in {place}"),
    ("{org}的科研人员在实验室工作", "Researchers at {org} at work in the laboratory"),
    ("{person}在发布会上介绍{kw}成果", "{person} presents the {kw} results at a news conference"),
    ("{year}年以来{kw}的发展", "{kw} since {year}"),
    ("{place}{kw}示范项目", "A {kw} demonstration project in {place}"),
]
SAY_ZH = ["表示", "指出", "介绍", "认为", "说"]
SAY_EN = ["said", "noted", "explained", "said that", "believes that"]

# Chinese names: surnames and given-name characters with their pinyin.
SURNAMES = (
    "王wang 李li 张zhang 刘liu 陈chen 杨yang 黄huang 赵zhao 吴wu 周zhou 徐xu 孙sun 马ma 朱zhu 胡hu 郭guo 何he 林lin "
    "高gao 罗luo 郑zheng 梁liang 谢xie 宋song 唐tang 许xu 韩han 冯feng 邓deng 曹cao 彭peng 曾zeng 肖xiao 田tian "
    "董dong 潘pan 袁yuan 蔡cai 蒋jiang 余yu 于yu 杜du 叶ye 程cheng 魏wei 苏su 吕lyu 丁ding 任ren 卢lu 姚yao 沈shen "
    "钟zhong 姜jiang 崔cui 谭tan 陆lu 范fan 汪wang 廖liao 石shi 金jin 韦wei 贾jia 夏xia 付fu 方fang 邹zou 熊xiong "
    "白bai 孟meng 秦qin 邱qiu 侯hou 江jiang 尹yin 薛xue 段duan 雷lei 龙long 黎li 史shi 陶tao 贺he 毛mao 郝hao 顾gu "
    "龚gong 邵shao 万wan 钱qian 戴dai 严yan 欧阳ouyang 翟zhai"
)
GIVEN = (
    "伟wei 芳fang 娜na 敏min 静jing 丽li 强qiang 磊lei 军jun 洋yang 勇yong 艳yan 杰jie 涛tao 明ming 超chao 秀xiu "
    "霞xia 平ping 刚gang 华hua 建jian 国guo 志zhi 文wen 红hong 海hai 林lin 玉yu 春chun 晓xiao 新xin 宏hong 立li "
    "光guang 德de 永yong 东dong 南nan 山shan 天tian 振zhen 宇yu 鹏peng 辉hui 斌bin 卫wei 力li 飞fei 云yun 峰feng "
    "雪xue 梅mei 兰lan 英ying 慧hui 佳jia 思si 嘉jia 俊jun 毅yi 博bo 岩yan 晨chen 琳lin 颖ying 倩qian 婷ting 欣xin "
    "怡yi 然ran 泽ze 浩hao 凯kai 昊hao 航hang 睿rui 瑞rui 安an 宁ning 益yi 成cheng 良liang 忠zhong 和he 学xue "
    "清qing 元yuan 庆qing 福fu 生sheng 祥xiang 荣rong 松song 柏bai 金jin"
)
PEOPLE = 20000
# Zipf–Mandelbrot popularity 1 / (rank + PEOPLE_SHIFT): the first name is in about 1% of articles.
PEOPLE_SHIFT = 10


def _syllables(table):
    """[(characters, pinyin)] of a table written as 王wang 李li …"""
    return [(re.match(r"[\u4e00-\u9fff]+", item)[0], re.sub(r"[\u4e00-\u9fff]+", "", item)) for item in table.split()]


def _pinyin_given(parts):
    text = parts[0]
    for part in parts[1:]:
        text += ("'" if part[0] in "aeo" else "") + part
    return text.capitalize()


@lru_cache(maxsize=1)
def people():
    """[(Chinese name, its Traditional form, English name)], most popular first; the same for every seed."""
    rng = random.Random("people")
    surnames, given = _syllables(SURNAMES), _syllables(GIVEN)
    # Common surnames are common: weights fall with the surname's rank.
    weights = [1 / (rank + 3) for rank in range(len(surnames))]
    seen, result = set(), []
    while len(result) < PEOPLE:
        surname = rng.choices(surnames, weights)[0]
        parts = rng.sample(given, 2 if rng.random() < 0.75 else 1)
        zh = surname[0] + "".join(part[0] for part in parts)
        if zh in seen:
            continue
        seen.add(zh)
        result.append((zh, surname[1].capitalize() + " " + _pinyin_given([part[1] for part in parts])))
    hant = to_traditional([zh for zh, _en in result])
    return [(zh, tw, en) for (zh, en), tw in zip(result, hant, strict=True)]


def to_traditional(texts):
    """Each of `texts` (no newlines) in Traditional characters, Taiwan standard, with 「」 quotes."""
    from .scripts import _converter

    if not texts:
        return []
    converted = _converter("s2tw").convert("\n".join(texts)).split("\n")
    assert len(converted) == len(texts)
    return [text.translate(TRADITIONAL_QUOTES) for text in converted]


TRADITIONAL_QUOTES = str.maketrans({"“": "「", "”": "」", "‘": "『", "’": "』"})


@dataclass
class Lexicon:
    zh: np.ndarray  # object arrays of tokens, indexed alike
    hant: np.ndarray
    en: np.ndarray
    en_cap: np.ndarray
    zh_cdf: np.ndarray
    en_cdf: np.ndarray
    zh_table: np.ndarray
    en_table: np.ndarray
    zh_count: int  # plain words are [0, zh_count); keywords and numbers follow
    en_count: int
    topic_first: list  # index of each topic's first keyword in zh/hant (and en: same offsets)
    topic_cdf: list
    numbers: range  # indexes of the numbers
    person_cdf: np.ndarray
    people: list
    topics_hant: list


def _frequencies(language, pattern, size):
    from wordfreq import get_frequency_dict

    words = sorted(
        (
            (word, frequency)
            for word, frequency in get_frequency_dict(language, wordlist="best").items()
            if pattern.fullmatch(word)
        ),
        key=lambda item: (-item[1], item[0]),
    )[:size]
    frequencies = np.array([frequency for _word, frequency in words])
    return [word for word, _frequency in words], np.cumsum(frequencies) / frequencies.sum()


def _numbers():
    rng = random.Random("numbers")
    zh, en = [], []
    for _ in range(400):
        kind = rng.random()
        if kind < 0.3:
            year = rng.randint(1990, 2030)
            zh.append(f"{year}年")
            en.append(str(year))
        elif kind < 0.5:
            value = rng.randint(2, 99)
            zh.append(f"{value}%")
            en.append(f"{value} percent")
        elif kind < 0.7:
            value = rng.randint(2, 999)
            unit_zh, unit_en = rng.choice(
                [("亿元", "00 million yuan"), ("万元", "0,000 yuan"), ("万人", "0,000 people")]
            )
            zh.append(f"{value}{unit_zh}")
            en.append(f"{value}{unit_en}")
        else:
            value = rng.randint(2, 500)
            unit_zh, unit_en = rng.choice(
                [("项", "projects"), ("家", "companies"), ("个", "teams"), ("名", "researchers")]
            )
            zh.append(f"{value}{unit_zh}")
            en.append(f"{value} {unit_en}")
    return zh, en


@lru_cache(maxsize=1)
def lexicon():
    zh_words, zh_cdf = _frequencies("zh", HAN_WORD, ZH_VOCABULARY)
    en_words, en_cdf = _frequencies("en", LATIN_WORD, EN_VOCABULARY)
    zh_count, en_count = len(zh_words), len(en_words)
    # Both languages share the keyword and number indexes: zh and en arrays
    # are padded so index zh_count + k is the same keyword in both.
    topic_first, topic_cdf, zh_extra, en_extra = [], [], [], []
    for _name, _share, _categories, keywords in TOPICS:
        topic_first.append(len(zh_extra))
        weights = np.array([1 / (rank + 1) for rank in range(len(keywords))])
        topic_cdf.append(np.cumsum(weights) / weights.sum())
        zh_extra += [zh for zh, _en in keywords]
        en_extra += [en for _zh, en in keywords]
    numbers_zh, numbers_en = _numbers()
    first_number = len(zh_extra)
    zh_extra += numbers_zh
    en_extra += numbers_en
    zh_all = zh_words + zh_extra
    hant_all = to_traditional(zh_all)
    en_plain = [word.capitalize() if word in CAPITALISED else word for word in en_words]
    # en arrays: plain words, padding to zh_count, then the extras at the same offsets as zh.
    en_cap = [word[0].upper() + word[1:] for word in en_plain]
    extra_cap = [word[0].upper() + word[1:] for word in en_extra]
    everyone = people()
    weights = 1 / (np.arange(len(everyone)) + PEOPLE_SHIFT)
    return Lexicon(
        zh=np.array(zh_all, dtype=object),
        hant=np.array(hant_all, dtype=object),
        en=np.array(en_plain + en_extra, dtype=object),
        en_cap=np.array(en_cap + extra_cap, dtype=object),
        zh_cdf=zh_cdf,
        en_cdf=en_cdf,
        zh_table=_table(zh_cdf),
        en_table=_table(en_cdf),
        zh_count=zh_count,
        en_count=en_count,
        topic_first=topic_first,
        topic_cdf=topic_cdf,
        numbers=range(first_number, first_number + len(numbers_zh)),
        person_cdf=np.cumsum(weights) / weights.sum(),
        people=everyone,
        topics_hant=[to_traditional([zh for zh, _en in keywords]) for _n, _s, _c, keywords in TOPICS],
    )


# ---------------------------------------------------------------------------
# The realistic corpus: one batch
# ---------------------------------------------------------------------------

SECTION_COUNTS = (np.arange(1, 7), np.array([0.12, 0.22, 0.28, 0.18, 0.12, 0.08]))
PARAGRAPH_COUNTS = (np.arange(1, 6), np.array([0.15, 0.3, 0.3, 0.15, 0.1]))
# Characters of Chinese text per article: log-normal around 750, kept within 400–1500.
ZH_CHARS_MEDIAN, ZH_CHARS_SIGMA, ZH_CHARS_RANGE = 750, 0.35, (400, 1500)
ZH_CHARS_PER_WORD = 1.6 * 1.12  # wordfreq's mean word length, plus punctuation
EN_WORDS_PER_ZH_WORD = 1.05  # a Chinese text of N characters is about 0.65 N English words
ZH_SENTENCE, ZH_CLAUSE, ZH_ENUMERATION = 1 / 16, 1 / 5, 1 / 60  # per word: ends a sentence, a clause, an item
EN_SENTENCE, EN_CLAUSE = 1 / 21, 1 / 10
YEARS = np.arange(2001, 2026)
YEAR_WEIGHTS = 1.12 ** (YEARS - 2001)
# Shares of articles.
DRAFTS, SCHEDULED, TEASERS = 0.03, 0.02, 0.01
TRADITIONAL = 0.12
ORIGINAL = {"zh": 0.78, "en": 0.10, "both": 0.12}
CHINESE_ONLY, ENGLISH_ONLY = 0.08, 0.25  # of Chinese originals lacking English; of English originals lacking Chinese
STALE = 0.01
WITH_FIGURES = 0.3
WITH_PEOPLE = 0.6


def _sample(rng, cdf, size):
    return np.minimum(np.searchsorted(cdf, rng.random(size), side="right"), len(cdf) - 1)


# Word sampling by table lookup: slot k of 2**23 holds the word whose share
# of the cumulative frequency covers it, so a uniform slot is a word drawn
# with its frequency (words rarer than one in 8 million are not drawn).
TABLE_BITS = 23


def _table(cdf):
    slots = (np.arange(1 << TABLE_BITS, dtype=np.float64) + 0.5) / (1 << TABLE_BITS)
    return np.minimum(np.searchsorted(cdf, slots, side="right"), len(cdf) - 1).astype(np.int32)


def _draw(gen, table, size):
    return table[gen.integers(0, 1 << TABLE_BITS, size)].astype(np.int64)


def _category_id(plan, rng, weights):
    ids = dict(plan.categories)
    slugs = [slug for slug in ("news", "finance", "innovation") if slug in ids]
    if not slugs:
        return plan.categories[rng.randrange(len(plan.categories))][1]
    chosen = rng.choices(slugs, [weights[("news", "finance", "innovation").index(slug)] + 0.01 for slug in slugs])
    return ids[chosen[0]]


# Punctuation after a word, by code: 0 none, 1 clause, 2 sentence, 3 question, 4 item, 5 paragraph, 6 section.
ZH_MARKS = np.array(["", "，", "。", "？", "、", "。\x00", "。\x01"], dtype=object)
EN_MARKS = np.array([" ", ", ", ". ", "? ", " ", ".\x00", ".\x01"], dtype=object)
PARAGRAPH_END, SECTION_END = 5, 6


def _stream(lex, gen, rng, lengths, token_article, hant_article, english, topic_of, mentions, spans, section_ends):
    """One language's body text of the whole batch as one string: paragraphs end in \\x00, sections in \\x01."""
    total = int(lengths.sum())
    count = lex.en_count if english else lex.zh_count
    table = lex.en_table if english else lex.zh_table
    ids = _draw(gen, table, total)
    draw = gen.random(total)
    keyword = np.flatnonzero(draw < TOPIC_RATE)
    topics = topic_of[token_article[keyword]]
    for topic, first in enumerate(lex.topic_first):
        chosen = keyword[topics == topic]
        if chosen.size:
            ids[chosen] = count + first + _sample(gen, lex.topic_cdf[topic], chosen.size)
    numbers = np.flatnonzero((draw >= TOPIC_RATE) & (draw < TOPIC_RATE + NUMBER_RATE))
    ids[numbers] = count + gen.integers(lex.numbers.start, lex.numbers.stop, numbers.size)
    ends = np.cumsum(lengths) - 1
    starts = ends - lengths + 1
    # A paragraph never starts with a number ("2020." would make a Markdown list).
    leading = starts[ids[starts] >= count + lex.numbers.start]
    ids[leading] = _draw(gen, table, leading.size)
    # Punctuation codes: clauses and sentences by chance, paragraphs and sections where they end.
    punct = gen.random(total)
    sentence, clause = (EN_SENTENCE, EN_CLAUSE) if english else (ZH_SENTENCE, ZH_CLAUSE)
    marks = np.zeros(total, dtype=np.int8)
    marks[punct < sentence + clause] = 1
    marks[punct < sentence] = 2
    marks[punct < sentence * 0.03] = 3
    if not english:
        marks[(punct >= sentence + clause) & (punct < sentence + clause + ZH_ENUMERATION)] = 4
    marks[ends] = PARAGRAPH_END
    marks[ends[section_ends]] = SECTION_END
    is_start = np.zeros(total + 1, dtype=bool)
    is_start[starts] = True
    is_start[np.flatnonzero((marks == 2) | (marks == 3)) + 1] = True
    sentence_starts = np.flatnonzero(is_start[:total])
    if english:
        words = lex.en[ids]
        words[sentence_starts] = lex.en_cap[ids[sentence_starts]]
    else:
        words = lex.zh[ids]
        hant = np.flatnonzero(hant_article[token_article])
        words[hant] = lex.hant[ids[hant]]
        mark = gen.random(total)
        quoted = np.flatnonzero(mark < QUOTED_RATE)
        hant_quoted = hant_article[token_article[quoted]]
        for indexes, opening, closing in (
            (quoted[~hant_quoted], "“", "”"),
            (quoted[hant_quoted], "「", "」"),
            (np.flatnonzero((mark >= QUOTED_RATE) & (mark < QUOTED_RATE + BOOK_RATE)), "《", "》"),
        ):
            words[indexes] = [opening + word + closing for word in words[indexes]]
    # People, named at the start of sentences.
    first_token, stop_token = spans
    lows = np.searchsorted(sentence_starts, first_token)
    highs = np.searchsorted(sentence_starts, stop_token)
    for article, names in mentions.items():
        low, high = int(lows[article]), int(highs[article])
        if high <= low:
            continue
        places = range(low, high)
        chosen = rng.sample(places, len(names)) if len(names) < len(places) else places
        for name, position in zip(names, chosen, strict=False):
            position = sentence_starts[position]
            if english:
                lower = lex.en[ids[position]]
                if rng.random() < 0.5:
                    words[position] = f"{name} {SAY_EN[int(rng.random() * len(SAY_EN))]} {lower}"
                else:
                    words[position] = f"According to {name}, {lower}"
            else:
                say = SAY_ZH[int(rng.random() * len(SAY_ZH))]
                if hant_article[article]:
                    say = {"介绍": "介紹", "认为": "認為", "说": "說"}.get(say, say)
                words[position] = f"{name}{say}，{words[position]}"
    interleaved = np.empty(2 * total, dtype=object)
    interleaved[0::2] = words
    interleaved[1::2] = (EN_MARKS if english else ZH_MARKS)[marks]
    return "".join(interleaved.tolist())


def _fillers(rng, keywords, everyone, named, year):
    """Slot values for a headline, heading or caption template, in both languages."""
    kw = bisect.bisect(_keyword_cdf(len(keywords)), rng.random())
    kw2 = bisect.bisect(_keyword_cdf(len(keywords)), rng.random())
    if kw2 == kw:
        kw2 = (kw + 1) % len(keywords)
    org = int(rng.random() * len(ORGS))
    org2 = (org + 1 + int(rng.random() * (len(ORGS) - 1))) % len(ORGS)
    place = PLACES[int(rng.random() * len(PLACES))]
    person = everyone[named[int(rng.random() * len(named))]] if named else ("", "", "")
    number = HEADLINE_NUMBERS[int(rng.random() * len(HEADLINE_NUMBERS))]
    year_text = str(int(year) - int(rng.random() * 3))
    zh = {
        "kw": keywords[kw][0],
        "kw2": keywords[kw2][0],
        "org": ORGS[org][0],
        "org2": ORGS[org2][0],
        "place": place[0],
        "person": person[0],
        "number": number,
        "year": year_text,
    }
    en = {
        "kw": keywords[kw][1],
        "kw2": keywords[kw2][1],
        "org": ORGS[org][1],
        "org2": ORGS[org2][1],
        "place": place[1],
        "person": person[2],
        "number": number,
        "year": year_text,
    }
    return zh, en


HEADLINE_NUMBERS = (3, 5, 6, 8, 10, 12, 20, 30, 50, 100)


@lru_cache(maxsize=None)
def _keyword_cdf(size):
    weights = [1 / (rank + 1) for rank in range(size)]
    total = sum(weights)
    return [sum(weights[: rank + 1]) / total for rank in range(size - 1)]


def _pick(rng, templates, named):
    while True:
        template = templates[int(rng.random() * len(templates))]
        if named or "{person}" not in template[0]:
            return template


def _fill(rng, templates, keywords, everyone, named, year):
    zh, en = _fillers(rng, keywords, everyone, named, year)
    template = _pick(rng, templates, named)
    return template[0].format(**zh), _sentence_case(template[1].format(**en))


def _sentence_case(text):
    return text[:1].upper() + text[1:]


def _first_sentence(body, stops):
    first = body.split("\n\n", 1)[0]
    ends = [index for index in (first.find(stop) for stop in stops) if index != -1]
    return first[: min(ends) + 1] if ends else first


def _article_spans(lengths, paragraph_article, n):
    """(first token, one past the last) of each article in a language's stream."""
    per_article = np.bincount(paragraph_article, weights=lengths, minlength=n).astype(np.int64)
    stops = np.cumsum(per_article)
    return stops - per_article, stops


def realistic_batch(plan):
    lex = lexicon()
    rng = random.Random(f"{plan.seed}:{plan.index}:{plan.first}")
    gen = np.random.default_rng([plan.seed, plan.index, plan.first])
    n = plan.count
    everyone = lex.people

    # Per article: shape, language, script, topic, people.
    teaser = gen.random(n) < TEASERS
    sections = np.where(teaser, 0, gen.choice(SECTION_COUNTS[0], n, p=SECTION_COUNTS[1]))
    shares = np.array([topic[1] for topic in TOPICS])
    topic_of = gen.choice(len(TOPICS), n, p=shares / shares.sum())
    hant_article = gen.random(n) < TRADITIONAL
    zh_chars = np.clip(np.exp(gen.normal(math.log(ZH_CHARS_MEDIAN), ZH_CHARS_SIGMA, n)), *ZH_CHARS_RANGE)
    originals = list(ORIGINAL)
    original = gen.choice(len(originals), n, p=list(ORIGINAL.values()))
    lacking = gen.random(n)
    years = gen.choice(YEARS, n, p=YEAR_WEIGHTS / YEAR_WEIGHTS.sum())
    named, mentions = [], {"zh": {}, "en": {}}
    for article in range(n):
        people_here = []
        if gen.random() < WITH_PEOPLE:
            count = 1 + int(gen.random() < 0.4) + int(gen.random() < 0.15)
            people_here = sorted(set(_sample(gen, lex.person_cdf, count).tolist()))
        named.append(people_here)
        times = [person for person in people_here for _ in range(1 + int(gen.random() < 0.4))]
        if times:
            mentions["zh"][article] = [everyone[p][1 if hant_article[article] else 0] for p in times]
            mentions["en"][article] = [everyone[p][2] for p in times]

    # Paragraphs: the same number in both languages, section by section.
    section_article = np.repeat(np.arange(n), sections)
    paragraph_counts = gen.choice(PARAGRAPH_COUNTS[0], section_article.size, p=PARAGRAPH_COUNTS[1])
    paragraph_section = np.repeat(np.arange(section_article.size), paragraph_counts)
    paragraph_article = section_article[paragraph_section]
    per_article = np.maximum(np.bincount(paragraph_article, minlength=n), 1)
    spread = gen.uniform(0.6, 1.4, paragraph_article.size)
    zh_lengths = np.maximum(
        6, np.rint(zh_chars[paragraph_article] / ZH_CHARS_PER_WORD / per_article[paragraph_article] * spread)
    ).astype(np.int64)
    en_lengths = np.maximum(
        6, np.rint(zh_lengths * EN_WORDS_PER_ZH_WORD * gen.uniform(0.85, 1.2, zh_lengths.size))
    ).astype(np.int64)
    last_of_section = np.r_[paragraph_section[1:] != paragraph_section[:-1], True][: paragraph_section.size]
    texts = {}
    for language, lengths in (("zh", zh_lengths), ("en", en_lengths)):
        english = language == "en"
        token_article = np.repeat(paragraph_article, lengths)
        spans = _article_spans(lengths, paragraph_article, n)
        joined = _stream(
            lex,
            gen,
            rng,
            lengths,
            token_article,
            hant_article,
            english,
            topic_of,
            mentions[language],
            spans,
            last_of_section,
        )
        texts[language] = joined.replace("\x00", "\n\n").split("\x01")[: section_article.size]

    batch = Batch()
    section_index = 0
    for i in range(n):
        article_id = plan.article_id(i)
        keywords = TOPICS[topic_of[i]][3]
        hant = bool(hant_article[i])
        original_language = originals[original[i]]
        lacks_en = original_language == "zh" and lacking[i] < CHINESE_ONLY
        lacks_zh = original_language == "en" and lacking[i] < ENGLISH_ONLY
        people_here, year = named[i], years[i]
        title_zh, title_en = _fill(rng, HEADLINES, keywords, everyone, people_here, year)

        # Dates: recent years denser; drafts recent; scheduled ones ahead of now.
        roll = rng.random()
        status = "draft" if roll < DRAFTS else "published"
        if roll < DRAFTS:
            published = datetime.datetime(2025, 12, 31, 12, tzinfo=datetime.UTC) - datetime.timedelta(
                seconds=rng.random() * 90 * 86400
            )
        elif roll < DRAFTS + SCHEDULED:
            published = plan.now + datetime.timedelta(seconds=3600 + rng.random() * 30 * 86400)
        else:
            published = datetime.datetime(int(year), 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(
                seconds=rng.random() * 365 * 86400
            )
        published = published.replace(microsecond=0)
        precision, approximate = "day", False
        if published.year < 2006 and rng.random() < 0.12:
            precision, approximate = ("month" if rng.random() < 0.8 else "year"), True
        created = published - datetime.timedelta(seconds=int(rng.random() * 2 * 86400))
        translated = created + datetime.timedelta(seconds=int(3600 + rng.random() * 3 * 86400))
        original_stamp = created
        stale = rng.random() < STALE
        if stale:
            original_stamp = translated + datetime.timedelta(seconds=int(86400 + rng.random() * 30 * 86400))
        if original_language == "zh":
            chinese_at, english_at = original_stamp, None if lacks_en else translated
        elif original_language == "en":
            english_at, chinese_at = original_stamp, translated
        else:
            chinese_at = english_at = created
        updated = max(stamp for stamp in (created, chinese_at, english_at) if stamp)

        # Sections: headings (the first may be a lead without one) and figure captions.
        count = int(sections[i])
        figures_in = [0] * count
        if count and rng.random() < WITH_FIGURES:
            for _ in range(rng.choice((1, 1, 2, 3))):
                figures_in[rng.randrange(count)] += 1
        first_heading = rng.random() < 0.5
        headings, captions = [], []
        for position in range(count):
            headings.append(
                _fill(rng, HEADINGS, keywords, everyone, people_here, year) if position or first_heading else ("", "")
            )
            captions += [
                _fill(rng, CAPTIONS, keywords, everyone, people_here, year) for _ in range(figures_in[position])
            ]
        byline_zh = byline_en = source_zh = source_en = translator_zh = translator_en = ""
        if rng.random() < 0.6:
            reporter = everyone[PEOPLE - 1 - rng.randrange(400)]
            byline_zh, byline_en = f"记者 {reporter[0]}", f"By {reporter[2]}"
        if rng.random() < 0.1:
            org = ORGS[rng.randrange(len(ORGS))]
            source_zh, source_en = f"来源：{org[0]}", f"Source: {_sentence_case(org[1])}"
        if original_language == "en" and not lacks_zh and rng.random() < 0.3:
            translator = everyone[PEOPLE - 401 - rng.randrange(100)]
            translator_zh, translator_en = translator[0], translator[2]
        teaser_zh = teaser_en = ""
        if teaser[i]:
            teaser_zh, teaser_en = _fill(rng, CAPTIONS, keywords, everyone, people_here, year)
            teaser_zh, teaser_en = teaser_zh + "……", teaser_en + "…"
        if hant:
            small = [title_zh, byline_zh, source_zh, teaser_zh, *(h for h, _e in headings), *(c for c, _e in captions)]
            small = to_traditional(small)
            title_zh, byline_zh, source_zh, teaser_zh = small[:4]
            headings = [(zh, en) for zh, (_old, en) in zip(small[4 : 4 + count], headings, strict=True)]
            captions = [(zh, en) for zh, (_old, en) in zip(small[4 + count :], captions, strict=True)]
        bodies_zh = texts["zh"][section_index : section_index + count]
        bodies_en = texts["en"][section_index : section_index + count]
        section_index += count
        if lacks_zh:
            bodies_zh = [""] * count
            headings = [("", en) for _zh, en in headings]
            captions = [("", en) for _zh, en in captions]
        if lacks_en:
            bodies_en = [""] * count
            headings = [(zh, "") for zh, _en in headings]
            captions = [(zh, "") for zh, _en in captions]
            title_en = byline_en = source_en = teaser_en = ""
        if teaser[i]:
            summary_zh, summary_en = teaser_zh, teaser_en
        else:
            summary_zh = _first_sentence(bodies_zh[0], "。？") if bodies_zh and bodies_zh[0] else ""
            summary_en = _first_sentence(bodies_en[0], ".") if bodies_en and bodies_en[0] else ""

        figure_number = 0
        for position in range(count):
            section_id = plan.section_id(i, position)
            zh, en = bodies_zh[position], bodies_en[position]
            heading_zh, heading_en = headings[position]
            zh_html, en_html = paragraphs_html(zh), paragraphs_html(en)
            zh_blocks, en_blocks = zh.split("\n\n") if zh else [], en.split("\n\n") if en else []
            row = (
                section_id,
                article_id,
                position + 1,
                2,
                heading_zh,
                heading_zh,
                heading_en,
                zh,
                zh,
                en,
                zh_html,
                zh_html,
                en_html,
                len(zh_blocks),
                len(en_blocks),
            )
            if plan.pairs:
                row += pair_values(zh_blocks, en_blocks, original_language, stale and position == 0)
            batch.sections.append(row)
            for in_section in range(figures_in[position]):
                caption_zh, caption_en = captions[figure_number]
                figure_number += 1
                label_zh = ("圖" if hant else "图") + str(figure_number) if caption_zh else ""
                label_en = f"Figure {figure_number}" if caption_en else ""
                batch.figures.append(
                    (
                        plan.figure_id(i, figure_number - 1),
                        section_id,
                        in_section + 1,
                        "",
                        label_zh,
                        label_zh,
                        label_en,
                        caption_zh,
                        caption_zh,
                        caption_en,
                        "",
                        "",
                        "",
                        "",
                        None,
                        None,
                    )
                )

        def stamp(moment):
            return timestamp(moment, plan.postgres) if moment else None

        batch.articles.append(
            (
                article_id,
                title_zh,
                title_zh,
                title_en,
                f"{SLUG_PREFIX}{plan.first + i}",
                summary_zh,
                summary_zh,
                summary_en,
                status,
                stamp(published),
                precision,
                approximate,
                int(min(2_000_000, math.exp(rng.gauss(4.0, 1.6)))),
                int(math.exp(rng.gauss(6, 1.5))) if rng.random() < 0.05 else None,
                "hant" if hant else "hans",
                original_language,
                rng.random() < 0.95,
                not teaser[i],
                *("",) * 9,  # publisher, publication, issue
                byline_zh,
                byline_zh,
                byline_en,
                source_zh,
                source_zh,
                source_en,
                False,
                "caption_en" if original_language == "both" and captions else "",
                translator_zh,
                translator_zh,
                translator_en,
                stamp(chinese_at),
                stamp(english_at),
                stamp(created),
                stamp(updated),
                None,
                "",
                "",
                _category_id(plan, rng, TOPICS[topic_of[i]][2]),
            )
        )
    return batch


# ---------------------------------------------------------------------------
# The worst case: the fixtures' own sentences, over and over
# ---------------------------------------------------------------------------

SENTENCE = re.compile(r"[^。！？]+[。！？]")
ENGLISH_SENTENCE = re.compile(r"[A-Z][^.!?]+[.!?]")


@lru_cache(maxsize=1)
def sentence_pools():
    from .archive import FIXTURE_DIR

    chinese, english = [], []
    for path in sorted(FIXTURE_DIR.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for section in data.get("sections", []):
            chinese += [s.strip() for s in SENTENCE.findall(section.get("body_zh", "")) if "<" not in s]
            english += [s.strip() for s in ENGLISH_SENTENCE.findall(section.get("body_en", "")) if "<" not in s]
    return chinese, english


@lru_cache(maxsize=None)
def _rendered(paragraph):
    from .markup import render_markdown

    return render_markdown(paragraph)


def _one_line(text):
    return " ".join(text.split())


def worst_batch(plan):
    from .markup import paragraphs

    chinese, english = sentence_pools()
    rng = random.Random(f"{plan.seed}:{plan.index}:{plan.first}")
    first_day = datetime.datetime(2015, 1, 1, tzinfo=datetime.UTC)
    span = (datetime.datetime(2025, 12, 31, tzinfo=datetime.UTC) - first_day).total_seconds()
    now = timestamp(plan.now, plan.postgres)
    batch = Batch()
    for i in range(plan.count):
        number = plan.first + i
        article_id = plan.article_id(i)
        zh_title = _one_line(rng.choice(chinese).rstrip("。！？"))[:28]
        en_title = _one_line(rng.choice(english).rstrip(".!?"))[:90]
        title_zh, title_en = f"{zh_title}（合成{number}）", f"{en_title} (synthetic {number})"
        summary_zh, summary_en = rng.choice(chinese), rng.choice(english)
        category_id = plan.categories[rng.randrange(len(plan.categories))][1]
        status = "draft" if rng.random() < 0.05 else "published"
        published = (first_day + datetime.timedelta(seconds=int(rng.random() * span))).replace(microsecond=0)
        for position in range(1, 4):
            zh, en = rng.sample(chinese, 2), rng.sample(english, 2)
            heading_zh = _one_line(rng.choice(chinese).rstrip("。！？"))[:20]
            heading_en = _one_line(rng.choice(english).rstrip(".!?"))[:60]
            body_zh, body_en = "\n\n".join(zh), "\n\n".join(en)
            html_zh = "\n".join(_rendered(paragraph) for paragraph in zh)
            html_en = "\n".join(_rendered(paragraph) for paragraph in en)
            zh_blocks, en_blocks = paragraphs(body_zh), paragraphs(body_en)
            row = (
                plan.section_id(i, position - 1),
                article_id,
                position,
                2,
                heading_zh,
                heading_zh,
                heading_en,
                body_zh,
                body_zh,
                body_en,
                html_zh,
                html_zh,
                html_en,
                len(zh_blocks),
                len(en_blocks),
            )
            if plan.pairs:
                row += pair_values(zh_blocks, en_blocks, "zh")
            batch.sections.append(row)
        batch.articles.append(
            (
                article_id,
                title_zh,
                title_zh,
                title_en,
                f"{SLUG_PREFIX}{number}",
                summary_zh,
                summary_zh,
                summary_en,
                status,
                timestamp(published, plan.postgres),
                "day",
                False,
                0,
                None,
                "hans",
                "zh",
                True,
                True,
                *("",) * 15,  # publisher, publication, issue, byline, source_note
                False,
                "",
                "",
                "",
                "",
                now,
                now,
                now,
                now,
                None,
                "",
                "",
                category_id,
            )
        )
    return batch


# ---------------------------------------------------------------------------
# What the corpus holds
# ---------------------------------------------------------------------------

STATISTICS_TERMS = ("疫苗", "国际合作", "vaccine")
STATISTICS_PEOPLE = (0, 9, 99, 999)


def statistics(terms=STATISTICS_TERMS, people_ranks=STATISTICS_PEOPLE):
    """[(what, articles containing it, share of all articles)]: how often queries hit, by substring.

    A term counts where it appears in a title, summary, heading or body, in
    either Chinese script (English without regard to case: "vaccine" also
    counts "vaccines", as the stemmed index does). People are the names of
    the given popularity ranks. Slow (it reads every text): for the README.
    """
    from django.db.models import Q

    from .models import Article

    total = Article.objects.count()
    everyone = people()
    queries = [(term, term) for term in terms] + [
        (f"{everyone[rank][0]} (person {rank + 1})", everyone[rank][0]) for rank in people_ranks
    ]
    rows = []
    for label, term in queries:
        forms = {term, *to_traditional([term])} if HAN_WORD.search(term) else {term}
        condition = Q()
        for form in forms:
            for name in ("title_zh_hans", "title_en", "summary_zh_hans", "summary_en"):
                condition |= Q(**{f"{name}__icontains": form})
            for name in ("heading_zh_hans", "heading_en", "body_zh_hans", "body_en"):
                condition |= Q(**{f"sections__{name}__icontains": form})
        hits = Article.objects.filter(condition).values("pk").distinct().count()
        rows.append((label, hits, hits / total if total else 0))
    return rows
