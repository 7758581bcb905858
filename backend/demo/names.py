"""Word lists for the demo data set: Shanghai areas and streets, names, companies, catalogue."""

from __future__ import annotations

from typing import NamedTuple


class Area(NamedTuple):
    """A business area of the metro: its district (zh, en), centre, spread in km, weight."""

    district_zh: str
    district_en: str
    lat: float
    lng: float
    spread_km: float
    weight: float
    streets: tuple[tuple[str, str], ...]


class ProductSpec(NamedTuple):
    sku: str
    name: str
    category: str
    skill: str
    warranty_months: int
    weight: float  # how common it is in the installed base
    residential: bool  # also found in homes (person accounts)
    serial_prefix: str


class PartSpec(NamedTuple):
    sku: str
    name: str
    price: str
    skill: str


# The lists below are tables: the formatter would put every cell on its own line.
# fmt: off

CENTRE = (31.2304, 121.4737)  # People's Square

AREAS: tuple[Area, ...] = (
    Area("黄浦区", "Huangpu District", 31.2317, 121.4846, 1.2, 7, (
        ("南京东路", "East Nanjing Road"), ("延安东路", "East Yan'an Road"),
        ("西藏中路", "Middle Xizang Road"), ("河南南路", "South Henan Road"),
        ("淮海中路", "Middle Huaihai Road"))),
    Area("静安区", "Jing'an District", 31.2290, 121.4480, 1.5, 8, (
        ("南京西路", "West Nanjing Road"), ("延安中路", "Middle Yan'an Road"),
        ("常德路", "Changde Road"), ("江宁路", "Jiangning Road"),
        ("共和新路", "Gonghexin Road"), ("万航渡路", "Wanhangdu Road"))),
    Area("徐汇区", "Xuhui District", 31.1880, 121.4370, 1.8, 8, (
        ("漕溪北路", "North Caoxi Road"), ("肇嘉浜路", "Zhaojiabang Road"),
        ("衡山路", "Hengshan Road"), ("虹桥路", "Hongqiao Road"),
        ("宜山路", "Yishan Road"), ("龙华中路", "Middle Longhua Road"))),
    Area("长宁区", "Changning District", 31.2200, 121.4100, 1.6, 6, (
        ("延安西路", "West Yan'an Road"), ("长宁路", "Changning Road"),
        ("天山路", "Tianshan Road"), ("仙霞路", "Xianxia Road"), ("遵义路", "Zunyi Road"))),
    Area("普陀区", "Putuo District", 31.2490, 121.3970, 1.8, 5, (
        ("真北路", "Zhenbei Road"), ("曹杨路", "Caoyang Road"),
        ("中山北路", "North Zhongshan Road"), ("武宁路", "Wuning Road"),
        ("金沙江路", "Jinshajiang Road"))),
    Area("虹口区", "Hongkou District", 31.2640, 121.5000, 1.4, 5, (
        ("四川北路", "North Sichuan Road"), ("大连路", "Dalian Road"),
        ("曲阳路", "Quyang Road"), ("西江湾路", "Xijiangwan Road"),
        ("东大名路", "East Daming Road"))),
    Area("杨浦区", "Yangpu District", 31.2750, 121.5250, 1.8, 5, (
        ("黄兴路", "Huangxing Road"), ("控江路", "Kongjiang Road"),
        ("平凉路", "Pingliang Road"), ("长阳路", "Changyang Road"),
        ("政通路", "Zhengtong Road"))),
    Area("浦东新区", "Pudong New Area", 31.2360, 121.5100, 1.3, 8, (
        ("世纪大道", "Century Avenue"), ("陆家嘴环路", "Lujiazui Ring Road"),
        ("浦东南路", "South Pudong Road"), ("银城中路", "Middle Yincheng Road"),
        ("东方路", "Dongfang Road"))),
    Area("浦东新区", "Pudong New Area", 31.2050, 121.5500, 1.5, 5, (
        ("锦绣路", "Jinxiu Road"), ("花木路", "Huamu Road"),
        ("芳甸路", "Fangdian Road"), ("梅花路", "Meihua Road"))),
    Area("浦东新区", "Pudong New Area", 31.2030, 121.5920, 2.0, 7, (
        ("张江路", "Zhangjiang Road"), ("祖冲之路", "Zuchongzhi Road"),
        ("碧波路", "Bibo Road"), ("科苑路", "Keyuan Road"), ("龙东大道", "Longdong Avenue"))),
    Area("浦东新区", "Pudong New Area", 31.2600, 121.5950, 1.6, 4, (
        ("金桥路", "Jinqiao Road"), ("新金桥路", "Xinjinqiao Road"),
        ("金海路", "Jinhai Road"), ("杨高北路", "North Yanggao Road"))),
    Area("浦东新区", "Pudong New Area", 31.1350, 121.5850, 2.0, 4, (
        ("康桥路", "Kangqiao Road"), ("秀沿路", "Xiuyan Road"), ("沪南公路", "Hunan Highway"))),
    Area("闵行区", "Minhang District", 31.1120, 121.3850, 2.2, 6, (
        ("沪闵路", "Humin Road"), ("都市路", "Dushi Road"),
        ("莘松路", "Xinsong Road"), ("七莘路", "Qixin Road"))),
    Area("闵行区", "Minhang District", 31.1960, 121.3250, 1.8, 5, (
        ("申长路", "Shenchang Road"), ("申虹路", "Shenhong Road"),
        ("苏虹路", "Suhong Road"), ("吴中路", "Wuzhong Road"))),
    Area("宝山区", "Baoshan District", 31.3300, 121.4300, 2.0, 4, (
        ("牡丹江路", "Mudanjiang Road"), ("友谊路", "Youyi Road"),
        ("沪太路", "Hutai Road"), ("长江西路", "West Changjiang Road"))),
    Area("嘉定区", "Jiading District", 31.3700, 121.2700, 2.0, 3, (
        ("城中路", "Chengzhong Road"), ("博乐路", "Bole Road"),
        ("塔城路", "Tacheng Road"), ("沪宜公路", "Huyi Highway"))),
    Area("青浦区", "Qingpu District", 31.1850, 121.2750, 1.6, 3, (
        ("诸光路", "Zhuguang Road"), ("崧泽大道", "Songze Avenue"),
        ("华徐公路", "Huaxu Highway"))),
    Area("松江区", "Songjiang District", 31.0700, 121.2700, 2.0, 3, (
        ("人民北路", "North Renmin Road"), ("荣乐东路", "East Rongle Road"),
        ("新松江路", "Xinsongjiang Road"), ("沪松公路", "Husong Highway"))),
)

