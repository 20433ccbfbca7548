/* What the alerts files share among themselves (not for other modules). */
#ifndef ICN_ALERTS_INT_H
#define ICN_ALERTS_INT_H
#include <stddef.h>
#include "app/alerts.h"

/* Tell the owner the model changed (on_change). */
void alerts_changed(alerts_t *al);
/* "am1", "am2" when there are several peers (as the header shows them), else "alertmanager". */
char *alerts_peer_name(size_t n_peers, size_t i);
/* Monotonic seconds. */
double alerts_now_mono(void);
/* Report every write still under way as unconfirmed and forget it (alerts_free). */
void alerts_writes_abandon(alerts_t *al);

#endif
