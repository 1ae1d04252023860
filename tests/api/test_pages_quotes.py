"""Pages: the two-step quote form, the line-by-line breakdown and "why this price"."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy.orm import Session

from ewaste import orders, pricing
from ewaste.catalog.datafiles import catalogue
from ewaste.kernel.clock import CHINA_TIME, FrozenClock
from ewaste.kernel.money import Money, format_money, round_minor
from ewaste.web.pages.breakdown import exact_yuan, price_text, shorten
from tests.api.test_pages_auth import login_as
from tests.api.test_pages_household import quote_through_form
from tests.factories import World, build_world


@pytest.fixture
def world(session: Session, clock: FrozenClock) -> World:
    """Every party, committed to the test's rolled-back connection."""
    return build_world(session, now=clock.now())


# A flat TV and a fridge described in full, as step two posts them.
DESCRIBED: dict[str, str | list[str]] = {
    "category": ["tv_flat", "refrigerator"],
    "quantity": ["1", "1"],
    "attr-0-technology": "oled",
    "attr-0-screen_inch": "65",
    "works-0": "no",
    "condition-0": "broken_screen",
    "attr-1-volume_l": "300",
    "attr-1-doors": "3",
    "works-1": "yes",
}


def _escaped(text: str) -> str:
    """`text` as the templates write it into HTML."""
    return str(escape(text))


def _open(session: Session, world: World) -> list[pricing.QuoteView]:
    return list(pricing.open_quotes_of(session, world.household_a.organisation_id))


class TestStepOne:
    def test_the_home_page_asks_which_items_and_how_many(
        self, app_client: TestClient, world: World
    ) -> None:
        login_as(app_client, "home-a")
        page = app_client.get("/").text
        assert '<form method="get" action="/quotes/new"' in page
        assert '<option value="tv_flat"' in page
        assert 'href="/prices"' in page

    def test_step_two_asks_the_attributes_of_the_chosen_categories(
        self, app_client: TestClient, world: World
    ) -> None:
        login_as(app_client, "home-a")
        query = "category=tv_flat&quantity=2&category=&quantity=1&category=refrigerator&quantity=1"
        page = app_client.get(f"/quotes/new?{query}")
        assert page.status_code == 200
        text = page.text
        # The chosen rows are numbered 0 and 1 (the empty row is left out).
        assert text.index('value="tv_flat"') < text.index('value="refrigerator"')
        assert '<select name="attr-0-technology">' in text
        assert '<option value="oled" >OLED</option>' in text
        assert '<option value="led" selected>LED背光液晶</option>' in text
        assert 'name="attr-0-screen_inch" type="number"' in text
        assert 'min="14" max="100"' in text
        assert "屏幕尺寸（对角线） (英寸)" in text
        assert 'name="attr-1-volume_l"' in text
        assert 'min="30" max="800"' in text
        for index in (0, 1):
            assert f'name="works-{index}" value="yes" required' in text
            assert f'name="works-{index}" value="no"' in text
        # Only the conditions that apply to the category; "not working" is the yes/no.
        assert 'name="condition-0" value="broken_screen"' in text
        assert 'name="condition-0" value="missing_compressor"' not in text
        assert 'name="condition-1" value="missing_compressor"' in text
        assert "缺少压缩机（无压缩机及制冷剂）" in text
        assert 'value="not_working"' not in text

    def test_step_two_in_english(self, app_client: TestClient, world: World) -> None:
        login_as(app_client, "home-a", lang="en")
        text = app_client.get("/quotes/new?category=tv_flat&quantity=1").text
        for label in (
            "Display technology",
            "LED-backlit LCD",
            "Screen size (diagonal) (inch)",
            "Does it still work?",
            "broken screen (no second-hand value)",
        ):
            assert label in text

    @pytest.mark.parametrize(
        ("query", "status", "message"),
        [
            ("category=&quantity=1", 422, "请至少选择一种物品"),
            ("category=toaster&quantity=1", 404, "未知的物品品类 'toaster'"),
            ("category=tv_flat&quantity=some", 422, "请输入整数"),
        ],
    )
    def test_a_bad_first_step_says_why(
        self, app_client: TestClient, world: World, query: str, status: int, message: str
    ) -> None:
        login_as(app_client, "home-a")
        page = app_client.get(f"/quotes/new?{query}")
        assert page.status_code == status
        assert _escaped(message) in page.text


