// SPDX-License-Identifier: GPL-2.0
/* Module names as the kernel knows them: [A-Za-z0-9_], '-' read as '_'. */
#include <string.h>

#include "fr.h"

/*
 * Normalise @in into @out ('-' becomes '_', as kmod does) or say why it can
 * never name a loaded module.  A '/' or a '.' makes it a file name: people
 * type "force-rmmod ./foo.ko"; say so rather than "malformed".
 */
enum fr_name_error fr_name_normalise(const char *in, char out[FR_NAME_MAX])
{
	size_t i, len = strlen(in);

	out[0] = '\0';
	if (!len)
		return FR_NAME_EMPTY;
	if (strchr(in, '/') || strchr(in, '.'))
		return FR_NAME_PATH;
	if (len >= FR_NAME_MAX)
		return FR_NAME_TOO_LONG;
	for (i = 0; i < len; i++) {
		char c = in[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return FR_NAME_MALFORMED;
		out[i] = c == '-' ? '_' : c;
	}
	out[len] = '\0';
	return FR_NAME_OK;
}

const char *fr_name_strerror(enum fr_name_error err)
{
	switch (err) {
	case FR_NAME_OK:
		return "valid";
	case FR_NAME_EMPTY:
		return "empty module name";
	case FR_NAME_TOO_LONG:
		return "module name too long (at most 55 characters)";
	case FR_NAME_PATH:
		return "a file name, not a module name (give the name as in /proc/modules)";
	case FR_NAME_MALFORMED:
	default:
		return "malformed module name (letters, digits, '_' and '-' only)";
	}
}
