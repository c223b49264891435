"""The administrative procedures the demo's dossiers follow (national-style codes, fields,
service levels, legal time limits) and the free-text description ("Nội dung") staff type
for each, which names people."""

from __future__ import annotations

import random
from dataclasses import dataclass

from baocao.demo.people import People


@dataclass(frozen=True)
class Procedure:
    code: str
    name: str
    field: str
    level: int  # 2: paper only; 3: partly online (một phần); 4: fully online (toàn trình)
    days: int  # legal time limit in working days; 0 is same day
    town: bool  # handled at the town desk, else at the commune desks
    weight: float  # relative volume among the desk's procedures of the same channel
    topic: str  # template of the free-text description


LABOUR = "Lao động - Thương binh và Xã hội"
LAND = "Đất đai"
# National-style codes and names; channel follows the level (levels 3/4 are only filed
# online, level 2 only in person), so the online rate among eligible dossiers is 100 %.
PROCEDURES = (
    Procedure("1.001193", "Đăng ký khai sinh", "Hộ tịch", 4, 1, False, 8, "birth"),
    Procedure("1.000894", "Đăng ký kết hôn", "Hộ tịch", 3, 3, False, 3, "marriage"),
    Procedure("1.000656", "Đăng ký khai tử", "Hộ tịch", 4, 1, False, 2.5, "death"),
    Procedure("1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch", 4, 3, False,
              6, "marital"),
    Procedure("1.004859", "Cấp bản sao trích lục hộ tịch", "Hộ tịch", 4, 1, False, 4,
              "extract"),
    Procedure("1.001022", "Đăng ký lại khai sinh", "Hộ tịch", 3, 5, False, 1, "rebirth"),
    Procedure("1.000593", "Xác nhận thông tin hộ tịch", "Hộ tịch", 4, 3, False, 1,
              "civil_info"),
    Procedure("2.000908", "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ "
              "chức có thẩm quyền của Việt Nam cấp hoặc chứng nhận", "Chứng thực", 2, 0, False,
              40, "copy"),
    Procedure("2.001035", "Chứng thực chữ ký trong các giấy tờ, văn bản", "Chứng thực", 2, 0,
              False, 12, "signature"),
    Procedure("2.001019", "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản, "
              "quyền sử dụng đất và nhà ở", "Chứng thực", 2, 2, False, 5, "contract"),
    Procedure("2.001016", "Chứng thực di chúc", "Chứng thực", 2, 2, False, 0.5, "will"),
    Procedure("1.001776", "Hòa giải tranh chấp đất đai", LAND, 2, 45, False, 0.6,
              "mediation"),
    Procedure("1.001699", "Xác nhận hộ gia đình làm nông nghiệp, lâm nghiệp, ngư nghiệp, "
              "diêm nghiệp có mức sống trung bình", LABOUR, 2, 5, False, 2, "farm"),
    Procedure("1.010805", "Công nhận hộ thoát nghèo, hộ thoát cận nghèo trong năm", LABOUR,
              2, 12, False, 0.3, "exit_poverty"),
    Procedure("2.000286", "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hàng tháng",
              LABOUR, 3, 20, False, 1.5, "allowance"),
    Procedure("1.001758", "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội", LABOUR, 3,
              8, False, 1, "funeral"),
    Procedure("2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ "
              "chức có thẩm quyền của nước ngoài cấp hoặc chứng nhận", "Chứng thực", 2, 0,
              True, 3, "copy_foreign"),
    Procedure("2.000884", "Chứng thực chữ ký người dịch mà người dịch là cộng tác viên dịch "
              "thuật của Phòng Tư pháp", "Chứng thực", 2, 0, True, 4, "translation"),
    Procedure("1.001612", "Đăng ký thành lập hộ kinh doanh", "Kinh doanh", 4, 3, True, 8,
              "shop_new"),
    Procedure("1.001266", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", "Kinh doanh", 4,
              3, True, 4, "shop_change"),
    Procedure("2.000720", "Thông báo tạm ngừng hoạt động hộ kinh doanh", "Kinh doanh", 3, 3,
              True, 1.5, "shop_pause"),
    Procedure("1.009994", "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", "Xây dựng", 3,
              15, True, 5, "build"),
    Procedure("1.009995", "Cấp giấy phép sửa chữa, cải tạo đối với nhà ở riêng lẻ",
              "Xây dựng", 2, 15, True, 1, "repair"),
    Procedure("1.004227", "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn "
              "liền với đất", LAND, 2, 10, True, 25, "transfer"),
    Procedure("1.004203", "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà "
              "ở và tài sản khác gắn liền với đất lần đầu", LAND, 2, 30, True, 4,
              "first_cert"),
    Procedure("1.003003", "Chuyển mục đích sử dụng đất phải được phép của cơ quan nhà nước có "
              "thẩm quyền đối với hộ gia đình, cá nhân", LAND, 2, 15, True, 6, "land_use"),
    Procedure("1.004206", "Tách thửa hoặc hợp thửa đất", LAND, 2, 15, True, 6, "split"),
    Procedure("1.001009", "Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất", LAND, 3,
              10, True, 1.5, "lost_cert"),
    Procedure("2.000591", "Cấp Giấy phép bán lẻ sản phẩm rượu", "Lưu thông hàng hóa trong "
              "nước", 3, 10, True, 0.6, "liquor"),
    Procedure("1.005136", "Giải quyết trợ cấp một lần đối với người có thành tích tham gia "
              "kháng chiến", LABOUR, 3, 20, True, 0.5, "veteran"),
)