SURNAMES: tuple[tuple[str, str], ...] = (
    ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"),
    ("杨", "Yang"), ("黄", "Huang"), ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"),
    ("徐", "Xu"), ("孙", "Sun"), ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"),
    ("郭", "Guo"), ("何", "He"), ("林", "Lin"), ("高", "Gao"), ("罗", "Luo"),
    ("郑", "Zheng"), ("梁", "Liang"), ("谢", "Xie"), ("宋", "Song"), ("唐", "Tang"),
    ("韩", "Han"), ("冯", "Feng"), ("沈", "Shen"), ("顾", "Gu"), ("陆", "Lu"),
    ("钱", "Qian"), ("蒋", "Jiang"), ("曹", "Cao"), ("邓", "Deng"),
)

GIVEN_NAMES: tuple[tuple[str, str], ...] = (
    ("伟", "Wei"), ("娜", "Na"), ("静", "Jing"), ("敏", "Min"), ("强", "Qiang"),
    ("磊", "Lei"), ("军", "Jun"), ("洋", "Yang"), ("勇", "Yong"), ("艳", "Yan"),
    ("杰", "Jie"), ("娟", "Juan"), ("涛", "Tao"), ("明", "Ming"), ("超", "Chao"),
    ("丽", "Li"), ("华", "Hua"), ("平", "Ping"), ("刚", "Gang"), ("芳", "Fang"),
    ("秀英", "Xiuying"), ("桂英", "Guiying"), ("建华", "Jianhua"), ("志强", "Zhiqiang"),
    ("晓东", "Xiaodong"), ("海燕", "Haiyan"), ("建国", "Jianguo"), ("丽娟", "Lijuan"),
    ("晓明", "Xiaoming"), ("文博", "Wenbo"), ("子涵", "Zihan"), ("欣怡", "Xinyi"),
    ("浩然", "Haoran"), ("雨婷", "Yuting"), ("思远", "Siyuan"), ("佳怡", "Jiayi"),
    ("俊杰", "Junjie"), ("梦琪", "Mengqi"), ("宇航", "Yuhang"), ("嘉欣", "Jiaxin"),
    ("志明", "Zhiming"), ("春梅", "Chunmei"), ("国强", "Guoqiang"), ("雪梅", "Xuemei"),
    ("立新", "Lixin"), ("振华", "Zhenhua"), ("慧敏", "Huimin"), ("晨", "Chen"),
    ("颖", "Ying"), ("琳", "Lin"), ("博", "Bo"), ("凯", "Kai"), ("鑫", "Xin"),
    ("婷", "Ting"), ("斌", "Bin"), ("亮", "Liang"), ("霞", "Xia"), ("鹏", "Peng"),
    ("晓燕", "Xiaoyan"), ("建平", "Jianping"),
)

