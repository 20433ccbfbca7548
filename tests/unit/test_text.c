/* Unit tests of text_sanitize: nothing from a server may steer the terminal. */
#include "config.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include "core/text.h"
#include "core/xalloc.h"
#include "fixture.h"

static void expect(const char *in, const char *want)
{
	char *got = text_sanitize(in);
	assert_string_equal(got, want);
	free(got);
}

static void test_plain_and_utf8_kept(void **state)
{
	(void)state;
	expect("director-1 up", "director-1 up");
	expect("eu-west \xe2\x96\x88 10.9 GiB \xc3\xa9", "eu-west \xe2\x96\x88 10.9 GiB \xc3\xa9");
	expect("\xf0\x9f\x94\xa5 fire", "\xf0\x9f\x94\xa5 fire"); /* 4-byte emoji */
	expect(NULL, "");
	expect("", "");
}

/* A right-to-left override would show "abcdcba" for "abc" + RLO + "dcba"; zero-width
 * characters hide text; both are shown, as '?'. Arabic and Hebrew letters stay. */
static void test_bidi_and_invisible_characters(void **state)
{
	(void)state;
	expect("node=abc\xe2\x80\xae" "dcba\xe2\x80\xac", "node=abc?dcba?");     /* U+202E, U+202C */
	expect("a\xe2\x81\xa6" "b\xe2\x81\xa9", "a?b?");                      /* U+2066, U+2069 */
	expect("x\xe2\x80\x8by\xef\xbb\xbfz", "x?y?z");                        /* U+200B, U+FEFF */
	expect("l1\xe2\x80\xa8l2", "l1?l2");                                    /* U+2028 */
	expect("\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d", "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d"); /* Hebrew */
	assert_true(text_is_format_control(0x202e));
	assert_false(text_is_format_control(0x05d0));
}

static void test_excerpt(void **state)
{
	(void)state;
	char *e = text_excerpt("short", 10);
	assert_string_equal(e, "short");
	free(e);
	e = text_excerpt("caf\xc3\xa9 au lait", 4); /* never half of the \xc3\xa9 */
	assert_string_equal(e, "caf...");
	free(e);
	e = text_excerpt(NULL, 3);
	assert_string_equal(e, "");
	free(e);
}

static void test_whitespace_controls_become_spaces(void **state)
{
	(void)state;
	expect("a\tb\nc\rd", "a b c d");
}

static void test_escape_sequences_are_defused(void **state)
{
	(void)state;
	/* OSC 0 (set title), SGR colour, OSC 52 (clipboard), BEL, DEL */
	expect("\x1b]0;PWNED\x07", "?]0;PWNED?");
	expect("\x1b[31mRED\x1b[0m", "?[31mRED?[0m");
	expect("\x1b]52;c;ZXZpbA==\x07", "?]52;c;ZXZpbA==?");
	expect("x\x7fy", "x?y");
	/* C1 controls as UTF-8 (U+009B is CSI, U+0085 NEL) and as raw bytes */
	expect("a\xc2\x9b" "2Jb", "a?2Jb");
	expect("a\xc2\x85" "b", "a?b");
	expect("a\x9b" "2Jb", "a?2Jb");
	/* U+00A0 and above are printable and stay */
	expect("\xc2\xa0", "\xc2\xa0");
}

static void test_invalid_utf8_replaced(void **state)
{
	(void)state;
	expect("\xff\xfe", "??");
	expect("\xc0\xaf", "??");            /* overlong '/' */
	expect("\xed\xa0\x80", "???");       /* a surrogate, UTF-16 only */
	expect("\xe2\x96", "??");            /* truncated at the end */
	expect("\xf4\x90\x80\x80", "????"); /* above U+10FFFF */
}

/* RFC 4648's test vectors. */
static void test_base64(void **state)
{
	(void)state;
	static const char *const v[][2] = { { "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" },
					    { "foo", "Zm9v" }, { "foob", "Zm9vYg==" },
					    { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
					    { "oncall:s3cret", "b25jYWxsOnMzY3JldA==" } };
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		char *b = text_base64(v[i][0], strlen(v[i][0]));
		assert_string_equal(b, v[i][1]);
		free(b);
	}
}

static void test_osc52(void **state)
{
	(void)state;
	const struct {
		const char *in, *b64;
	} cases[] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "rate(x[5m])", "cmF0ZSh4WzVtXSk=" },
		/* an escape in the text reaches the terminal as base64 only */
		{ "a\033]0;pwn\a", "YRtdMDtwd24H" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *s = text_osc52(cases[i].in, strlen(cases[i].in));
		char *want = xasprintf("\033]52;c;%s\a", cases[i].b64);
		assert_string_equal(s, want);
		free(want);
		free(s);
	}
	char *s = text_osc52("\xff\x00\x80", 3);
	assert_string_equal(s, "\033]52;c;/wCA\a");
	free(s);
}

