"""The live reference data an import resolves names against, and investor origins.

Regions by full name, short name or adcode; parks by name or short name (a park names its
county); industries by name, short name or code; chain links by name within an industry;
channels, statuses and the other vocabularies by their term or a common short form. An
unknown value gets the closest valid one as a suggestion (difflib).

Investor origins (投资方所在地) follow the demo's convention (data_access/demo/names.py): the
province as stored (广东省), the city (深圳市) or None for a province-level place without one
(香港特别行政区, 新加坡); municipalities repeat their name (上海市, 上海市). The source region
(来源区域) follows from the place: 粤港澳大湾区 is the nine Pearl River Delta cities with Hong
Kong and Macao, 长三角 Shanghai, Jiangsu, Zhejiang and Anhui, 京津冀 Beijing, Tianjin and Hebei,
成渝 Sichuan and Chongqing, 省内 Guizhou, 境外 outside the mainland, Hong Kong and Macao.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import Connection, select

from ..models import ChainLink, Industry, Park, Region
from ..vocab import (
    CHAIN_ACTIONS, CHANNELS, OWNERSHIP, PROVINCE_ADCODE, QUALITY_TAG_LABELS, SOURCE_REGIONS, STATUSES,
)
from .values import BadValue

LEAD_STAGES = ("线索", "在谈", "已签约")
VISIT_KINDS = {"企业": "enterprise", "商协会": "association"}

PROVINCES = (
    ("北京市", "北京"), ("天津市", "天津"), ("河北省", "河北"), ("山西省", "山西"), ("内蒙古自治区", "内蒙古"),
    ("辽宁省", "辽宁"), ("吉林省", "吉林"), ("黑龙江省", "黑龙江"), ("上海市", "上海"), ("江苏省", "江苏"),
    ("浙江省", "浙江"), ("安徽省", "安徽"), ("福建省", "福建"), ("江西省", "江西"), ("山东省", "山东"),
    ("河南省", "河南"), ("湖北省", "湖北"), ("湖南省", "湖南"), ("广东省", "广东"), ("广西壮族自治区", "广西"),
    ("海南省", "海南"), ("重庆市", "重庆"), ("四川省", "四川"), ("贵州省", "贵州"), ("云南省", "云南"),
    ("西藏自治区", "西藏"), ("陕西省", "陕西"), ("甘肃省", "甘肃"), ("青海省", "青海"), ("宁夏回族自治区", "宁夏"),
    ("新疆维吾尔自治区", "新疆"), ("台湾省", "台湾"), ("香港特别行政区", "香港"), ("澳门特别行政区", "澳门"),
)
MUNICIPALITIES = {"北京市", "天津市", "上海市", "重庆市"}
NO_CITY = {"香港特别行政区", "澳门特别行政区", "台湾省"}
PRD_CITIES = {"广州市", "深圳市", "珠海市", "佛山市", "惠州市", "东莞市", "中山市", "江门市", "肇庆市"}
REGION_OF_PROVINCE = {
    "上海市": "长三角", "江苏省": "长三角", "浙江省": "长三角", "安徽省": "长三角",
    "北京市": "京津冀", "天津市": "京津冀", "河北省": "京津冀", "四川省": "成渝", "重庆市": "成渝",
    "贵州省": "省内", "香港特别行政区": "粤港澳大湾区", "澳门特别行政区": "粤港澳大湾区",
    # Investment from Taiwan is counted with 境外 in the statistics, like foreign investment.
    "台湾省": "境外",
}
# Cities often written without their province.
CITY_PROVINCE = {
    "深圳": "广东省", "广州": "广东省", "东莞": "广东省", "佛山": "广东省", "珠海": "广东省", "惠州": "广东省",
    "中山": "广东省", "江门": "广东省", "肇庆": "广东省", "汕头": "广东省", "苏州": "江苏省", "南京": "江苏省",
    "无锡": "江苏省", "常州": "江苏省", "南通": "江苏省", "杭州": "浙江省", "宁波": "浙江省", "温州": "浙江省",
    "绍兴": "浙江省", "金华": "浙江省", "合肥": "安徽省", "芜湖": "安徽省", "石家庄": "河北省", "唐山": "河北省",
    "保定": "河北省", "成都": "四川省", "宜宾": "四川省", "绵阳": "四川省", "泸州": "四川省", "长沙": "湖南省",
    "株洲": "湖南省", "怀化": "湖南省", "武汉": "湖北省", "昆明": "云南省", "厦门": "福建省", "福州": "福建省",
    "泉州": "福建省", "郑州": "河南省", "西安": "陕西省", "青岛": "山东省", "济南": "山东省", "南宁": "广西壮族自治区",
    "南昌": "江西省", "太原": "山西省", "沈阳": "辽宁省", "大连": "辽宁省", "鄂尔多斯": "内蒙古自治区",
    "呼和浩特": "内蒙古自治区", "哈尔滨": "黑龙江省", "长春": "吉林省", "兰州": "甘肃省", "海口": "海南省",
    "银川": "宁夏回族自治区", "西宁": "青海省", "乌鲁木齐": "新疆维吾尔自治区", "拉萨": "西藏自治区",
}
COUNTRIES = (
    "新加坡", "美国", "日本", "韩国", "德国", "英国", "法国", "意大利", "荷兰", "瑞士", "瑞典", "丹麦", "挪威", "芬兰",
    "比利时", "西班牙", "奥地利", "爱尔兰", "加拿大", "澳大利亚", "新西兰", "马来西亚", "泰国", "越南", "印度尼西亚",
    "菲律宾", "印度", "以色列", "阿联酋", "沙特阿拉伯", "卡塔尔", "俄罗斯", "巴西", "墨西哥", "南非", "柬埔寨",
    "老挝", "缅甸", "卢森堡", "开曼群岛", "英属维尔京群岛", "百慕大",
)
# 黔东南州 keeps its name; 杭州 is 杭州市 (two-character cities end in 州 too).
_CITY_SUFFIX = ("市", "自治州", "地区", "盟", "县", "区")
_SEPARATORS = re.compile(r"[\s/\\\-—·,，、|]+")

CHANNEL_SYNONYMS = {"驻点": "驻点招商", "云上签": "云招商", "网上签约": "云招商", "云签约": "云招商", "以商": "以商招商",
                    "产业链": "产业链招商", "领导带头": "领导带头招商", "展会": "展会招商", "园区": "园区招商"}
STATUS_SYNONYMS = {"签约": "已签约", "已签": "已签约", "开工": "在建", "已开工": "在建", "建设中": "在建", "在建中": "在建",
                   "投产": "已投产", "达产": "已投产", "已达产": "已投产", "竣工投产": "已投产", "终止": "已终止",
                   "已退出": "已终止", "退出": "已终止"}
STAGE_SYNONYMS = {"签约": "已签约", "洽谈": "在谈", "在洽谈": "在谈", "洽谈中": "在谈", "意向": "线索"}
VISIT_KIND_SYNONYMS = {"企业拜访": "企业", "拜访企业": "企业", "协会": "商协会", "商会": "商协会", "行业协会": "商协会",
                       "拜访商协会": "商协会"}
TAG_SYNONYMS = {"500强": "世界500强", "世界五百强": "世界500强", "中国五百强": "中国500强", "民营五百强": "民营500强",
                "上市": "上市公司", "龙头": "行业龙头", "龙头企业": "行业龙头", "专精特新企业": "专精特新"}


def clean(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip()


def suggest(value: str, candidates) -> str:
    """'，是否为「X」？' with the closest candidate, or '' when nothing is close."""
    close = difflib.get_close_matches(value, list(candidates), n=1, cutoff=0.4)
    return f"，是否为「{close[0]}」？" if close else ""


@dataclass(frozen=True)
class Place:
    adcode: int
    name: str
    level: str
    parent: int | None


@dataclass(frozen=True)
class Origin:
    province: str
    city: str | None
    source_region: str


class Reference:
    """Everything an import looks names up in, read once per plan."""

    def __init__(self, conn: Connection):
        regions = conn.execute(select(Region.adcode, Region.name, Region.short_name, Region.level,
                                      Region.parent_adcode).order_by(Region.sort_order)).all()
        self.places = {int(r.adcode): Place(int(r.adcode), r.name, r.level,
                                            None if r.parent_adcode is None else int(r.parent_adcode)) for r in regions}
        self.region_names: dict[str, int] = {}
        for r in regions:
            for key in (r.name, r.short_name, str(r.adcode)):
                self.region_names.setdefault(key, int(r.adcode))
        self.region_names.setdefault("全省", PROVINCE_ADCODE)
        parks = conn.execute(select(Park.id, Park.name, Park.short_name, Park.county_adcode).order_by(Park.id)).all()
        self.parks = {int(p.id): (p.name, int(p.county_adcode)) for p in parks}
        self.park_names = {}
        for p in parks:
            self.park_names.setdefault(p.name, int(p.id))
            self.park_names.setdefault(p.short_name, int(p.id))
        inds = conn.execute(select(Industry.code, Industry.name, Industry.short_name, Industry.is_key)
                            .order_by(Industry.sort_order)).all()
        self.industries = {i.code: i.name for i in inds}
        self.key_industries = {i.code for i in inds if i.is_key}
        self.industry_names = {}
        for i in inds:
            for key in (i.name, i.short_name, i.code):
                self.industry_names.setdefault(key, i.code)
        links = conn.execute(select(ChainLink.id, ChainLink.industry_code, ChainLink.name)
                             .order_by(ChainLink.industry_code, ChainLink.sort_order)).all()
        self.links = {int(link.id): (link.industry_code, link.name) for link in links}
        self.link_names: dict[str, list[int]] = {}
        for link in links:
            self.link_names.setdefault(link.name, []).append(int(link.id))
        self.guizhou_cities = {self.places[a].name.removesuffix("市"): self.places[a].name
                               for a in self.places if self.places[a].level == "city"}

    # ------------------------------------------------------------------ the lists a template offers

    def choices(self, name: str) -> list[str]:
        """The allowed values of an enumerated column, as the template's drop-downs list them."""
        if name == "counties":
            return [p.name for p in self.places.values() if p.level == "county"]
        if name == "regions":
            return [p.name for p in self.places.values()]
        if name == "parks":
            return [n for n, _ in self.parks.values()]
        if name == "industries":
            return list(self.industries.values())
        if name == "chain_links":
            return [n for _, n in self.links.values()]
        return list({
            "channels": CHANNELS, "chain_actions": CHAIN_ACTIONS, "statuses": STATUSES,
            "source_regions": SOURCE_REGIONS, "ownership": OWNERSHIP, "lead_stages": LEAD_STAGES,
            "visit_kinds": tuple(VISIT_KINDS), "quality_tags": tuple(QUALITY_TAG_LABELS.values()),
        }[name])

    # ------------------------------------------------------------------ resolving a cell

    def region(self, value: str, *, levels: tuple[str, ...] = ("county",)) -> int:
        s = clean(value).replace(" ", "")
        code = self.region_names.get(s)
        if code is None:
            # 遵义市仁怀市, 遵义市/仁怀市: a county written under its city.
            for sep in ("/", "-", "·", ""):
                for city in (p for p in self.places.values() if p.level == "city"):
                    for prefix in (city.name + sep, city.name.removesuffix("市") + sep):
                        if sep == "" and not s.startswith(city.name):
                            continue
                        if s.startswith(prefix) and s[len(prefix):] in self.region_names:
                            inner = self.region_names[s[len(prefix):]]
                            if self.places[inner].parent == city.adcode:
                                code = inner
                if code is not None:
                    break
        if code is None:
            names = [p.name for p in self.places.values() if p.level in levels]
            raise BadValue(f"未知的{'县(市、区)' if levels == ('county',) else '区域'}「{value}」{suggest(s, names)}")
        place = self.places[code]
        if place.level not in levels:
            what = {"province": "省", "city": "市州", "county": "县(市、区)"}[place.level]
            raise BadValue(f"「{value}」是{what}，请填写县(市、区)")
        return code

    def park(self, value: str) -> int:
        s = clean(value)
        pid = self.park_names.get(s)
        if pid is None:
            raise BadValue(f"未知的园区「{value}」{suggest(s, self.park_names)}")
        return pid

    def industry(self, value: str) -> str:
        s = clean(value)
        code = self.industry_names.get(s) or self.industry_names.get(s.upper())
        if code is None:
            raise BadValue(f"未知的行业「{value}」{suggest(s, self.industries.values())}")
        return code

    def chain_link(self, value: str, industry: str | None) -> int:
        s = clean(value)
        s = re.sub(r"^(上游|中游|下游)[-·:：]?", "", s)
        ids = self.link_names.get(s, [])
        if industry is not None:
            ids = [i for i in ids if self.links[i][0] == industry]
        if len(ids) == 1:
            return ids[0]
        pool = [n for i, (ind, n) in self.links.items() if industry is None or ind == industry]
        if len(ids) > 1:
            raise BadValue(f"产业链环节「{value}」在多个行业中都有，请填写行业")
        if industry is not None and self.link_names.get(s):
            raise BadValue(f"产业链环节「{value}」不属于行业「{self.industries[industry]}」{suggest(s, pool)}")
        raise BadValue(f"未知的产业链环节「{value}」{suggest(s, pool)}")

    @staticmethod
    def term(value: str, allowed, synonyms: dict[str, str], what: str) -> str:
        s = clean(value).replace(" ", "")
        if s in allowed:
            return s
        if s in synonyms:
            return synonyms[s]
        for a in allowed:  # 驻点 → 驻点招商
            if a.startswith(s) and len(s) >= 2 and sum(1 for b in allowed if b.startswith(s)) == 1:
                return a
        raise BadValue(f"未知的{what}「{value}」{suggest(s, list(allowed) + list(synonyms))}")

    def channel(self, value: str) -> str:
        return self.term(value, CHANNELS, CHANNEL_SYNONYMS, "招商方式")

    def enum(self, name: str, value: str):
        if name == "channels":
            return self.channel(value)
        if name == "statuses":
            return self.term(value, STATUSES, STATUS_SYNONYMS, "项目状态")
        if name == "chain_actions":
            return self.term(value, CHAIN_ACTIONS, {}, "招引类型")
        if name == "source_regions":
            return self.term(value, SOURCE_REGIONS, {"粤港澳": "粤港澳大湾区", "大湾区": "粤港澳大湾区", "珠三角": "粤港澳大湾区",
                                                     "长江三角洲": "长三角", "外资": "境外", "国外": "境外"}, "来源区域")
        if name == "ownership":
            return self.term(value, OWNERSHIP, {"私营": "民营", "民企": "民营", "国企": "国有", "央企": "国有", "混合": "混合所有制"},
                             "投资方性质")
        if name == "lead_stages":
            return self.term(value, LEAD_STAGES, STAGE_SYNONYMS, "阶段")
        if name == "visit_kinds":
            return VISIT_KINDS[self.term(value, tuple(VISIT_KINDS), VISIT_KIND_SYNONYMS, "拜访对象类型")]
        if name == "industries":
            return self.industry(value)
        raise KeyError(name)

    def tags(self, value: str) -> int:
        labels = {label: int(tag) for tag, label in QUALITY_TAG_LABELS.items()}
        mask = 0
        for part in filter(None, re.split(r"[、,，;；/\s]+", clean(value))):
            label = part if part in labels else TAG_SYNONYMS.get(part)
            if label is None:
                raise BadValue(f"未知的优强企业类型「{part}」{suggest(part, labels)}")
            mask |= labels[label]
        return mask

    # ------------------------------------------------------------------ 投资方所在地

    def origin(self, value: str) -> Origin:
        s = _SEPARATORS.sub("", clean(value))
        province = city = None
        for full, short in sorted(PROVINCES, key=lambda p: -len(p[0])):
            for name in (full, short):
                if s.startswith(name):
                    province, rest = full, s[len(name):]
                    break
            if province:
                break
        if province is None:
            bare = s.removesuffix("市")
            if bare in CITY_PROVINCE:
                province, rest = CITY_PROVINCE[bare], bare
            elif bare in self.guizhou_cities:
                province, rest = "贵州省", bare
            elif s in COUNTRIES or (s.endswith("国") and 2 <= len(s) <= 8):
                return Origin(s, None, "境外")
            else:
                known = [p[0] for p in PROVINCES] + [c + "市" for c in CITY_PROVINCE] + list(COUNTRIES)
                raise BadValue(f"无法识别投资方所在地「{value}」，请写成「省+市」，如 广东省深圳市{suggest(s, known)}")
        if province in MUNICIPALITIES:
            city = province
        elif province in NO_CITY or not rest:
            city = None
        else:
            city = rest if rest.endswith(_CITY_SUFFIX) or (rest.endswith("州") and len(rest) >= 3) else rest + "市"
        if province == "广东省":
            region = "粤港澳大湾区" if city in PRD_CITIES else "其他省外"
        else:
            region = REGION_OF_PROVINCE.get(province, "其他省外")
        return Origin(province, city, region)

    # ------------------------------------------------------------------ scope helpers

    def counties_of(self, adcode: int) -> frozenset[int]:
        """The counties of a region (a county: itself)."""
        place = self.places[adcode]
        if place.level == "county":
            return frozenset({adcode})
        if place.level == "city":
            return frozenset(p.adcode for p in self.places.values() if p.parent == adcode)
        return frozenset(p.adcode for p in self.places.values() if p.level == "county")

    def region_of_scope(self, scope: frozenset[int] | None) -> int | None:
        """The one region a scope is (the province, a city or a county), or None for another set."""
        if scope is None:
            return PROVINCE_ADCODE
        for place in self.places.values():
            if self.counties_of(place.adcode) == scope:
                return place.adcode
        return None