ENGLISH_FIRST: tuple[str, ...] = (
    "James", "Emily", "Michael", "Sarah", "David", "Laura", "Daniel", "Sophie", "Thomas",
    "Anna", "Robert", "Claire", "Peter", "Julia", "Mark", "Hannah", "Lucas", "Olivia",
    "Martin", "Isabel", "Kevin", "Grace", "Oliver", "Charlotte", "Jason", "Nina", "Ethan",
    "Chloe", "Ryan", "Mia",
)

ENGLISH_LAST: tuple[str, ...] = (
    "Smith", "Miller", "Brown", "Wilson", "Taylor", "Anderson", "Moore", "Martin", "Clark",
    "Walker", "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill",
    "Campbell", "Mitchell", "Roberts", "Turner", "Parker", "Fischer", "Dubois", "Rossi",
)

BRANDS_ZH: tuple[tuple[str, str], ...] = (
    ("华信", "huaxin"), ("恒通", "hengtong"), ("鼎盛", "dingsheng"), ("瑞丰", "ruifeng"),
    ("永泰", "yongtai"), ("嘉禾", "jiahe"), ("浦江", "pujiang"), ("海纳", "haina"),
    ("宏远", "hongyuan"), ("联创", "lianchuang"), ("博达", "boda"), ("星河", "xinghe"),
    ("天润", "tianrun"), ("金鼎", "jinding"), ("中和", "zhonghe"), ("百川", "baichuan"),
    ("信诚", "xincheng"), ("明辉", "minghui"), ("凯瑞", "kairui"), ("德润", "derun"),
    ("盛世", "shengshi"), ("宝丰", "baofeng"), ("同创", "tongchuang"), ("誉达", "yuda"),
    ("卓越", "zhuoyue"), ("启明", "qiming"), ("安泰", "antai"), ("长青", "changqing"),
    ("远航", "yuanhang"), ("锦程", "jincheng"), ("致远", "zhiyuan"), ("华晟", "huasheng"),
    ("新锐", "xinrui"), ("宏图", "hongtu"), ("东升", "dongsheng"), ("万嘉", "wanjia"),
    ("永康", "yongkang"), ("祥和", "xianghe"), ("诚泰", "chengtai"), ("康达", "kangda"),
    ("美福", "meifu"), ("润泽", "runze"), ("智汇", "zhihui"), ("融通", "rongtong"),
    ("恒昌", "hengchang"), ("蓝海", "lanhai"), ("弘毅", "hongyi"), ("佳瑞", "jiarui"),
    ("海川", "haichuan"), ("伟业", "weiye"), ("聚力", "juli"), ("同盛", "tongsheng"),
    ("九鼎", "jiuding"), ("国瑞", "guorui"), ("瀚宇", "hanyu"), ("泓德", "hongde"),
    ("鸿运", "hongyun"), ("申城", "shencheng"), ("沪联", "hulian"), ("汇鑫", "huixin"),
)