class TestQuoteWithAttributes:
    def test_the_quote_is_priced_from_the_described_items(
        self, app_client: TestClient, world: World, session: Session
    ) -> None:
        token = login_as(app_client, "home-a")
        answer = app_client.post(
            "/quotes", data={"csrf_token": token, **DESCRIBED}, follow_redirects=False
        )
        assert answer.status_code == 303, answer.text
        [quote] = _open(session, world)
        assert answer.headers["location"] == f"/#quote-{quote.id}"
        tv, fridge = quote.items
        assert dict(tv.attributes) == {"technology": "oled", "screen_inch": 65}
        assert not tv.works
        assert "broken_screen" in tv.conditions
        assert dict(fridge.attributes) == {"volume_l": 300, "doors": 3}
        assert fridge.works
        # 65 inches weigh more than the default 43, and a broken TV has no second-hand value.
        assert tv.unit_mass_g > catalogue().models["tv_flat"].profile({}).mass_g
        assert not [ln for ln in quote.lines if ln.item == 0 and ln.kind == "reuse"]

        page = app_client.get("/").text
        for shown in ("OLED", "屏幕尺寸（对角线）：65 英寸", "无法使用", "屏幕破损（无二手价值）"):
            assert shown in page
        assert "总容积：300 升" in page

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            (
                {"attr-0-screen_inch": "500"},
                "屏幕尺寸（对角线）：请输入 14 至 100 英寸之间的整数。",
            ),
            (
                {"attr-0-screen_inch": "big"},
                "屏幕尺寸（对角线）：请输入 14 至 100 英寸之间的整数。",
            ),
            ({"attr-0-technology": "crt"}, "显示技术：请从提供的选项中选择。"),
            ({"attr-1-doors": "9"}, "门数：请输入 1 至 4之间的整数。"),
            ({"works-1": "maybe"}, "请说明每件物品是否还能正常使用。"),
            # Refused by the pricing service itself: the transaction is rolled back.
            ({"condition-0": "missing_compressor"}, "tv_flat：状况 'missing_compressor' 不适用。"),
            ({"quantity": ["51", "1"]}, "报价需要 1–20 种不同物品，每种数量 1–50。"),
        ],
    )
    def test_a_refused_answer_is_shown_beside_the_form_and_nothing_is_stored(
        self,
        app_client: TestClient,
        world: World,
        session: Session,
        change: dict[str, str | list[str]],
        message: str,
    ) -> None:
        token = login_as(app_client, "home-a")
        answer = app_client.post("/quotes", data={"csrf_token": token, **DESCRIBED, **change})
        assert answer.status_code == 422
        text = answer.text
        assert f'<p class="error" role="alert">{_escaped(message)}' in text
        # The form is shown again with what was typed.
        assert 'action="/quotes"' in text
        assert f'value="{change.get("attr-0-screen_inch", "65")}"' in text
        assert _open(session, world) == []

    def test_a_refused_size_in_english(
        self, app_client: TestClient, world: World, session: Session
    ) -> None:
        token = login_as(app_client, "home-a", lang="en")
        answer = app_client.post(
            "/quotes", data={"csrf_token": token, **DESCRIBED, "attr-0-screen_inch": "500"}
        )
        assert answer.status_code == 422
        assert "Screen size (diagonal): enter a whole number from 14 to 100 inch." in answer.text
        assert 'value="500"' in answer.text
        assert _open(session, world) == []


