"""Site profiles: the minimal file, presets, substitutions, and error messages that say what to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawl.errors import CrawlError, ProfileError
from crawl.profiles import available_presets, load_profiles

MINIMAL = '[site]\nid = "khuyencong"\nname = "Trung tâm Khuyến công"\nstart_urls = ["{base_url}/vi/news/"]\n'


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_profile_with_substitution(tmp_path: Path) -> None:
    [profile] = load_profiles(write(tmp_path, "kc.toml", MINIMAL), substitutions={"base_url": "http://127.0.0.1:8000"})
    assert profile.start_urls == ("http://127.0.0.1:8000/vi/news/",)
    assert profile.allowed_hosts == ("127.0.0.1",)
    assert profile.delay is None and profile.title is None and profile.sitemap is True


def test_directory_of_profiles_sorted_and_ids_unique(tmp_path: Path) -> None:
    write(tmp_path, "b.toml", MINIMAL.replace("khuyencong", "b"))
    write(tmp_path, "a.toml", MINIMAL.replace("khuyencong", "a"))
    subs = {"base_url": "https://a.gov.vn"}
    assert [p.id for p in load_profiles(tmp_path, substitutions=subs)] == ["a", "b"]
    write(tmp_path, "c.toml", MINIMAL.replace("khuyencong", "a"))
    with pytest.raises(ProfileError, match="id 'a' is also used by"):
        load_profiles(tmp_path, substitutions=subs)


def test_full_profile_keys(tmp_path: Path) -> None:
    text = MINIMAL + """delay = 3
encoding = "windows-1258"
[list]
item = ".item"
article_url = '/tin-tuc/.+-\\d+\\.html$'
[article]
title = "h1"
remove = [".share"]
[departments]
default = "Văn phòng"
[departments.sections]
"/vi/news/khuyen-cong/" = "Trung tâm Khuyến công"
[departments.aliases]
"Phòng Hành chính - Tổng hợp" = ["Phòng HC-TH", "HC-TH"]
"""
    [p] = load_profiles(write(tmp_path, "kc.toml", text), substitutions={"base_url": "https://kc.gov.vn"})
    assert (p.delay, p.encoding, p.list_item, p.title, p.remove) == (3.0, "windows-1258", ".item", "h1", (".share",))
    assert p.is_article_url("https://kc.gov.vn/tin-tuc/hoi-nghi-12.html") is True
    assert p.section_department("https://kc.gov.vn/vi/news/khuyen-cong/a-1.html") == "Trung tâm Khuyến công"
    assert p.section_department("https://kc.gov.vn/vi/news/khac/a-1.html") == "Văn phòng"
    assert p.canonical_department("PHÒNG  HC – TH") == "Phòng Hành chính - Tổng hợp"


def test_preset_is_inherited_and_overridden(tmp_path: Path) -> None:
    assert {"liferay", "nukeviet", "sharepoint", "dnn"} <= set(available_presets())
    text = 'preset = "liferay"\n' + MINIMAL + '[article]\ntitle = "h2.headline"\nremove = [".my-banner"]\n'
    [p] = load_profiles(write(tmp_path, "s.toml", text), substitutions={"base_url": "https://s.gov.vn"})
    assert p.preset == "liferay" and p.list_item == ".asset-abstract" and p.title == "h2.headline"
    assert ".my-banner" in p.remove and ".taglib-social-bookmarks" in p.remove
    assert p.is_article_url("https://s.gov.vn/tin/-/view_content/123-abc") is True


@pytest.mark.parametrize(("text", "message"), [
    ('[site]\nname = "x"\nstart_urls = ["https://a.vn/"]\n', "missing key 'site.id'. Add a short ASCII name"),
    ('[site]\nid = "x"\nname = "x"\n', "missing key 'site.start_urls'. Add a list of news list page URLs"),
    (MINIMAL.replace("{base_url}", "a.vn"), "start URL 'a.vn/vi/news/' in 'site.start_urls' is not an http(s) URL"),
    (MINIMAL + "[artcle]\ntitle = 'h1'\n", "unknown table [artcle]. Did you mean 'article'?"),
    (MINIMAL + "[article]\ntitel = 'h1'\n", "unknown key 'article.titel'. Did you mean 'title'?"),
    (MINIMAL + "delay = 'slow'\n", "key 'site.delay' has the wrong type (str). Give seconds"),
    ('preset = "joomla"\n' + MINIMAL, "unknown preset 'joomla'. Use one of: dnn, liferay, nukeviet, sharepoint"),
    (MINIMAL + "[list]\narticle_url = '(['\n", "'list.article_url' is not a valid regular expression"),
    ("[site\nid=1", "not valid TOML"),
], ids=["no-id", "no-start", "bad-url", "bad-table", "bad-key", "bad-type", "bad-preset", "bad-regex", "syntax"])
def test_errors_name_the_file_the_key_and_the_fix(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "bad.toml", text.replace("{base_url}", "https://a.vn"))
    with pytest.raises(ProfileError) as info:
        load_profiles(path)
    assert f"Site profile '{path}'" in str(info.value) and message in str(info.value)
    assert isinstance(info.value, CrawlError)


def test_missing_path_and_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="not found"):
        load_profiles(tmp_path / "nope.toml")
    with pytest.raises(ProfileError, match="No site profiles in"):
        load_profiles(tmp_path)
