// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for everything force-rmmod parses from outside: module
 * names (argv), /proc/modules lines, /proc/PID/stack lines, /dev/kmsg
 * records, the helper's log lines (leftover lines too), compressed helper
 * images, and the JSON string writer.  The first byte picks the parser.  "make check-unit" runs
 * it briefly over tests/cli/corpus/ under ASan and UBSan.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fr.h"
#include "leftovers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	char *s, out[FR_NAME_MAX], msg[512];
	struct fr_module m;
	struct fr_line line;
	struct fr_leftover leftover;
	void *image;
	size_t len;

	if (!size)
		return 0;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';		/* the text after the selector byte */

	switch (data[0] % 7) {
	case 0:
		if (fr_name_normalise(s, out) == FR_NAME_OK &&
		    (strlen(out) != strlen(s) || strchr(out, '-')))
			abort();
		break;
	case 1:
		if (!fr_modules_line_parse(s, &m) &&
		    (m.nr_holders > FR_MAX_HOLDERS || strlen(m.name) >= FR_NAME_MAX))
			abort();
		break;
	case 2:
		fr_stack_line_in_module(s, "fr_x");
		break;
	case 3:
		fr_kmsg_record_parse((const char *)data + 1, size - 1, msg, sizeof(msg));
		break;
	case 4:
		if (!fr_helper_line_parse(s, &line) &&
		    (strlen(line.name) >= FR_NAME_MAX || strlen(line.text) >= FR_TEXT_MAX))
			abort();
		if (!fr_helper_line_parse(s, &line) && line.kind == FR_LINE_LEFTOVER &&
		    !fr_leftover_parse(line.text, &leftover) &&
		    !fr_leftover_json(&leftover, msg, sizeof(msg)) &&
		    (msg[0] != '{' || msg[strlen(msg) - 1] != '}'))
			abort();
		break;
	case 5:
		if (!fr_image_decompress(data + 1, size - 1, &image, &len)) {
			fr_helper_version(image, len, msg, sizeof(msg));
			free(image);
		}
		break;
	default:
		fr_json_string(devnull, s);
		break;
	}
	free(s);
	return 0;
}