class TestBreakdown:
    @pytest.mark.parametrize(
        ("lang", "words"),
        [
            (
                "zh_CN",
                ("材料", "铝", "黑色金属（钢铁）", "收运分拣", "二手价值", "运输（按距离）",
                 "估算", "各行精确合计", "上门当场付款", "合计只在最后舍入一次"),
            ),
            (
                "en",
                ("Material", "Aluminium", "Ferrous metals (steel, iron)", "Collection and sorting",
                 "Second-hand value", "Transport by distance", "estimate",
                 "Exact sum of the lines", "You are paid at the door", "rounded once"),
            ),
        ],
    )  # fmt: skip
    def test_every_line_with_its_quantity_price_amount_and_source(
        self,
        app_client: TestClient,
        world: World,
        session: Session,
        lang: str,
        words: tuple[str, ...],
    ) -> None:
        token = login_as(app_client, "home-a", lang=lang)
        quote_id = quote_through_form(
            app_client, token, {"tv_flat": "2"}, **{"attr-0-screen_inch": "55"}
        )
        quote = pricing.get_quote(session, actor=world.household_a, quote_id=quote_id)
        page = app_client.get("/").text
        for word in words:
            assert word in page
        assert "¥13.50/kg" in page  # aluminium, seed price
        assert "¥4.998/kg" in page  # low-grade boards: more than two decimals are kept
        rows = page.count('<tr class="line ')
        assert rows == len(quote.lines)
        for line in quote.lines:
            assert format_money(Money(round_minor(line.amount_fen_exact))) in page
            assert f'title="{_escaped(line.source)}"' in page
            assert _escaped(shorten(line.source)) in page
        kg, grams = divmod(quote.items[0].unit_mass_g, 1000)
        assert f"{kg}.{grams:03d} kg" in page
        assert exact_yuan(quote.net_fen_exact) in page
        assert format_money(quote.total) in page
        assert f'href="/quotes/{quote_id}"' in page

    @pytest.mark.parametrize(
        ("lang", "words"),
        [
            ("zh_CN", ("免费上门回收", "您无需付费")),
            ("en", ("We collect it free", "You pay nothing")),
        ],
    )
    def test_a_quote_worth_less_than_nothing_is_collected_free(
        self,
        app_client: TestClient,
        world: World,
        session: Session,
        lang: str,
        words: tuple[str, ...],
    ) -> None:
        # Home b is some 13 km from the nearest station: a dead phone does not pay the trip.
        token = login_as(app_client, "home-b", lang=lang)
        quote_id = quote_through_form(app_client, token, {"mobile_phone": "1"}, **{"works-0": "no"})
        quote = pricing.get_quote(session, actor=world.household_b, quote_id=quote_id)
        assert quote.free_collection
        assert quote.net_fen_exact < 0
        assert quote.total == Money(0)
        page = app_client.get("/").text
        for word in words:
            assert word in page
        assert exact_yuan(quote.net_fen_exact).startswith("-¥")
        assert exact_yuan(quote.net_fen_exact) in page


class TestFormatting:
    @pytest.mark.parametrize(
        ("yuan", "text"),
        [
            ("1.95", "¥1.95"),
            ("13.5", "¥13.50"),
            ("4.998", "¥4.998"),
            ("5.5775", "¥5.5775"),
            ("0.000125", "¥0.0001"),
            ("1234", "¥1,234.00"),
        ],
    )
    def test_unit_prices_keep_two_to_four_decimals(self, yuan: str, text: str) -> None:
        assert price_text(Decimal(yuan)) == text

    @pytest.mark.parametrize(
        ("fen", "text"),
        [
            ("40173.621600", "¥401.736216"),
            ("-465.479", "-¥4.65479"),
            ("100", "¥1.00"),
            ("0", "¥0.00"),
            ("123456789", "¥1,234,567.89"),
        ],
    )
    def test_exact_amounts_keep_every_decimal(self, fen: str, text: str) -> None:
        assert exact_yuan(Decimal(fen)) == text

    def test_long_sources_are_cut_at_a_word(self) -> None:
        assert shorten("short source") == "short source"
        long = "ESTIMATE: no steel-scrap series in the reference (known gap). SteelOrbis weekly"
        cut = shorten(long)
        assert cut.endswith("…")
        assert long.startswith(cut[:-1])
        assert len(cut) <= 61