BRANDS_EN: tuple[str, ...] = (
    "Harbor", "Bund", "Pearl", "Lotus", "Jade", "Orient", "Summit", "Evergreen", "Silverline",
    "Bluewater", "Crestview", "Meridian", "Northstar", "Riverside", "Goldleaf", "Horizon",
    "Pinnacle", "Sunrise", "Keystone", "Redwood", "Oakridge", "Brightpath", "Clearwater",
    "Skyline", "Greenfield", "Bayview", "Ironbridge", "Westgate", "Eastwind", "Copperfield",
    "Lighthouse", "Stonebridge", "Amberline", "Granite", "Willow", "Falcon", "Cobalt",
    "Vantage", "Blue Crane", "Red Lantern",
)

# (zh, en, slug for e-mail domains)
INDUSTRIES: tuple[tuple[str, str, str], ...] = (
    ("科技", "Technology", "tech"), ("物业管理", "Property Management", "pm"),
    ("酒店管理", "Hotel Management", "hotels"), ("餐饮管理", "Catering", "catering"),
    ("实业", "Industrial", "ind"), ("医疗器械", "Medical Devices", "med"),
    ("建筑工程", "Construction", "build"), ("商贸", "Trading", "trade"),
    ("电子", "Electronics", "elec"), ("食品", "Foods", "foods"),
    ("物流", "Logistics", "logistics"), ("置业", "Real Estate", "estate"),
    ("精密机械", "Precision Machinery", "machinery"), ("数据科技", "Data Systems", "data"),
    ("生物医药", "Biopharma", "bio"), ("文化传媒", "Media", "media"),
    ("教育科技", "Education", "edu"), ("环保科技", "Environmental Services", "enviro"),
    ("汽车零部件", "Auto Parts", "auto"), ("冷链物流", "Cold Chain", "coldchain"),
)

# The plain form is listed twice: it is the commonest.
COMPANY_FORMS_ZH = ("上海{b}{i}有限公司", "上海{b}{i}有限公司", "上海{b}{i}股份有限公司",
                    "{b}{i}(上海)有限公司")
COMPANY_FORMS_EN = ("{b} {i} Co., Ltd.", "{b} {i} (Shanghai) Co., Ltd.", "{b} {i} Inc.",
                    "{b} {i} Ltd.")

# Job titles by language: (the decision maker's, everyone else's)
TITLES: dict[bool, tuple[tuple[str, ...], tuple[str, ...]]] = {
    True: (("总经理", "副总经理", "采购经理", "运营总监", "行政总监"),
           ("设备部主管", "行政经理", "物业经理", "工程部经理", "财务主管", "办公室主任", "前台")),
    False: (("General Manager", "Managing Director", "Procurement Manager", "Operations Director"),
            ("Facilities Manager", "Office Manager", "Chief Engineer", "Finance Manager",
             "Admin Assistant", "Receptionist")),
}

MOBILE_PREFIXES = ("138", "139", "137", "136", "135", "150", "151", "158", "159", "186", "187",
                   "188", "177", "180", "133", "189")

SOURCES = ("referral", "web", "trade_show", "cold_call")
SOURCE_WEIGHTS = (35, 30, 15, 20)