/* text_render_line on one input; the result must equal want. */
static void render(const char *in, size_t n, size_t max, const char *want)
{
	size_t len = 0;
	char *got = text_render_line(in, n, max, &len);
	assert_string_equal(got, want);
	assert_int_equal(len, strlen(want));
	free(got);
}
#define RENDER(lit, want) render(lit, sizeof(lit) - 1, 0, want)

static void test_render_controls_visible(void **state)
{
	(void)state;
	RENDER("plain", "plain");
	RENDER("", "");
	render(NULL, 5, 0, "");
	RENDER("\x1b[31mred\x1b[0m", "^[[31mred^[[0m");
	RENDER("\x1b]0;title\x07", "^[]0;title^G");
	RENDER("a\0b", "a^@b");
	RENDER("cr\rlf\n", "cr^Mlf^J");
	RENDER("del\x7f", "del^?");
	RENDER("\x1f\x01", "^_^A");
	/* C1 as raw bytes is invalid UTF-8; as UTF-8 it is a code point */
	RENDER("\x9b" "31m", "\\x9b31m");
	RENDER("\xc2\x9b" "31m", "<U+009B>31m");
	RENDER("\xc2\x85", "<U+0085>");
	RENDER("\xc2\xa0nbsp", "\xc2\xa0nbsp");
}

static void test_render_tabs(void **state)
{
	(void)state;
	RENDER("\tx", "        x");
	RENDER("ab\tc", "ab      c");
	RENDER("abcdefgh\ti", "abcdefgh        i");
	/* a character is one column, an escape as wide as it is shown */
	RENDER("\xc3\xa9\tx", "\xc3\xa9       x");
	RENDER("\x1b\tx", "^[      x");
}

static void test_render_utf8(void **state)
{
	(void)state;
	RENDER("caf\xc3\xa9 \xf0\x9f\x94\xa5 \xe4\xb8\xad", "caf\xc3\xa9 \xf0\x9f\x94\xa5 \xe4\xb8\xad");
	RENDER("\xff\xfe", "\\xff\\xfe");
	RENDER("\xc0\xaf", "\\xc0\\xaf");                 /* overlong */
	RENDER("\xed\xa0\x80", "\\xed\\xa0\\x80");        /* surrogate */
	RENDER("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"); /* above U+10FFFF */
	RENDER("x\xe2\x82", "x\\xe2\\x82");               /* cut at the end */
	/* a sequence cut by the length, not by a NUL */
	render("\xe2\x82\xac", 2, 0, "\\xe2\\x82");
	RENDER("abc\xe2\x80\xae" "dcba\xe2\x80\xac", "abc<U+202E>dcba<U+202C>");
	RENDER("a\xe2\x81\xa6" "b\xe2\x81\xa9", "a<U+2066>b<U+2069>");
	RENDER("x\xe2\x80\x8by\xef\xbb\xbfz", "x<U+200B>y<U+FEFF>z");
}

static void test_render_cap(void **state)
{
	(void)state;
	char line[200];
	memset(line, 'a', sizeof line);
	size_t len;
	char *r = text_render_line(line, sizeof line, 100, &len);
	assert_true(len <= 100);
	assert_non_null(strstr(r, " [+"));
	/* what is shown plus what is counted is the line */
	size_t shown = strspn(r, "a");
	char want[64];
	snprintf(want, sizeof want, " [+%zu bytes]", sizeof line - shown);
	assert_string_equal(r + shown, want);
	free(r);
	/* fits exactly: no marker */
	r = text_render_line(line, 100, 100, &len);
	assert_int_equal(len, 100);
	assert_null(strchr(r, '['));
	free(r);
	/* never half a character, never half an escape */
	char u[300];
	for (size_t i = 0; i < 100; i++)
		memcpy(u + 3 * i, "\xe4\xb8\xad", 3);
	r = text_render_line(u, 300, 70, &len);
	assert_true(len <= 70);
	size_t body = strstr(r, " [+") - r;
	assert_int_equal(body % 3, 0);
	free(r);
	memset(u, 0x1b, 100);
	r = text_render_line(u, 100, 65, &len);
	body = strstr(r, " [+") - r;
	assert_int_equal(body % 2, 0);
	assert_true(len <= 65);
	free(r);
	/* a tiny cap still leaves room for the marker */
	r = text_render_line(line, sizeof line, 1, &len);
	assert_true(len <= 64);
	assert_non_null(strstr(r, "bytes]"));
	free(r);
}

