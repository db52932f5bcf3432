// SPDX-License-Identifier: GPL-2.0
/*
 * Whole disks whose operations the target owns (devices.c finds them):
 * found to be refused, for there is no undo for them yet.
 */
#include "leftovers.h"

static int __init fr_find_disks(void)
{
	char names[4][FR_DISK_NAME_LEN];
	struct fr_leftover *lo;
	int i, n = fr_owned_disks(fr_lo_target->mod, names, ARRAY_SIZE(names));

	for (i = 0; i < n || (n < 0 && !i); i++) {
		lo = fr_lo_add(&fr_lo_disk, NULL);
		if (!lo)
			break;
		strscpy(lo->name, n > 0 && i < ARRAY_SIZE(names) ? names[i] : "?",
			sizeof(lo->name));
		lo->refuse = n < 0 ? FR_UNCHECKED : FR_NO_UNDO;
	}
	return 0;
}

const struct fr_lo_kind fr_lo_disk __initconst = {
	.name = FR_LO_KIND_DISK,
	.lookup = fr_find_device_data,
	.find = fr_find_disks,
};
