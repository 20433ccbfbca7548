/* Unit tests of text_sanitize: nothing from a server may steer the terminal. */
#include "config.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "core/text.h"
#include "core/xalloc.h"

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
	};
	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
