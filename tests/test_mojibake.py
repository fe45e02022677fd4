"""The four mojibake runs of capture 002, re-derived from their bytes (fixtures/README.md, "Mojibake of 002").

The letter's Traditional text was stored as GBK (which has Traditional
characters too). At each run one byte was read on its own ("?") and the
reader then paired every following byte with the wrong neighbour: the
trailing byte of one character with the leading byte of the next, until an
ASCII byte put it back in step. Full-width punctuation came out of that
pairing (A3 xx is GBK's full-width row) and was later folded to ASCII, as
the whole capture's punctuation was; a pair in GBK's user-defined area
(F9 D3) came out as a private-use character and was dropped.

Reading the run's characters back into GBK bytes and pairing them the right
way round gives the text; each test below does it and compares with what the
fixture and the page hold.
"""

import re
import unicodedata
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from .pages import page_text

RAW = Path(settings.BASE_DIR) / "fixtures" / "raw" / "002_92fe266a63032aef.txt"
FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "articles" / "guangdong-open-letter-covid-science.toml"

# garbled run in the capture → GBK bytes of the intended text → the text
RUNS = [
    ("?;贑T", "a1 a3 bb f9 d3 da 43 54", "。基于CT"),
    ("??梢酝ㄟ^", "a1 a3 bf c9 d2 d4 cd a8 df 5e", "。可以通過"),
    ("?!边@", "a1 a3 a1 b1 df 40", "。”這"),
]
# The second run has a pinyin gloss in it (see the README): its bytes after the gloss.
LOCAL = ("氐暮粑鼈魅靖綦x", "b5 d8 b5 c4 ba f4 ce fc 82 f7 c8 be b8 f4 eb 78", "地的呼吸傳染隔離")


def read_out_of_step(data):
    """What the capture's reader made of `data`: its first byte alone, the rest paired one byte late."""
    text = "?" + data[1:].decode("gb18030")
    text = "".join(char for char in text if not "\ue000" <= char <= "\uf8ff")
    return unicodedata.normalize("NFKC", text)


@pytest.mark.parametrize(("garbled", "hexbytes", "text"), RUNS, ids=[text for _g, _b, text in RUNS])
def test_each_run_is_its_text_read_one_byte_out_of_step(garbled, hexbytes, text):
    data = bytes.fromhex(hexbytes)
    assert data.decode("gbk") == text
    assert read_out_of_step(data) == garbled
    assert garbled in RAW.read_text(encoding="utf-8")


def test_the_first_run_says_jiyu_with_the_simplified_yu_as_the_letter_writes_it():
    # 於 would be EC B6: its bytes cannot make 贑 (DA 43), whose DA is the
    # trailing byte of 于 (D3 DA) and whose 43 is the C of "CT".
    assert "贑".encode("gbk") == bytes.fromhex("da 43")
    assert read_out_of_step("。基於CT".encode("gbk")) != "?;贑T"
    assert read_out_of_step("。基于CT".encode("gbk")) == "?;贑T"
    fixture = FIXTURE.read_text(encoding="utf-8")
    assert "）。基于CT圖像診斷新冠肺炎準確率為90%" in fixture
    assert "基於" not in fixture


def test_the_second_run_is_local_respiratory_isolation_with_a_gloss_of_shu_in_it():
    garbled, hexbytes, text = LOCAL
    data = bytes.fromhex(hexbytes)
    assert data.decode("gbk") == text
    # One byte late: 地's leading B5 is gone, its trailing D8 pairs with 的's B5 (氐), and so on to 離's x.
    assert data[1:].decode("gbk") == garbled
    # Before it, 當 (AE 94) and 地's B5 read together are 94 B5 = 數, glossed (shù) like the capture's other
    # Traditional characters; 數 itself was lost to the "?".
    assert "當地".encode("gbk")[1:3].decode("gbk") == "數"
    assert "當?shù)" + garbled in RAW.read_text(encoding="utf-8")


@pytest.mark.django_db
def test_the_page_shows_every_run_repaired(client, archive):
    with translation.override("zh-hant"):
        html = client.get(reverse("articles:detail", args=["guangdong-open-letter-covid-science"])).content.decode()
    text = re.sub(r"\s+", "", page_text(html, "article"))
    for repaired in ("）。基于CT圖像", "可合作共建當地的呼吸傳染隔離防線", "）。可以通過郵件", "眾行者易趨。”這次疫情"):
        assert repaired in text