class TestWhyThisPrice:
    def test_the_household_sees_how_its_quote_was_built(
        self, app_client: TestClient, world: World, session: Session
    ) -> None:
        token = login_as(app_client, "home-a")
        app_client.post("/quotes", data={"csrf_token": token, **DESCRIBED})
        [quote] = _open(session, world)
        page = app_client.get(f"/quotes/{quote.id}")
        assert page.status_code == 200
        text = page.text
        assert "为什么是这个价格？" in text
        assert quote.catalogue_version in text
        assert "所用价格版本" in text
        assert quote.input_ids
        for input_id in quote.input_ids:
            assert f'id="version-{input_id}"' in text
        assert text.count('<tr class="line ') == len(quote.lines)
        assert "¥13.50/kg" in text
        # Each version says when it came into force and for which region.
        versions = pricing.price_versions(session, quote.input_ids)
        assert set(versions) == set(quote.input_ids)
        for input_id, version in versions.items():
            row = text[text.index(f'id="version-{input_id}"') :].split("</tr>", 1)[0]
            day = version.effective_from.astimezone(CHINA_TIME).date().isoformat()
            assert f'<td class="effective">{day}</td>' in row
            assert ("全国" if version.region == "*" else "深圳") in row
        app_client.cookies.set("lang", "en")
        english = app_client.get(f"/quotes/{quote.id}").text
        assert "Why this price?" in english
        assert "Price versions used" in english
        assert "Commodity price per kg" in english

    def test_another_households_quote_is_not_found(
        self, app_client: TestClient, world: World, session: Session, clock: FrozenClock
    ) -> None:
        theirs = pricing.create_quote(
            session,
            actor=world.household_b,
            items=[pricing.ItemRequest("tv_flat", 1)],
            now=clock.now(),
            valid_for=timedelta(hours=24),
        )
        login_as(app_client, "home-a")
        page = app_client.get(f"/quotes/{theirs.id}")
        assert page.status_code == 404
        assert f"未找到报价单 {theirs.id}。" in page.text
        assert 'class="breakdown"' not in page.text
        assert app_client.get("/quotes/999999").status_code == 404

    def test_staff_may_see_any_quote(
        self, app_client: TestClient, world: World, session: Session, clock: FrozenClock
    ) -> None:
        theirs = pricing.create_quote(
            session,
            actor=world.household_b,
            items=[pricing.ItemRequest("tv_flat", 1)],
            now=clock.now(),
            valid_for=timedelta(hours=24),
        )
        login_as(app_client, "operator")
        page = app_client.get(f"/quotes/{theirs.id}")
        assert page.status_code == 200
        assert 'class="breakdown"' in page.text

    def test_my_pickups_link_to_the_quote_they_were_booked_on(
        self, app_client: TestClient, world: World, session: Session
    ) -> None:
        token = login_as(app_client, "home-a")
        quote_id = quote_through_form(app_client, token, {"tv_flat": "1"})
        booking = {
            "csrf_token": token,
            "quote_id": str(quote_id),
            "address": "福田区深南大道1号",
            "lat": "22.5223",
            "lon": "114.0553",
            "slot": "2026-11-24T12:00",
            "contact_name": "李女士",
            "contact_phone": "13800138000",
        }
        assert app_client.post("/pickups", data=booking, follow_redirects=False).status_code == 303
        [pickup] = orders.pickups_for(session, actor=world.household_a)
        page = app_client.get("/").text
        assert f'<a href="/quotes/{pickup.quote_id}"' in page
        booked = app_client.get(f"/quotes/{quote_id}").text
        assert "已预约" in booked

    def test_a_visitor_is_sent_to_log_in(self, app_client: TestClient) -> None:
        answer = app_client.get("/quotes/1", follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"] == "/login"
