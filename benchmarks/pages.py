"""Benchmark inputs shaped like published reports, built from reports gxlib.testing generates.

* :func:`text_report` — a copied report of ~10 KB: the generated tables plus the prose a real
  report carries (sections 一, 五, 六 run to several paragraphs each).
* :func:`web_page` — a report as a government site serves it, ~30-60 KB: site chrome (inline
  CSS and scripts, a navigation bar of links, a layout table, breadcrumb, footer) around an
  article whose paragraphs and tables carry Word's exported markup (a ``<p>`` and a
  ``<span style=...>`` around every cell text, widths and borders on every ``<td>``), or the
  plain markup a CMS editor leaves.

Only the shape is synthetic; the values and labels are gxlib.testing's, so every page parses
back to its generated report (tests/test_benchmark_pages.py checks that).
"""

from __future__ import annotations

import html
import re

from gxlib.testing import GeneratedReport, render_report

PARAGRAPHS = (
    "本年度，我单位坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实《中华人民共和国"
    "政府信息公开条例》，紧紧围绕中心工作，坚持以公开为常态、不公开为例外，进一步完善政府信息"
    "公开工作机制，加大主动公开力度，规范依申请公开办理流程，推动政务公开工作取得新成效。",
    "主动公开方面，围绕重点领域信息公开要求，及时发布机构职能、政策文件、财政预决算、重大项目"
    "建设、公共资源配置、社会公益事业建设等信息，通过门户网站、政务新媒体、新闻发布会等渠道，"
    "多方位、多角度做好政策解读和回应关切工作，全年未发生因信息公开不及时引发的舆情事件。",
    "依申请公开方面，严格按照法定程序和时限受理、办理政府信息公开申请，畅通网络、信函、当面等"
    "申请渠道，规范答复文书格式，加强与申请人的沟通，切实保障人民群众的知情权、参与权和监督权。",
    "政府信息管理方面，建立健全政府信息公开审查机制，坚持“先审查、后公开”和“一事一审”原则，"
    "严格落实保密审查制度，动态调整主动公开基本目录，做好政策文件清理和规范性文件统一登记工作。",
    "平台建设方面，持续优化政府门户网站栏目设置，完善政策文件库，提升搜索和互动交流功能，加强"
    "政务新媒体规范管理，推进政务服务事项网上办理，不断提升政务公开的标准化、规范化水平。",
    "监督保障方面，将政务公开工作纳入年度绩效考核，定期开展自查整改，组织业务培训，提升工作人员"
    "的公开意识和业务能力，主动接受社会评议和群众监督，确保各项工作要求落到实处。",
)

PROBLEMS = (
    "五、存在的主要问题及改进情况",
    "本年度政府信息公开工作虽取得一定成效，但仍存在一些不足：一是政策解读形式较为单一，图表、"
    "视频等解读方式运用不够；二是部分栏目信息更新不够及时；三是工作人员业务水平有待进一步提高。"
    "下一步，我单位将丰富解读形式，加强栏目日常维护，强化培训，推动政务公开工作提质增效。",
    "六、其他需要报告的事项",
    "本年度未收取信息处理费。人大代表建议和政协提案办理结果均按要求公开。年度政务公开工作要点"
    "落实情况良好，各项任务按期完成。",
)


def text_report(gen: GeneratedReport, style: str, paragraphs: int = 14) -> str:
    """A report as text (``style`` as gxlib.testing renders it) with real-length prose."""
    base = render_report(gen, style)
    prose = "\n".join(PARAGRAPHS[i % len(PARAGRAPHS)] for i in range(paragraphs))
    head, sep, rest = base.partition("二、")
    return head + prose + "\n" + sep + rest


_CSS = "\n".join(
    f".col{i} {{ float:left; width:{10 + i % 7 * 10}%; margin:0 {i % 5}px; padding:{i % 4}px; "
    f"font:14px/1.8 'Microsoft YaHei',SimSun,sans-serif; color:#{i * 7919 % 0xFFFFFF:06x}; }}"
    for i in range(20)
)
_SCRIPT = (
    "var _hmt = _hmt || [];(function(){var hm=document.createElement('script');"
    "hm.src='/js/stat.js?'+Math.random();var s=document.getElementsByTagName('script')[0];"
    "s.parentNode.insertBefore(hm,s);})();\n"
    + "\n".join(
        f"function setFont{i}(size){{document.getElementById('zoom').style.fontSize=size+'px';"
        f"var p=document.querySelectorAll('#zoom p');for(var i=0;i<p.length;i++)"
        f"{{p[i].style.lineHeight=(size*1.8)+'px';}}}}"
        for i in range(4)
    )
)
_CHANNELS = [
    "首页",
    "政务公开",
    "政府信息公开",
    "政府信息公开指南",
    "政府信息公开制度",
    "法定主动公开内容",
    "政府信息公开年报",
    "政策文件",
    "政策解读",
    "人事信息",
    "财政信息",
    "重点领域",
    "建议提案办理",
    "政务服务",
    "办事指南",
    "在线办理",
    "便民服务",
    "互动交流",
    "领导信箱",
    "在线访谈",
    "意见征集",
    "走进本地",
    "概况",
    "历史沿革",
    "新闻中心",
    "工作动态",
    "通知公告",
    "图片新闻",
    "专题专栏",
    "营商环境",
    "乡村振兴",
    "安全生产",
]


