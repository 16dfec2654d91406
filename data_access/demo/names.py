"""Name pools for the demo data: investor origins, company names, associations, project names.

Everything here is data or a pure function of a numpy Generator, so that the same seed gives
the same names in the same order on every run.
"""
from __future__ import annotations

import numpy as np

# --- Investor origins: (province as stored, city as stored or None, relative weight) per source region.
ORIGINS: dict[str, list[tuple[str, str | None, float]]] = {
    "粤港澳大湾区": [
        ("广东省", "深圳市", 45), ("广东省", "广州市", 17), ("广东省", "东莞市", 9), ("广东省", "佛山市", 8),
        ("广东省", "珠海市", 5), ("广东省", "惠州市", 4), ("广东省", "中山市", 3), ("广东省", "江门市", 2),
        ("广东省", "肇庆市", 1), ("香港特别行政区", None, 5), ("澳门特别行政区", None, 1),
    ],
    "长三角": [
        ("上海市", "上海市", 30), ("浙江省", "杭州市", 12), ("江苏省", "苏州市", 12), ("江苏省", "南京市", 8),
        ("浙江省", "宁波市", 7), ("江苏省", "无锡市", 6), ("安徽省", "合肥市", 6), ("浙江省", "温州市", 5),
        ("江苏省", "常州市", 4), ("浙江省", "绍兴市", 3), ("江苏省", "南通市", 3), ("浙江省", "金华市", 2),
        ("安徽省", "芜湖市", 2),
    ],
    "京津冀": [
        ("北京市", "北京市", 70), ("天津市", "天津市", 18), ("河北省", "石家庄市", 6), ("河北省", "唐山市", 3),
        ("河北省", "保定市", 3),
    ],
    "成渝": [
        ("四川省", "成都市", 52), ("重庆市", "重庆市", 40), ("四川省", "宜宾市", 3), ("四川省", "绵阳市", 3),
        ("四川省", "泸州市", 2),
    ],
    "其他省外": [
        ("湖南省", "长沙市", 14), ("湖北省", "武汉市", 12), ("云南省", "昆明市", 8), ("福建省", "厦门市", 8),
        ("河南省", "郑州市", 7), ("陕西省", "西安市", 7), ("山东省", "青岛市", 6), ("广西壮族自治区", "南宁市", 6),
        ("福建省", "福州市", 5), ("福建省", "泉州市", 5), ("山东省", "济南市", 5), ("江西省", "南昌市", 5),
        ("山西省", "太原市", 3), ("湖南省", "怀化市", 2), ("湖南省", "株洲市", 2), ("辽宁省", "沈阳市", 2),
        ("内蒙古自治区", "鄂尔多斯市", 2),
    ],
    # 省内 origins are filled from the region table (Guizhou's cities) by the context.
    "省内": [],
    "境外": [
        ("新加坡", None, 25), ("美国", None, 15), ("日本", None, 10), ("韩国", None, 10), ("德国", None, 8),
        ("英国", None, 6), ("马来西亚", None, 6), ("法国", None, 5), ("澳大利亚", None, 5), ("泰国", None, 5),
        ("加拿大", None, 5),
    ],
}

# Weights of Guizhou's cities as the origin of 省内 investors (by adcode).
GUIZHOU_ORIGIN_WEIGHTS = {
    520100: 40, 520300: 18, 520200: 8, 520500: 8, 520600: 7, 520400: 6, 522300: 5, 522600: 4, 522700: 4,
}

# Guangdong cities the resident team (驻粤, from 2021-03) covers, with their weight in its work.
GUANGDONG_TEAM_CITIES = [
    ("深圳市", 50), ("广州市", 20), ("东莞市", 10), ("佛山市", 9), ("珠海市", 4), ("惠州市", 3), ("中山市", 2),
    ("江门市", 1), ("肇庆市", 1),
]

# --- Company names: 字号 (two characters), industry words, organisational forms.
ROOT_FIRST = list(
    "华鑫盛恒泰宏瑞博创达兴德嘉金永天中新联众智汇海远宇晟锦昊聚源信诚卓凯腾越睿拓科捷力航峰晶宁安和丰润辉弘旭益康顺鼎祥福乾坤"
    "正明亿佳万利通富广洪启迪蓝星云"
)
ROOT_SECOND = list(
    "华鑫盛恒泰宏瑞博创达兴德嘉源信诚卓凯腾越睿拓科捷力航峰晶宁安和丰润辉弘旭益康顺鼎祥福乾坤"
    "辰宸骏邦荣昌亚川翔晖煌耀伦宝迈尚远弛森奥美泽岳"
)