SKILLS = ("hvac", "elevator", "boiler", "water", "electrical", "it")
SKILL_WEIGHTS = (35, 15, 12, 14, 14, 10)

PRODUCTS: tuple[ProductSpec, ...] = (
    ProductSpec("HV-VRF-10", "VRF outdoor unit 10 HP", "air conditioning", "hvac",
                24, 12, False, "VRF"),
    ProductSpec("HV-CAS-36", "Ceiling cassette indoor unit 3.6 kW", "air conditioning", "hvac",
                12, 14, True, "CAS"),
    ProductSpec("HV-SPL-26", "Wall-mounted split air conditioner 2.6 kW",
                "air conditioning", "hvac", 12, 10, True, "SPL"),
    ProductSpec("HV-AHU-20", "Air handling unit 20,000 m³/h", "ventilation", "hvac",
                24, 5, False, "AHU"),
    ProductSpec("HV-CHL-300", "Water-cooled screw chiller 300 RT", "chillers", "hvac",
                36, 3, False, "CHL"),
    ProductSpec("EL-PAX-1000", "Passenger elevator 1000 kg", "elevators", "elevator",
                24, 6, False, "PAX"),
    ProductSpec("EL-FRT-2000", "Freight elevator 2000 kg", "elevators", "elevator",
                24, 3, False, "FRT"),
    ProductSpec("EL-ESC-30", "Escalator 30°, 1000 mm step", "escalators", "elevator",
                24, 2, False, "ESC"),
    ProductSpec("BO-CON-700", "Gas condensing boiler 700 kW", "boilers", "boiler",
                24, 3, False, "CON"),
    ProductSpec("BO-WHG-28", "Wall-hung gas boiler 28 kW", "boilers", "boiler", 12, 7, True, "WHG"),
    ProductSpec("BO-HWT-300", "Commercial water heater 300 L", "water heaters", "boiler",
                24, 4, False, "HWT"),
    ProductSpec("WA-BST-3", "Variable-speed booster pump set", "pumps", "water",
                24, 5, False, "BST"),
    ProductSpec("WA-RO-1000", "Reverse-osmosis purifier 1 t/h", "water treatment", "water",
                12, 5, False, "ROP"),
    ProductSpec("WA-SFT-2", "Twin-tank water softener", "water treatment", "water",
                12, 4, True, "SFT"),
    ProductSpec("EE-GEN-500", "Diesel standby generator 500 kVA", "power", "electrical",
                36, 2, False, "GEN"),
    ProductSpec("EE-UPS-60", "Online UPS 60 kVA", "power", "electrical", 24, 5, False, "UPS"),
    ProductSpec("EE-LVS-4", "Low-voltage switchgear panel", "power", "electrical",
                36, 3, False, "LVS"),
    ProductSpec("IT-SRV-2U", "Rack server 2U", "servers", "it", 36, 4, False, "SRV"),
    ProductSpec("IT-SW-48", "Core network switch 48-port", "networking", "it", 36, 4, False, "NSW"),
    ProductSpec("IT-ACT-1", "Face-recognition access terminal", "security", "it",
                12, 5, False, "ACT"),
)

