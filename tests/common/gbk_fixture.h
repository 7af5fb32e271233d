/* The register's CSV as a county's office exports it from Excel on Windows: GBK bytes. */
#ifndef GBK_FIXTURE_H
#define GBK_FIXTURE_H

/* 统一社会信用代码,企业名称,县区代码,经营状态 CRLF, in GBK */
#define GBK_HEADER                                                                                 \
	"\xcd\xb3\xd2\xbb\xc9\xe7\xbb\xe1\xd0\xc5\xd3\xc3\xb4\xfa\xc2\xeb"                         \
	","                                                                                        \
	"\xc6\xf3\xd2\xb5\xc3\xfb\xb3\xc6"                                                         \
	","                                                                                        \
	"\xcf\xd8\xc7\xf8\xb4\xfa\xc2\xeb"                                                         \
	","                                                                                        \
	"\xbe\xad\xd3\xaa\xd7\xb4\xcc\xac"                                                         \
	"\r\n"
/* 信阳毛尖茶业有限公司 */
#define GBK_NAME    "\xd0\xc5\xd1\xf4\xc3\xab\xbc\xe2\xb2\xe8\xd2\xb5\xd3\xd0\xcf\xde\xb9\xab\xcb\xbe"
#define GBK_CUNXU   "\xb4\xe6\xd0\xf8" /* 存续 */
#define GBK_ZHUXIAO "\xd7\xa2\xcf\xfa" /* 注销 */

#endif
