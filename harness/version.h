/*
 * Who wrote a trace: the ppcrr version (from git when built from a
 * checkout) and the GNU build id of this very binary, so a trace names the
 * exact build that recorded it.
 */
#ifndef PPCRR_HARNESS_VERSION_H
#define PPCRR_HARNESS_VERSION_H

const char *ppcrr_version(void);

/* Hex build id, or "unknown" when the binary carries none. */
const char *ppcrr_build_id(void);

#endif