PARTS: tuple[PartSpec, ...] = (
    PartSpec("P-HV-001", "Scroll compressor 5 HP", "6800.00", "hvac"),
    PartSpec("P-HV-002", "DC fan motor 250 W", "920.00", "hvac"),
    PartSpec("P-HV-003", "Electronic expansion valve", "480.00", "hvac"),
    PartSpec("P-HV-004", "Refrigerant R410A, 10 kg cylinder", "650.00", "hvac"),
    PartSpec("P-HV-005", "Outdoor unit main PCB", "1350.00", "hvac"),
    PartSpec("P-HV-006", "Air filter set (G4 + F7)", "260.00", "hvac"),
    PartSpec("P-HV-007", "Four-way reversing valve", "390.00", "hvac"),
    PartSpec("P-HV-008", "Condensate drain pump", "310.00", "hvac"),
    PartSpec("P-HV-009", "Temperature sensor (thermistor) kit", "85.00", "hvac"),
    PartSpec("P-HV-010", "Wired room controller", "420.00", "hvac"),
    PartSpec("P-EL-001", "Door operator motor", "3200.00", "elevator"),
    PartSpec("P-EL-002", "Landing door roller set", "240.00", "elevator"),
    PartSpec("P-EL-003", "Traction rope 10 mm, per 50 m", "2100.00", "elevator"),
    PartSpec("P-EL-004", "Car / landing push button", "95.00", "elevator"),
    PartSpec("P-EL-005", "Brake lining set", "880.00", "elevator"),
    PartSpec("P-EL-006", "Rotary encoder", "1150.00", "elevator"),
    PartSpec("P-EL-007", "Door safety light curtain", "1280.00", "elevator"),
    PartSpec("P-EL-008", "Guide shoe liner set", "180.00", "elevator"),
    PartSpec("P-EL-009", "Escalator handrail drive chain", "1900.00", "elevator"),
    PartSpec("P-EL-010", "Inverter control board", "4600.00", "elevator"),
    PartSpec("P-BO-001", "Burner nozzle set", "320.00", "boiler"),
    PartSpec("P-BO-002", "Ignition electrode", "140.00", "boiler"),
    PartSpec("P-BO-003", "Flame detection sensor", "380.00", "boiler"),
    PartSpec("P-BO-004", "Gas valve assembly", "1450.00", "boiler"),
    PartSpec("P-BO-005", "Circulation pump", "980.00", "boiler"),
    PartSpec("P-BO-006", "Expansion vessel 24 L", "360.00", "boiler"),
    PartSpec("P-BO-007", "Heat exchanger gasket kit", "210.00", "boiler"),
    PartSpec("P-BO-008", "Pressure relief valve 3 bar", "150.00", "boiler"),
    PartSpec("P-BO-009", "Boiler control PCB", "1680.00", "boiler"),
    PartSpec("P-BO-010", "Flue gas temperature sensor", "230.00", "boiler"),
    PartSpec("P-WA-001", "Pump mechanical seal", "260.00", "water"),
    PartSpec("P-WA-002", "Stainless impeller", "740.00", "water"),
    PartSpec("P-WA-003", "Pressure switch", "190.00", "water"),
    PartSpec("P-WA-004", "RO membrane 8040", "2300.00", "water"),
    PartSpec("P-WA-005", "Sediment filter cartridge 5 µm", "35.00", "water"),
    PartSpec("P-WA-006", "Activated carbon cartridge", "68.00", "water"),
    PartSpec("P-WA-007", "UV steriliser lamp", "420.00", "water"),
    PartSpec("P-WA-008", "Solenoid valve DN25", "280.00", "water"),
    PartSpec("P-WA-009", "Softener resin, 25 L bag", "450.00", "water"),
    PartSpec("P-WA-010", "Variable-frequency drive 7.5 kW", "3100.00", "water"),
    PartSpec("P-EE-001", "Moulded-case circuit breaker 250 A", "1250.00", "electrical"),
    PartSpec("P-EE-002", "AC contactor 95 A", "460.00", "electrical"),
    PartSpec("P-EE-003", "UPS battery 12 V 100 Ah", "1100.00", "electrical"),
    PartSpec("P-EE-004", "Generator fuel filter", "120.00", "electrical"),
    PartSpec("P-EE-005", "Generator oil filter", "95.00", "electrical"),
    PartSpec("P-EE-006", "Automatic voltage regulator module", "1850.00", "electrical"),
    PartSpec("P-EE-007", "Surge protection device", "540.00", "electrical"),
    PartSpec("P-EE-008", "Generator starter motor", "2600.00", "electrical"),
    PartSpec("P-EE-009", "Current transformer 400/5 A", "160.00", "electrical"),
    PartSpec("P-EE-010", "UPS cooling fan", "210.00", "electrical"),
    PartSpec("P-IT-001", "Server power supply 800 W", "1200.00", "it"),
    PartSpec("P-IT-002", "SSD 960 GB, enterprise", "1650.00", "it"),
    PartSpec("P-IT-003", "SFP+ transceiver 10G", "380.00", "it"),
    PartSpec("P-IT-004", "Switch fan module", "560.00", "it"),
    PartSpec("P-IT-005", "Memory module 32 GB DDR4 ECC", "980.00", "it"),
    PartSpec("P-IT-006", "Access terminal card reader", "430.00", "it"),
    PartSpec("P-IT-007", "RAID controller battery", "390.00", "it"),
    PartSpec("P-IT-008", "Access terminal camera module", "720.00", "it"),
    PartSpec("P-GN-001", "Cable ties and fuse assortment", "45.00", "general"),
    PartSpec("P-GN-002", "Contact cleaner spray", "38.00", "general"),
)

