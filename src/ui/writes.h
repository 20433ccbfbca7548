/* Writes to Alertmanager from the TUI: the acknowledge form, and confirmations to expire or extend a silence. */
#ifndef ICN_WRITES_H
#define ICN_WRITES_H
#include "backend/am.h"
#include "ui/ui.h"

/* The acknowledge form for alerts with these labels (every label an exact
 * matcher); `n_hint` is how many alerts the user selected (1, or a group's). */
void writes_ack_open(ui_t *ui, const labels_t *labels, size_t n_hint, int group);
/* Take an alert's acknowledgement back: expire the silences silencing it (asks first). */
void writes_unack_open(ui_t *ui, const am_alert_t *a);
/* Expire one silence (asks first). */
void writes_expire_open(ui_t *ui, const am_silence_t *s);
/* Extend one silence by a duration typed at a prompt (asks first). */
void writes_extend_open(ui_t *ui, const am_silence_t *s);

#endif