INDUSTRY_WORDS: dict[str, list[str]] = {
    "ENERGY": ["能源", "矿业", "煤业", "能源投资", "能源开发", "燃气"],
    "POWER": ["新能源", "电力", "光伏科技", "能源科技", "储能科技", "电力工程"],
    "LIQUOR": ["酒业", "酿酒", "酒业控股", "包装", "酒类供应链", "印务"],
    "BUILDMAT": ["建材", "新型建材", "水泥", "玻璃", "建筑科技", "石材"],
    "CHEM": ["化工", "新材料", "磷化工", "新能源材料", "锂电科技", "精细化工"],
    "EQUIP": ["机械", "智能装备", "汽车零部件", "精密制造", "航空科技", "动力科技", "汽车"],
    "BASEMAT": ["铝业", "金属材料", "矿业", "新材料", "钛业", "锰业", "黄金"],
    "FOOD": ["食品", "农业科技", "生物科技", "茶业", "饮品", "农牧", "调味品"],
    "BIGDATA": ["科技", "信息技术", "电子", "数据科技", "智能科技", "网络科技", "半导体", "云计算"],
    "PHARMA": ["医药", "生物医药", "药业", "健康产业", "医疗器械", "中药材"],
    "OTHER": ["实业", "商贸", "文化旅游", "物流", "投资", "供应链", "置业", "农业开发", "纺织", "家居"],
}

ORG_FORMS = [("有限公司", 0.62), ("股份有限公司", 0.15), ("集团有限公司", 0.13), ("有限责任公司", 0.10)]

# --- Business associations visited by the teams (商协会), per city.
ASSOCIATION_TRADES = [
    "贵州商会", "电子商会", "新能源行业协会", "智能制造协会", "食品行业协会", "医药行业协会", "物联网协会",
    "跨境电商协会", "工商联", "企业联合会", "软件行业协会", "新材料行业协会", "物流与供应链协会", "湖南商会",
    "潮汕商会", "酒类流通协会", "汽车零部件商会", "中小企业发展促进会",
]

