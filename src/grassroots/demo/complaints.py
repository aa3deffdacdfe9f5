"""The NYC 311 complaint types of the demo: their place in our category tree and their route.

Each complaint type becomes a demo category `nyc.<slug>` under the default category that
matches it (its English name is the complaint type, the Chinese name is this project's
translation). The route says who handles such a case in the demo:

- `STREET`: a problem of the public space or of neighbourhood order (noise, parking, a dirty
  street, a pothole, an encampment) goes to the community district where it happened, whose
  office coordinates the agencies on the spot;
- `DEPARTMENT`: a problem that needs one agency's own inspectors or service (heat and repairs
  in a building, the water system, a food shop, a taxi, a bulky-item pick-up) goes straight to
  that agency (`NYC-<Agency>`), wherever it happened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Route(StrEnum):
    STREET = "street"  # the community district (street unit) where the point lies
    DEPARTMENT = "department"  # the record's agency, NYC-<Agency>


@dataclass(frozen=True)
class ComplaintType:
    """One NYC 311 complaint type as a demo category."""

    name_en: str
    name_zh: str
    parent: str  # code of the default category it belongs under
    route: Route

    @property
    def code(self) -> str:
        """e.g. `nyc.noise-residential` for "Noise - Residential"."""
        return "nyc." + re.sub(r"[^a-z0-9]+", "-", self.name_en.lower()).strip("-")


S, D = Route.STREET, Route.DEPARTMENT
_TABLE: list[tuple[str, str, str, Route]] = [
    ("Noise - Residential", "居民住宅噪声", "environment.noise", S),
    ("Noise - Commercial", "商业场所噪声", "environment.noise", S),
    ("Noise - Street/Sidewalk", "街道人行道噪声", "environment.noise", S),
    ("Noise - Vehicle", "车辆噪声", "environment.noise", S),
    ("Noise - Park", "公园噪声", "environment.noise", S),
    ("Noise", "环境噪声", "environment.noise", D),
    ("Noise - Helicopter", "直升机噪声", "environment.noise", D),
    ("HEAT/HOT WATER", "暖气和热水", "utilities.heating", D),
    ("Illegal Parking", "违法停车", "transport.parking", S),
    ("Blocked Driveway", "车道被堵", "transport.parking", S),
    ("Derelict Vehicle", "废弃车辆", "transport.parking", S),
    ("Derelict Vehicles", "僵尸车辆", "transport.parking", S),
    ("Abandoned Vehicle", "弃置车辆", "transport.parking", S),
    ("Broken Parking Meter", "停车咪表损坏", "transport.parking", D),
    ("Traffic", "交通秩序", "transport.traffic", S),
    ("Traffic Signal Condition", "交通信号灯故障", "transport.traffic", D),
    ("Street Condition", "路面状况", "urban.roads", S),
    ("Sidewalk Condition", "人行道状况", "urban.roads", S),
    ("Street Light Condition", "路灯故障", "urban.facilities", D),
    ("UNSANITARY CONDITION", "室内卫生条件差", "housing.conditions", D),
    ("PAINT/PLASTER", "墙面油漆和灰泥", "housing.conditions", D),
    ("DOOR/WINDOW", "门窗损坏", "housing.conditions", D),
    ("FLOORING/STAIRS", "地板和楼梯", "housing.conditions", D),
    ("WATER LEAK", "房屋漏水", "housing.conditions", D),
    ("GENERAL", "房屋维修(综合)", "housing.conditions", D),
    ("ELECTRIC", "室内电气", "housing.conditions", D),
    ("PLUMBING", "室内管道", "housing.conditions", D),
    ("APPLIANCE", "房东提供的电器", "housing.conditions", D),
    ("SAFETY", "住宅安全设施", "housing.conditions", D),
    ("General Construction/Plumbing", "施工和管道工程", "urban.illegal-construction", D),
    ("Building/Use", "建筑违规使用", "urban.illegal-construction", D),
    (
        "Special Projects Inspection Team (SPIT)",
        "专项检查组(违规改建)",
        "urban.illegal-construction",
        D,
    ),
    ("Electrical", "建筑电气安全", "urban.property", D),
    ("Elevator", "电梯", "urban.property", D),
    ("Water System", "供水系统", "utilities.water", D),
    ("Water Conservation", "节约用水", "utilities.water", D),
    ("Lead", "饮用水含铅", "utilities.water", D),
    ("Sewer", "下水道", "environment.water", D),
    ("Indoor Air Quality", "室内空气质量", "environment.air", D),
    ("Illegal Animal Kept as Pet", "违法饲养动物", "health.animals", D),
    ("Illegal Animal Sold", "违法售卖动物", "health.animals", D),
    ("Rodent", "鼠患", "health.animals", D),
    ("Animal Abuse", "虐待动物", "health.animals", S),
    ("Food Establishment", "餐饮场所卫生", "health.food", D),
    ("Request Large Bulky Item Collection", "预约大件垃圾清运", "environment.sanitation", D),
    ("Missed Collection (All Materials)", "垃圾漏收", "environment.sanitation", D),
    ("Missed Collection", "垃圾未收", "environment.sanitation", D),
    ("Electronics Waste Appointment", "预约电子废弃物回收", "environment.sanitation", D),
    ("Graffiti", "涂鸦", "environment.sanitation", S),
    ("Sanitation Condition", "环境卫生状况", "environment.sanitation", S),
    ("Dirty Condition", "街面脏乱", "environment.sanitation", S),
    ("Other Enforcement", "其他环卫执法", "environment.sanitation", S),
    ("Non-Emergency Police Matter", "非紧急治安事项", "safety.order", S),
    ("Encampment", "露宿帐篷", "safety.order", S),
    ("Homeless Person Assistance", "救助无家可归者", "civil.assistance", D),
    ("For Hire Vehicle Complaint", "网约车投诉", "transport.taxi", D),
    ("Taxi Complaint", "出租车投诉", "transport.taxi", D),
    ("Lost Property", "车上遗失物品", "transport.taxi", D),
    ("Consumer Complaint", "消费投诉", "commerce.consumer", D),
    ("Dead/Dying Tree", "枯死树木", "urban.greening", S),
    ("New Tree Request", "申请种树", "urban.greening", D),
    ("Damaged Tree", "树木受损", "urban.greening", S),
]
COMPLAINT_TYPES: dict[str, ComplaintType] = {
    name: ComplaintType(name, zh, parent, route) for name, zh, parent, route in _TABLE
}

# Urgent by nature (a home without heat or water, a leak, a broken lift); a record whose
# descriptor names a danger is an emergency.
URGENT_TYPES = frozenset(
    {"HEAT/HOT WATER", "WATER LEAK", "ELECTRIC", "SAFETY", "Elevator", "Water System", "Sewer"}
)
EMERGENCY_WORDS = (
    "emergency",
    "running full",
    "main break",
    "no water",
    "sewer backup",
    "cave-in",
    "endangering",
    "structural stability",
    "falling",
    "carbon monoxide",
    "manhole overflow",
    "street flooding",
    "power outage",
)


def priority_of(complaint_type: str, descriptor: str) -> str:
    """The priority a dispatcher would give the record: `emergency`, `urgent` or `normal`
    (the values of `cases.enums.Priority`)."""
    text = descriptor.lower()
    if any(word in text for word in EMERGENCY_WORDS):
        return "emergency"
    return "urgent" if complaint_type in URGENT_TYPES else "normal"
