/* Table columns sized to their content, cut with an ellipsis where they must be. */
#include "config.h"
#include "ui/table.h"
#include "core/xalloc.h"
#include "ui/canvas.h"
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

void table_want(table_col_t *c, const char *s)
{
	int w = utf8_width(s ? s : "");
	if (w > c->want)
		c->want = w;
}

int table_fit(const table_col_t *c, size_t n, int width, int gap, int *out)
{
	int total = n ? (int)(n - 1) * gap : 0;
	int max_rank = 0;
	for (size_t i = 0; i < n; i++) {
		out[i] = c[i].want > c[i].min ? c[i].want : c[i].min;
		total += out[i];
		if (c[i].cut > max_rank)
			max_rank = c[i].cut;
	}
	for (int rank = 1; rank <= max_rank && total > width; rank++) {
		/* narrow the widest of this rank, one column at a time: the columns of a
		 * rank come out equal, and a short one is never cut for a long one */
		while (total > width) {
			size_t wi = n;
			for (size_t i = 0; i < n; i++)
				if (c[i].cut == rank && out[i] > c[i].min && (wi == n || out[i] > out[wi]))
					wi = i;
			if (wi == n)
				break;
			int second = c[wi].min, tie = 0;
			for (size_t i = 0; i < n; i++) {
				if (i == wi || c[i].cut != rank)
					continue;
				if (out[i] == out[wi])
					tie = 1;
				else if (out[i] < out[wi] && out[i] > second)
					second = out[i];
			}
			/* down to the next widest (or the minimum) at once, but no further
			 * than the excess; equal columns take turns */
			int step = tie ? 1 : out[wi] - second;
			if (step > total - width)
				step = total - width;
			out[wi] -= step;
			total -= step;
		}
	}
	return total;
}

char *table_cut(const char *s, int w, const char *ellipsis)
{
	if (!s)
		s = "";
	if (utf8_width(s) <= w)
		return xstrdup(s);
	if (w <= 0)
		return xstrdup("");
	int ew = utf8_width(ellipsis);
	int room = w - ew;
	size_t i = 0, len = strlen(s);
	int col = 0;
	mbstate_t st;
	memset(&st, 0, sizeof st);
	while (i < len && room > 0) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s + i, len - i, &st);
		int cw;
		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			memset(&st, 0, sizeof st);
			k = 1;
			cw = 1;
		} else {
			cw = wcwidth(wc);
			if (cw < 0)
				cw = 1;
		}
		if (col + cw > room)
			break;
		col += cw;
		i += k;
	}
	char *r = xmalloc(i + strlen(ellipsis) + 1);
	memcpy(r, s, i);
	strcpy(r + i, ellipsis);
	return r;
}
