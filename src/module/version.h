/* SPDX-License-Identifier: GPL-2.0 */
/* The one place the version lives: the module, the CLI and dkms.conf read it. */
#define FORCE_RMMOD_VERSION "0.1.0"
