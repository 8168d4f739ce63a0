/* SPDX-License-Identifier: GPL-2.0 */
/* dev.h - the /dev/cos misc device. */
#ifndef COS_DEV_H
#define COS_DEV_H

int cos_dev_init(void);
void cos_dev_exit(void);

#endif
