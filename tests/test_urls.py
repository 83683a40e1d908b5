"""canonical_url: the URL variants portals produce for one article give one canonical form."""

import pytest

from scraper.urls import canonical_url

NUKEVIET = "https://vinhthanh.cantho.gov.vn/news/xay-dung-dang/khen-thuong-101.html"
SHAREPOINT = "https://dinhquan.dongnai.gov.vn/pages/newsdetail.aspx?catid=1&newsid=201"


@pytest.mark.parametrize(("variant", "canonical"), [
    ("https://VinhThanh.CanTho.gov.vn:443/news/xay-dung-dang/khen-thuong-101.html#top", NUKEVIET),
    ("https://vinhthanh.cantho.gov.vn/news/xay-dung-dang/khen-thuong-101.html?fbclid=IwAR0x&utm_source=zalo", NUKEVIET),
    ("https://vinhthanh.cantho.gov.vn/news/print/xay-dung-dang/khen-thuong-101.html", NUKEVIET),
    ("https://vinhthanh.cantho.gov.vn/news/savefile/xay-dung-dang/khen-thuong-101.html", NUKEVIET),
    ("https://vinhthanh.cantho.gov.vn/news/xay-dung-dang/khen-thuong-101.html?print=1", NUKEVIET),
    ("https://dinhquan.dongnai.gov.vn/Pages/NewsDetail.aspx?NewsId=201&CatId=1", "https://dinhquan.dongnai.gov.vn/pages/newsdetail.aspx?CatId=1&NewsId=201"),
    ("http://hcm.gov.vn/web/hcm/-/tin-a;jsessionid=ABC123?redirect=%2Fweb%2Fhcm&p_p_id=x&p_p_lifecycle=0", "http://hcm.gov.vn/web/hcm/-/tin-a"),
    ("http://camau.gov.vn/wps/portal/!ut/p/z1/04_Sj9/dz/d5/L2dBISEvZ0FBIS9nQSEh/?1dmy&urile=wcm%3Apath%3A%2Fa",
     "http://camau.gov.vn/wps/portal/?1dmy=&urile=wcm%3Apath%3A%2Fa"),
    ("https://vinhthanh.cantho.gov.vn/news/index.php", "https://vinhthanh.cantho.gov.vn/news/"),
    ("https://dinhquan.dongnai.gov.vn/Pages/Default.aspx", "https://dinhquan.dongnai.gov.vn/pages/"),
], ids=["case-port-fragment", "trackers", "nukeviet-print", "nukeviet-savefile", "print-param", "iis-case-and-order",
        "liferay-session-and-state", "websphere-state", "default-document", "iis-default-document"])
def test_variants_share_one_canonical_form(variant, canonical):
    assert canonical_url(variant) == canonical


def test_different_articles_stay_different():
    assert canonical_url(NUKEVIET) != canonical_url(NUKEVIET.replace("-101.html", "-102.html"))


def test_query_values_that_name_the_article_are_kept():
    assert canonical_url(SHAREPOINT.replace("newsid=201", "newsid=202")) != canonical_url(SHAREPOINT)