def _nav() -> str:
    items = "".join(
        f'<li class="nav-item"><a href="/col/col{100 + i}/index.html" target="_blank" '
        f'title="{c}">{c}</a></li>'
        for i, c in enumerate(_CHANNELS)
    )
    return (
        '<div class="header"><div class="logo"><img src="/img/logo.png"></div>'
        f'<ul class="nav">{items}</ul></div>'
    )


def _sidebar() -> str:
    # gov sites still lay pages out with tables; a reader must not take this for the report's
    rows = "".join(
        f'<tr><td class="side-item" height="32"><a href="/col/col{200 + i}/index.html">{c}</a>'
        "</td></tr>"
        for i, c in enumerate(_CHANNELS)
    )
    return (
        '<table class="layout" width="220" border="0" cellspacing="0" cellpadding="0">'
        f"{rows}</table>"
    )


def _footer() -> str:
    links = " | ".join(f'<a href="/site/{i}.html">{c}</a>' for i, c in enumerate(_CHANNELS))
    return (
        f'<div class="footer"><p>{links}</p><p>主办单位：本级人民政府办公室　网站标识码：'
        "3703000001　备案号：0000000号-1</p><p>地址：人民路1号　联系电话：0000-00000000</p>"
        f"<script>{_SCRIPT}</script></div>"
    )


_TD = re.compile(r"<t([dh])((?: (?:rowspan|colspan)=\"\d+\")*)>(.*?)</t[dh]>", re.S)
_P = re.compile(r"<p>(.*?)</p>", re.S)


def _word_cell(m: re.Match[str]) -> str:
    spans, text = m.group(2), m.group(3)
    return (
        f"<td{spans} width={60 + len(text) * 3} style='border:solid windowtext 1pt'>"
        f"<p align=center><span style='font-size:10.5pt'>{text}</span></p></td>"
    )


def _word_paragraph(m: re.Match[str]) -> str:
    return (
        "<p class=MsoNormal style='text-indent:32.0pt;line-height:28.0pt;"
        "mso-line-height-rule:exactly'><span style='font-size:16.0pt;font-family:仿宋_GB2312;"
        f"mso-hansi-font-family:仿宋'>{m.group(1)}</span></p>"
    )


def web_page(gen: GeneratedReport, paragraphs: int = 14, *, word: bool = True) -> str:
    """The report as a page of a government site: with Word's markup in the article (a report
    pasted from Word, ~60 KB), or with the plain markup a CMS editor leaves (~35 KB)."""
    article = render_report(gen, "html")
    start = article.index('<div id="zoom">') + len('<div id="zoom">')
    body = article[start : article.rindex("</div>")]
    prose = "".join(
        f"<p>{html.escape(PARAGRAPHS[i % len(PARAGRAPHS)])}</p>" for i in range(paragraphs)
    )
    body = body.replace("<p>二、", prose + "<p>二、", 1)
    if word:
        body = _TD.sub(_word_cell, body)
        body = _P.sub(_word_paragraph, body)
        body = body.replace(
            '<table border="1">',
            "<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 width=600 "
            "style='border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt;"
            "mso-yfti-tbllook:1184;mso-padding-alt:0cm 5.4pt 0cm 5.4pt'>",
        )
    title = f"{gen.body}{gen.year}年政府信息公开工作年度报告"
    return (
        '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; '
        f'charset=utf-8"><title>{html.escape(title)}</title>'
        f'<style type="text/css">{_CSS}</style><script type="text/javascript">{_SCRIPT}</script>'
        f"</head><body>{_nav()}"
        '<div class="main"><div class="left">' + _sidebar() + "</div>"
        '<div class="right"><div class="crumb">当前位置：<a href="/">首页</a> &gt; '
        '<a href="/col/col101/index.html">政务公开</a> &gt; 政府信息公开年报</div>'
        f'<div class="article"><h1 class="title">{html.escape(title)}</h1>'
        '<div class="info">发布时间：2024-01-20　来源：本站　字号：'
        '<a href="javascript:setFont0(18)">大</a> <a href="javascript:setFont0(16)">中</a> '
        '<a href="javascript:setFont0(14)">小</a>'
        f'</div><div id="zoom" class="TRS_Editor">{body}</div></div></div></div>'
        f"{_footer()}</body></html>"
    )