_SHOPS = ("Tạp hóa", "Quán cà phê", "Tiệm sửa xe", "Cửa hàng vật liệu xây dựng", "Quán cơm",
          "Tiệm tóc", "Cửa hàng điện thoại", "Đại lý phân bón", "Tiệm may", "Quán ăn sáng")
_DOCUMENTS = ("căn cước công dân", "giấy khai sinh", "bằng tốt nghiệp THPT", "sổ hộ khẩu",
              "giấy chứng nhận quyền sử dụng đất", "học bạ", "giấy đăng ký xe")


def describe(topic: str, rng: random.Random, people: People, name: str, male: bool) -> str:
    """The free-text description ("Nội dung") as staff type it: it names people."""
    family = name.split()[0]
    elder = "ông" if male else "bà"
    plot = f"thửa đất số {rng.randint(1, 480)}, tờ bản đồ số {rng.randint(1, 62)}"
    shop = f"{rng.choice(_SHOPS)} {name.split()[-1]}"
    match topic:
        case "birth":
            return f"Đăng ký khai sinh cho cháu {people.name(rng.random() < 0.5, family)}"
        case "marriage":
            other = people.name(not male)
            husband, wife = (name, other) if male else (other, name)
            return f"Đăng ký kết hôn giữa anh {husband} và chị {wife}"
        case "death":
            dead_male = rng.random() < 0.55
            return (f"Đăng ký khai tử cho {'ông' if dead_male else 'bà'} "
                    f"{people.name(dead_male, family)}")
        case "marital":
            purpose = rng.choice(("làm thủ tục kết hôn", "vay vốn ngân hàng",
                                  "chuyển nhượng quyền sử dụng đất"))
            return f"Xác nhận tình trạng hôn nhân cho {name} để {purpose}"
        case "extract":
            kind = rng.choice(("khai sinh", "khai sinh", "kết hôn"))
            return f"Cấp bản sao trích lục {kind} cho {name}"
        case "rebirth":
            return f"Đăng ký lại khai sinh cho {name}"
        case "civil_info":
            return f"Xác nhận thông tin hộ tịch của {name}"
        case "copy" | "copy_foreign":
            count = rng.randint(1, 6)
            document = (rng.choice(_DOCUMENTS) if topic == "copy"
                        else rng.choice(("hộ chiếu", "bằng đại học nước ngoài")))
            return f"Chứng thực {count} bản sao {document} của {name}"
        case "signature":
            paper = rng.choice(("giấy ủy quyền", "đơn xin việc", "tờ khai", "giấy cam kết"))
            return f"Chứng thực chữ ký của {name} trên {paper}"
        case "translation":
            return f"Chứng thực chữ ký người dịch bản dịch giấy tờ của {name}"
        case "contract":
            deal = rng.choice(("chuyển nhượng quyền sử dụng đất", "tặng cho quyền sử dụng đất",
                               "mua bán xe mô tô", "ủy quyền"))
            return f"Chứng thực hợp đồng {deal} giữa {name} và {people.name(rng.random() < 0.5)}"
        case "will":
            return f"Chứng thực di chúc của {elder} {name}"
        case "mediation":
            return f"Hòa giải tranh chấp đất đai giữa hộ {elder} {name} và hộ {people.name(True)}"
        case "farm":
            return f"Xác nhận hộ gia đình {elder} {name} làm nông nghiệp có mức sống trung bình"
        case "exit_poverty":
            return f"Đề nghị công nhận hộ thoát nghèo cho hộ {elder} {name}"
        case "allowance":
            return f"Đề nghị hưởng trợ cấp xã hội hàng tháng cho {people.name(rng.random() < 0.5)}"
        case "funeral":
            return f"Hỗ trợ chi phí mai táng cho {people.name(rng.random() < 0.5, family)}"
        case "shop_new":
            return f"Đăng ký thành lập hộ kinh doanh {shop} của {name}"
        case "shop_change":
            return f"Thay đổi địa điểm kinh doanh của hộ kinh doanh {shop}"
        case "shop_pause":
            return f"Tạm ngừng kinh doanh hộ kinh doanh {shop}"
        case "build":
            return f"Cấp giấy phép xây dựng nhà ở riêng lẻ cho hộ {elder} {name} tại {plot}"
        case "repair":
            return f"Cấp giấy phép sửa chữa, cải tạo nhà ở của hộ {elder} {name}"
        case "transfer":
            return f"Đăng ký biến động chuyển nhượng {plot} từ {people.name(True)} sang {name}"
        case "first_cert":
            return f"Cấp giấy chứng nhận quyền sử dụng đất lần đầu cho hộ {name}, {plot}"
        case "land_use":
            return (f"Chuyển mục đích sử dụng đất từ đất trồng cây lâu năm sang đất ở, {plot}, "
                    f"hộ {elder} {name}")
        case "split":
            return f"Tách thửa {plot} của {elder} {name}"
        case "lost_cert":
            return f"Cấp lại giấy chứng nhận quyền sử dụng đất bị mất cho {name}"
        case "liquor":
            return f"Cấp giấy phép bán lẻ rượu cho hộ kinh doanh {shop}"
        case "veteran":
            return f"Đề nghị trợ cấp một lần cho người có thành tích kháng chiến {elder} {name}"
    raise ValueError(f"unknown description topic {topic!r}")
