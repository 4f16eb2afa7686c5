"""One vocabulary: the event types, units and qualifiers the data uses, titled in each language.

The geoparser proposes these keys, the map draws and labels them, exports and popups word them.
Each wing keeps only what is its own (the geoparser its Vietnamese phrases for a unit, the map a
colour and pictogram per event type), keyed by the keys defined here; tests check that every
wing covers every key.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "EventType",
    "EVENT_TYPES",
    "EVENT_TYPE_KEYS",
    "UNITS",
    "QUALIFIERS",
    "MAGNITUDES",
]


@dataclass(frozen=True)
class EventType:
    """An event type: the name of one event of it, and the title of the category, in English
    and Vietnamese ("Phone call – Moscow" is an event; "Phone calls" the layer of them)."""

    key: str
    name: str
    name_vi: str
    title: str
    title_vi: str


#: Every event type, in the order the map lists them; "other" (no known type) comes last.
EVENT_TYPES: dict[str, EventType] = {
    t.key: t
    for t in (
        EventType("phone_call", "Phone call", "Điện đàm", "Phone calls", "Điện đàm"),
        EventType("statement", "Statement", "Tuyên bố", "Statements", "Tuyên bố"),
        EventType("meeting", "Meeting", "Cuộc gặp", "Meetings", "Cuộc họp"),
        EventType("diplomacy", "Diplomacy", "Ngoại giao", "Diplomacy", "Ngoại giao"),
        EventType(
            "economy",
            "Economy and trade",
            "Kinh tế – thương mại",
            "Economy and trade",
            "Kinh tế – thương mại",
        ),
        EventType("visit", "Visit", "Chuyến thăm", "Visits and inspections", "Thăm và kiểm tra"),
        EventType("delegation", "Delegation", "Phái đoàn", "Delegations", "Phái đoàn"),
        EventType("decree", "Decree", "Sắc lệnh", "Decrees", "Sắc lệnh"),
        EventType("ceasefire", "Ceasefire", "Ngừng bắn", "Ceasefire", "Ngừng bắn"),
        EventType(
            "deployment",
            "Deployment",
            "Triển khai lực lượng",
            "Deployments",
            "Triển khai lực lượng",
        ),
        EventType("airlift", "Airlift", "Không vận", "Airlifts", "Không vận"),
        EventType("demining", "Demining", "Rà phá bom mìn", "Demining", "Rà phá bom mìn"),
        EventType(
            "humanitarian",
            "Humanitarian aid",
            "Hỗ trợ nhân đạo",
            "Humanitarian aid",
            "Viện trợ nhân đạo",
        ),
        EventType(
            "refugees",
            "Refugees",
            "Người tị nạn",
            "Refugees and returns",
            "Người tị nạn và hồi hương",
        ),
        EventType("disaster", "Natural disaster", "Thiên tai", "Natural disasters", "Thiên tai"),
        EventType(
            "relief",
            "Disaster relief",
            "Cứu hộ, cứu nạn",
            "Rescue and relief",
            "Cứu hộ, cứu nạn",
        ),
        EventType("combat", "Fighting", "Giao tranh", "Fighting", "Giao tranh"),
        EventType("casualties", "Casualties", "Thương vong", "Casualties", "Thương vong"),
        EventType("other", "Event", "Sự kiện", "Other events", "Sự kiện khác"),
    )
}
EVENT_TYPE_KEYS: tuple[str, ...] = tuple(EVENT_TYPES)

#: Units of figures: key -> (English words, Vietnamese words). A figure's unit may carry a
#: detail after a colon ("aircraft:An-124"); a key missing here is shown as itself.
UNITS: dict[str, tuple[str, str]] = {
    "people": ("people", "người"),
    "trees": ("trees", "cây xanh"),
    "power_poles": ("power poles", "cột điện"),
    "m3": ("m³", "m³"),
    "votes": ("votes", "phiếu"),
    "hostages": ("hostages", "con tin"),
    "tankers": ("tankers", "xe bồn"),
    "ambulances": ("ambulances", "xe cứu thương"),
    "guns": ("guns", "khẩu pháo"),
    "settlements": ("settlements", "khu dân cư"),
    "projects": ("projects", "dự án"),
    "visitors": ("visitors", "lượt khách"),
    "killed": ("killed", "người thiệt mạng"),
    "wounded": ("wounded", "người bị thương"),
    "injured": ("injured", "người bị thương"),
    "refugees": ("refugees", "người tị nạn"),
    "personnel": ("personnel", "quân nhân"),
    "soldiers": ("soldiers", "binh sĩ"),
    "aircraft": ("aircraft", "máy bay"),
    "flights": ("flights", "chuyến bay"),
    "equipment": ("equipment", "thiết bị"),
    "vehicles": ("vehicles", "phương tiện"),
    "armoured_vehicles": ("armoured vehicles", "xe bọc thép"),
    "observation_posts": ("observation posts", "trạm quan sát"),
    "km": ("km", "km"),
    "years": ("years", "năm"),
    "months": ("months", "tháng"),
    "weeks": ("weeks", "tuần"),
    "days": ("days", "ngày"),
    "hours": ("hours", "giờ"),
    "tonnes": ("tonnes", "tấn"),
    "percent": ("percent", "%"),
    "airstrikes": ("airstrikes", "cuộc không kích"),
    "attacks": ("attacks", "cuộc tấn công"),
    "boats": ("boats", "tàu thuyền"),
    "bombs": ("bombs", "quả bom"),
    "cases": ("cases", "ca"),
    "checkpoints": ("checkpoints", "trạm kiểm soát"),
    "children": ("children", "trẻ em"),
    "civilians": ("civilians", "dân thường"),
    "customers": ("customers", "khách hàng"),
    "documents": ("documents", "văn kiện"),
    "doses": ("doses", "liều"),
    "drones": ("drones", "máy bay không người lái"),
    "fighters": ("fighters", "tay súng"),
    "fishing_boats": ("fishing boats", "tàu cá"),
    "helicopters": ("helicopters", "trực thăng"),
    "households": ("households", "hộ"),
    "houses": ("houses", "ngôi nhà"),
    "missiles": ("missiles", "tên lửa"),
    "munitions": ("munitions", "đạn dược"),
    "officers": ("officers", "sĩ quan"),
    "posts": ("posts", "trạm"),
    "shells": ("shells", "quả đạn"),
    "ships": ("ships", "tàu"),
    "sites": ("sites", "địa điểm"),
    "staff": ("staff", "nhân viên"),
    "students": ("students", "sinh viên"),
    "submarines": ("submarines", "tàu ngầm"),
    "tanks": ("tanks", "xe tăng"),
    "targets": ("targets", "mục tiêu"),
    "trips": ("trips", "chuyến"),
    "trucks": ("trucks", "xe tải"),
    "victims": ("victims", "nạn nhân"),
    "villages": ("villages", "ngôi làng"),
    "minutes": ("minutes", "phút"),
    "m": ("m", "m"),
    "cm": ("cm", "cm"),
    "mm": ("mm", "mm"),
    "km2": ("km²", "km²"),
    "ha": ("ha", "ha"),
    "usd": ("US dollars", "USD"),
    "eur": ("euros", "euro"),
    "gbp": ("pounds sterling", "bảng Anh"),
    "cny": ("yuan", "nhân dân tệ"),
    "jpy": ("yen", "yên"),
    "krw": ("won", "won"),
    "inr": ("rupees", "rupee"),
    "rub": ("roubles", "rúp"),
    "myr": ("ringgit", "ringgit"),
    "php": ("pesos", "peso"),
    "thb": ("baht", "baht"),
    "vnd": ("dong", "đồng"),
}

#: How a figure is qualified: key -> (English, Vietnamese) words before the number.
QUALIFIERS: dict[str, tuple[str, str]] = {
    "more_than": ("more than", "hơn"),
    "nearly": ("nearly", "gần"),
    "about": ("about", "khoảng"),
    "at_least": ("at least", "ít nhất"),
    "at_most": ("at most", "tối đa"),
    "up_to": ("up to", "lên tới"),
    "less_than": ("less than", "dưới"),
}

#: Vague magnitudes that stand for the number ("hàng nghìn người": thousands of people).
MAGNITUDES: dict[str, tuple[str, str]] = {
    "tens": ("tens", "hàng chục"),
    "hundreds": ("hundreds", "hàng trăm"),
    "thousands": ("thousands", "hàng nghìn"),
    "tens_of_thousands": ("tens of thousands", "hàng chục nghìn"),
    "hundreds_of_thousands": ("hundreds of thousands", "hàng trăm nghìn"),
    "millions": ("millions", "hàng triệu"),
    "billions": ("billions", "hàng tỷ"),
    "trillions": ("trillions", "hàng nghìn tỷ"),
}