# --- Project names: product phrases per chain link name ({n} is replaced by a plausible number).
LINK_PRODUCTS: dict[str, list[str]] = {
    "煤炭资源/勘查": ["煤炭资源勘查", "煤田地质勘探", "煤矿资源整合"],
    "煤矿智能化开采": ["煤矿智能化改造", "年产{n}万吨煤矿建设", "智能化综采工作面建设"],
    "煤层气/页岩气": ["页岩气勘探开发", "煤层气抽采利用", "页岩气集输管网"],
    "煤炭洗选": ["煤炭洗选", "年产{n}万吨选煤厂", "洗煤厂技改"],
    "煤炭储运物流": ["煤炭储运物流园", "煤炭集配中心", "铁路专用线及煤炭储运"],
    "电煤/焦煤": ["焦煤深加工", "电煤保供基地", "焦化技改"],
    "煤矸石/粉煤灰利用": ["煤矸石综合利用", "粉煤灰制新型建材", "工业固废资源化利用"],
    "水电": ["水电站建设", "小水电增效扩容"],
    "火电": ["燃煤发电机组", "热电联产"],
    "风电/光伏": ["{n}MW农业光伏电站", "{n}MW风电场", "分布式光伏发电"],
    "电网/西电东送": ["输变电工程", "220kV变电站"],
    "增量配电": ["增量配电网", "园区增量配电"],
    "储能": ["独立储能电站", "共享储能电站", "新型储能"],
    "综合能源/充换电": ["充换电站网络", "综合能源服务站", "分布式能源站"],
    "酒用高粱/制曲": ["有机高粱种植基地", "大曲生产", "酿酒原料基地"],
    "烟叶种植": ["烟叶种植基地", "烤烟工场"],
    "基酒酿造": ["年产{n}吨酱香型白酒", "酱香白酒酿造", "白酒生产基地"],
    "勾调/储存": ["基酒储存及勾调中心", "陶坛储酒库"],
    "卷烟制造": ["卷烟生产线技改", "烟用材料"],
    "包装材料": ["酒类包装材料", "酒瓶及包材生产", "高档酒盒印刷包装"],
    "物流/销售/营销": ["酒类仓储物流中心", "酒类电商营销中心"],
    "酒旅融合": ["酱香白酒文化旅游", "酒庄及酒旅综合体"],
    "石灰石/砂石/固废": ["机制砂石骨料", "建筑用石灰岩开采", "固废资源综合利用"],
    "水泥熟料": ["水泥熟料生产线技改", "新型干法水泥"],
    "玻璃": ["光伏玻璃", "日用玻璃", "节能玻璃深加工"],
    "磷石膏建材": ["磷石膏建材", "磷石膏砌块及板材"],
    "陶瓷/石材/管材": ["陶瓷生产线", "石材加工", "PE管材"],
    "装配式建筑/构件": ["装配式建筑构件", "绿色建材产业园"],
    "磷矿采选": ["磷矿采选", "磷矿浮选"],
    "湿法/热法磷酸": ["湿法磷酸净化", "黄磷尾气综合利用"],
    "磷肥/磷酸盐": ["新型磷复肥", "工业级磷酸一铵"],
    "煤制甲醇/烯烃": ["煤制甲醇", "煤制烯烃"],
    "锂盐": ["电池级碳酸锂", "锂盐提取"],
    "电池级磷源/磷酸铁": ["年产{n}万吨磷酸铁", "电池级磷酸"],
    "正极材料": ["年产{n}万吨磷酸铁锂正极材料", "三元前驱体"],
    "负极/电解液/隔膜": ["锂电负极材料", "六氟磷酸锂电解液", "锂电隔膜"],
    "精细磷化工": ["精细磷化工", "电子级磷酸", "食品级磷酸盐"],
    "焦化副产精深加工": ["焦炉煤气制氢", "煤焦油深加工"],
    "磷石膏综合利用": ["磷石膏无害化处理", "磷石膏综合利用"],
    "关键材料": ["钛合金材料", "高温合金", "碳纤维复合材料"],
    "基础件/轴承": ["精密轴承", "液压件", "高强度标准件"],
    "电芯/电池包": ["动力电池", "储能电池", "电池包PACK"],
    "发动机/机载/电机": ["航空发动机零部件", "机载设备", "新能源汽车驱动电机"],
    "航空整机": ["通用飞机整机", "无人机整机"],
    "汽车整车": ["新能源汽车整车", "专用车生产"],
    "轮胎/零部件": ["汽车零部件", "子午线轮胎", "汽车线束"],
    "维修MRO/低空运营": ["航空维修", "低空飞行服务"],
    "铝土矿": ["铝土矿开采"],
    "黄金采选": ["金矿采选"],
    "氧化铝": ["氧化铝"],
    "电解铝": ["电解铝"],
    "电解锰": ["电解锰"],
    "海绵钛": ["海绵钛"],
    "钢/特钢": ["特钢", "钢铁技改"],
    "铝加工/合金": ["铝合金型材", "铝箔", "再生铝"],
    "硫酸锰/四氧化三锰": ["高纯硫酸锰", "四氧化三锰"],
    "钛材深加工": ["钛材深加工", "钛合金棒材"],
    "回收利用": ["废旧动力电池回收", "再生金属回收"],
    "茶叶基地": ["茶叶种植加工", "抹茶生产", "生态茶园"],
    "辣椒基地": ["辣椒种植基地"],
    "肉牛养殖": ["肉牛养殖", "肉牛养殖基地"],
    "刺梨/食用菌": ["刺梨种植", "食用菌种植"],
    "辣椒制品": ["辣椒制品加工", "火锅底料", "油辣椒生产"],
    "酸汤/刺梨饮品": ["红酸汤生产", "刺梨饮品", "饮料生产"],
    "预制菜": ["预制菜加工", "中央厨房"],
    "冷链物流": ["农产品冷链物流", "冷库及冷链配送"],
    "品牌/电商": ["农特产品电商", "品牌营销中心"],
    "数据中心/智算中心": ["数据中心", "智算中心", "算力中心"],
    "电子元器件/材料": ["电子元器件", "电子材料"],
    "集成电路": ["芯片封装测试", "集成电路设计"],
    "新型显示": ["显示模组", "触控面板"],
    "服务器/智能终端": ["服务器生产", "智能终端", "智能穿戴设备"],
    "软件与信息服务": ["软件开发中心", "信息技术服务外包", "呼叫中心"],
    "数据流通交易": ["数据交易服务", "数据标注基地"],
    "数字应用": ["智慧城市", "工业互联网平台", "数字乡村"],
    "中药材种植": ["中药材种植基地", "天麻种植", "石斛种植"],
    "饮片/提取": ["中药饮片", "植物提取物"],
    "中成药": ["中成药生产"],
    "苗药/民族药": ["苗药研发生产"],
    "化学药/生物药/器械": ["医疗器械", "生物制药", "化学原料药"],
    "医药流通": ["医药物流配送中心"],
    "大健康/康养": ["康养小镇", "健康养老"],
}