# fmt: on

# --- the demo's history (backend/demo/history.py) ----------------------------------------------

# Models that break more often than the rest (requests per device), and that rate worse.
FAILURE_FACTOR: dict[str, float] = {
    "HV-SPL-26": 3.0, "EL-ESC-30": 2.6, "WA-RO-1000": 2.2, "BO-WHG-28": 1.8, "IT-ACT-1": 1.6,
    "EE-GEN-500": 0.5, "EE-LVS-4": 0.4, "IT-SW-48": 0.5,
}  # fmt: skip
SCORE_PENALTY: dict[str, float] = {"HV-SPL-26": 0.6, "EL-ESC-30": 0.5, "WA-RO-1000": 0.4}
# Fixes on these models come back more often.
REPEAT_EXTRA: dict[str, float] = {"HV-SPL-26": 0.12, "EL-ESC-30": 0.10, "WA-RO-1000": 0.08}

PROBLEMS: dict[str, tuple[str, ...]] = {
    "hvac": ("不制冷", "Outdoor unit trips the breaker", "漏水", "Loud rattling from the fan",
             "E4 error code on the controller", "制热效果差"),
    "elevator": ("电梯门关不上", "Car stops between floors", "Escalator handrail stopped",
                 "异响", "Buttons on floor 3 not working"),
    "boiler": ("No hot water", "点火失败", "Pressure keeps dropping", "Error F28 on the display",
               "暖气不热"),
    "water": ("Water pressure too low on upper floors", "出水有异味", "Pump runs non-stop",
              "RO output dropped by half", "软水机不再生"),
    "electrical": ("Generator fails the weekly test", "UPS on battery alarm", "跳闸",
                   "Panel hums and smells hot"),
    "it": ("Server fan at full speed", "交换机端口不通", "Door terminal does not recognise faces",
           "RAID degraded warning"),
}  # fmt: skip
RESOLUTIONS: tuple[str, ...] = (
    "Replaced the faulty part and tested", "已更换配件并测试正常", "Cleaned and recalibrated",
    "Reset the controller, updated firmware", "紧固接线，恢复运行", "Adjusted settings; monitored",
)  # fmt: skip
LOW_COMMENTS: tuple[str, ...] = (
    "Engineer came late and had no parts", "问题还没解决", "Same fault came back the next day",
    "态度不好", "Had to call three times", "修完又坏了", "Left a mess behind",
)  # fmt: skip
HIGH_COMMENTS: tuple[str, ...] = (
    "Fast and friendly", "师傅很专业", "Explained everything clearly", "非常满意", "On time",
)  # fmt: skip
VISIT_OUTCOMES: tuple[str, ...] = (
    "Quote requested", "跟进维保合同", "Demo booked", "No decision yet", "续约意向明确",
    "Met the facilities manager", "Order placed",
)  # fmt: skip