/* Capped output = the uncapped rendering of the bytes it shows, then the
 * marker counting the rest; at every cap, on a line mixing every kind. */
static void test_render_cap_consistent(void **state)
{
	(void)state;
	const char part[] = "plain \x1b[31m\t\xc3\xa9\xe2\x80\xae\xff\xc2\x9b\0 more text here;";
	char line[1024];
	size_t n = 0;
	while (n + sizeof part - 1 <= sizeof line) {
		memcpy(line + n, part, sizeof part - 1);
		n += sizeof part - 1;
	}
	for (size_t max = 64; max < 700; max++) {
		size_t len, full_len;
		char *r = text_render_line(line, n, max, &len);
		assert_true(len <= max);
		char *mark = strstr(r, " [+");
		assert_non_null(mark);
		size_t rest = strtoul(mark + 3, NULL, 10);
		assert_true(rest > 0 && rest < n);
		char *shown = text_render_line(line, n - rest, 0, &full_len);
		assert_int_equal(full_len, (size_t)(mark - r));
		assert_memory_equal(shown, r, full_len);
		free(shown);
		free(r);
	}
}

/* No byte that a terminal obeys, valid UTF-8, no format control. */
static void assert_inert(const char *r, size_t len)
{
	const unsigned char *p = (const unsigned char *)r;
	assert_int_equal(strlen(r), len);
	for (size_t i = 0; i < len;) {
		unsigned char c = p[i];
		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f)
				fail_msg("control byte 0x%02x at %zu in \"%s\"", c, i, r);
			i++;
			continue;
		}
		size_t k = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		unsigned cp = c >= 0xf0 ? c & 7u : c >= 0xe0 ? c & 15u : c & 31u;
		if (c < 0xc2 || c > 0xf4 || i + k > len)
			fail_msg("bad UTF-8 lead 0x%02x at %zu", c, i);
		for (size_t j = 1; j < k; j++) {
			if ((p[i + j] & 0xc0) != 0x80)
				fail_msg("bad UTF-8 at %zu", i + j);
			cp = cp << 6 | (p[i + j] & 0x3fu);
		}
		if (cp < 0xa0 || text_is_format_control(cp) || (cp >= 0xd800 && cp <= 0xdfff))
			fail_msg("U+%04X passed through at %zu", cp, i);
		i += k;
	}
}

static void test_render_hostile_corpus(void **state)
{
	(void)state;
	size_t n;
	char *all = fixture_read("hostile_lines.txt", &n);
	size_t lines = 0;
	for (char *p = all, *end = all + n; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		size_t len;
		char *r = text_render_line(p, ll, 0, &len);
		assert_inert(r, len);
		free(r);
		r = text_render_line(p, ll, 64, &len);
		assert_inert(r, len);
		assert_true(len <= 64);
		free(r);
		lines++;
		p += ll + 1;
	}
	assert_true(lines >= 20);
	free(all);
	/* every byte value, alone and after each lead byte */
	for (int c = 0; c < 256; c++) {
		for (int d = 0; d < 256; d += 17) {
			char in[2] = { (char)c, (char)d };
			size_t len;
			char *r = text_render_line(in, 2, 0, &len);
			assert_inert(r, len);
			free(r);
		}
	}
}

/* Loki takes lines of 256 KB: they render whole when uncapped, and a cap
 * bounds the work and the result. */
static void test_render_256k_line(void **state)
{
	(void)state;
	size_t n = 256 * 1024;
	char *line = xmalloc(n);
	for (size_t i = 0; i < n; i++)
		line[i] = i % 997 == 0 ? '\x1b' : i % 1013 == 0 ? '\xff' : (char)('a' + i % 26);
	size_t len;
	char *r = text_render_line(line, n, 0, &len);
	assert_true(len > n);
	assert_inert(r, len);
	free(r);
	r = text_render_line(line, n, 4096, &len);
	assert_true(len <= 4096);
	assert_inert(r, len);
	assert_non_null(strstr(r, " bytes]"));
	free(r);
	free(line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_utf8_kept),
		cmocka_unit_test(test_whitespace_controls_become_spaces),
		cmocka_unit_test(test_escape_sequences_are_defused),
		cmocka_unit_test(test_invalid_utf8_replaced),
		cmocka_unit_test(test_bidi_and_invisible_characters),
		cmocka_unit_test(test_excerpt),
		cmocka_unit_test(test_osc52),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_render_controls_visible),
		cmocka_unit_test(test_render_tabs),
		cmocka_unit_test(test_render_utf8),
		cmocka_unit_test(test_render_cap),
		cmocka_unit_test(test_render_cap_consistent),
		cmocka_unit_test(test_render_hostile_corpus),
		cmocka_unit_test(test_render_256k_line),
	};
	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