# Projects of OTHER (no chain link): (product phrase, is_industrial).
OTHER_PRODUCTS: list[tuple[str, bool]] = [
    ("商贸物流园", False), ("文化旅游综合体", False), ("康养度假区", False), ("城市商业综合体", False),
    ("现代农业产业园", False), ("冷链仓储中心", False), ("职业教育实训基地", False), ("星级酒店", False),
    ("乡村旅游", False), ("山地旅游", False), ("电商产业园", False), ("农产品批发市场", False),
    ("纺织服装", True), ("家具木制品", True), ("竹木加工", True), ("包装印刷", True), ("塑料制品", True),
    ("再生资源加工", True),
]

PROJECT_SUFFIXES_INDUSTRIAL = ["项目", "建设项目", "生产基地项目", "产业园项目", "一期项目", "技改扩能项目"]
PROJECT_SUFFIXES_SERVICE = ["项目", "建设项目", "一期项目", "运营项目"]

# Links whose projects are services rather than industry (工业项目 = False).
SERVICE_LINKS = {
    "物流/销售/营销", "酒旅融合", "品牌/电商", "医药流通", "大健康/康养", "数据流通交易", "冷链物流",
}
# Links that carry the newer label 新能源电池及材料 (domain.md §2).
BATTERY_LINKS = {
    "锂盐", "电池级磷源/磷酸铁", "正极材料", "负极/电解液/隔膜", "电芯/电池包", "硫酸锰/四氧化三锰", "回收利用",
}
EMERGING_BATTERY = "新能源电池及材料"
# State monopolies (tobacco, the grid): invested in by state-owned groups from Guizhou or Beijing only.
STATE_LINKS = {"卷烟制造", "电网/西电东送"}

_NUMBERS = ["2", "3", "5", "10", "20", "30", "50", "100", "120", "150", "200", "300", "1000", "2000", "3000", "5000"]


def _number_for(phrase: str, u: float) -> str:
    if "吨酱香" in phrase:
        options = ["1000", "2000", "3000", "5000", "10000"]
    elif "MW" in phrase:
        options = ["20", "50", "100", "150", "200", "300"]
    elif "煤矿" in phrase or "选煤" in phrase:
        options = ["45", "60", "90", "120", "150", "240"]
    else:
        options = ["1", "2", "3", "5", "10", "20"]
    return options[min(int(u * len(options)), len(options) - 1)]


def product_phrase(link_name: str | None, u1: float, u2: float) -> tuple[str, bool | None]:
    """A product phrase for a project of a chain link (or of OTHER when link_name is None)."""
    if link_name is None:
        phrase, industrial = OTHER_PRODUCTS[min(int(u1 * len(OTHER_PRODUCTS)), len(OTHER_PRODUCTS) - 1)]
        return phrase, industrial
    options = LINK_PRODUCTS.get(link_name) or [link_name.replace("/", "及")]
    phrase = options[min(int(u1 * len(options)), len(options) - 1)]
    if "{n}" in phrase:
        phrase = phrase.replace("{n}", _number_for(phrase, u2))
    return phrase, None


_COMPLETE = ("技改", "基地", "园", "中心", "电站", "电场", "风电场", "厂", "工程", "网", "网络", "站", "库", "小镇",
             "平台", "城市", "乡村", "养老", "综合体", "酒店", "市场", "配送", "开采", "勘探", "管网", "变电站")


