/* Drawing one dashboard panel (stat, gauge, bars, graph), in the grid or zoomed. */
#ifndef ICN_PANELVIEW_H
#define ICN_PANELVIEW_H
#include "app/dash.h"
#include "ui/layout.h"

void panelview_draw(const dash_t *d, const panel_rt_t *p, rect_t r, int focused);
/* Full screen: graph with axes over the current range, every series' value,
 * description, and the error or warnings. */
void panelview_draw_zoom(const dash_t *d, const panel_rt_t *p, rect_t r);
/* The labels of the series the headline names (the one series, or the min or
 * max of several: "11.0 GiB (director-3)"), NULL when it names none. */
const labels_t *panelview_culprit(const panel_rt_t *p);
/* The text shown for a panel's value ("10.9 GiB", "no data", "error"). */
char *panelview_value_text(const panel_rt_t *p);

#endif