def project_name(root: str, phrase: str, industrial: bool, u: float, industry: str = "") -> str:
    suffixes = PROJECT_SUFFIXES_INDUSTRIAL if industrial else PROJECT_SUFFIXES_SERVICE
    if phrase.startswith("年产") or phrase.endswith(_COMPLETE) or industry in ("ENERGY", "POWER"):
        suffixes = ["项目", "建设项目", "一期项目"]
    return f"{root}{phrase}{suffixes[min(int(u * len(suffixes)), len(suffixes) - 1)]}"


class EnterpriseNamer:
    """Unique, realistic company names: 深圳市华拓新能源科技有限公司, 睿邦电子（东莞）有限公司 …"""

    def __init__(self, rng: np.random.Generator, taken: set[str] | None = None):
        self.rng = rng
        self.taken: set[str] = set(taken or ())
        self._forms = [f for f, _ in ORG_FORMS]
        self._form_cum = np.cumsum([w for _, w in ORG_FORMS])

    def root(self) -> str:
        a = ROOT_FIRST[int(self.rng.integers(len(ROOT_FIRST)))]
        b = ROOT_SECOND[int(self.rng.integers(len(ROOT_SECOND)))]
        if a == b:
            b = "达"
        return a + b

    def name(self, province: str, city: str | None, industry: str) -> tuple[str, str]:
        """(full name, 字号) for a new enterprise; never returns a name already taken."""
        words = INDUSTRY_WORDS[industry]
        for _attempt in range(200):
            root = self.root()
            word = words[int(self.rng.integers(len(words)))]
            form = self._forms[int(np.searchsorted(self._form_cum, self.rng.random() * self._form_cum[-1]))]
            style = self.rng.random()
            if province in ("香港特别行政区", "澳门特别行政区"):
                place = province[:2]
                full = f"{place}{root}{word}{form}" if style < 0.7 else f"{root}{word}（{place}）{form}"
            elif city is None:  # abroad: the Chinese name of a foreign company
                full = f"{province}{root}{word}{form}" if style < 0.6 else f"{root}{word}（{province}）{form}"
            else:
                city_short = city.removesuffix("市")
                prov_short = province.removesuffix("省").removesuffix("市").removesuffix("壮族自治区").removesuffix(
                    "自治区"
                )
                if style < 0.68:
                    full = f"{city}{root}{word}{form}"
                elif style < 0.84:
                    full = f"{prov_short}{root}{word}{form}"
                elif style < 0.94:
                    full = f"{root}{word}（{city_short}）{form}"
                else:
                    full = f"{root}{word}{form}" if form.startswith("集团") else f"{root}{word}集团{form}"
            if full not in self.taken and len(full) <= 100:
                self.taken.add(full)
                return full, root
        raise RuntimeError("enterprise name pool exhausted")


HOMETOWN_CHAMBERS = ["湖南", "江西", "福建", "四川", "湖北", "河南", "广西", "浙江", "江苏", "安徽", "重庆", "山东"]
CITY_DISTRICTS = {
    "深圳市": ["南山区", "福田区", "宝安区", "龙岗区", "龙华区", "罗湖区", "光明区", "坪山区"],
    "广州市": ["天河区", "番禺区", "黄埔区", "白云区", "越秀区"],
    "东莞市": ["松山湖", "长安镇", "虎门镇"],
    "上海市": ["浦东新区", "闵行区", "嘉定区"],
    "北京市": ["海淀区", "朝阳区", "亦庄"],
}
DISTRICT_TRADES = ["企业联合会", "工商联", "电子信息行业协会"]


def association_names(place: str) -> list[str]:
    """The associations (商协会) the teams visit in a place (a fixed list per place)."""
    label = place.removesuffix("特别行政区")
    names = [f"{label}{trade}" for trade in ASSOCIATION_TRADES]
    names += [f"{label}{home}商会" for home in HOMETOWN_CHAMBERS
              if f"{label}{home}商会" not in names and not label.startswith(home)]
    names += [f"{label}{d}{t}" for d in CITY_DISTRICTS.get(place, []) for t in DISTRICT_TRADES]
    return [n for n in names if len(n) <= 64]
